package org.carbonledger.api.transparency;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class TransparencyConfiguration {

  @Bean
  TransparencyLog transparencyLog(JdbcTemplate jdbc) {
    return new TransparencyLog(jdbc);
  }

  @Bean
  EntryProofs entryProofs(
      JdbcTemplate jdbc, TransparencyLog log, @Value("${ledger.origin}") String origin) {
    return new EntryProofs(jdbc, log, origin);
  }
}
