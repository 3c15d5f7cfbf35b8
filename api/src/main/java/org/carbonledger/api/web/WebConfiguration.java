package org.carbonledger.api.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

  @Bean
  IdempotencyRecords idempotencyRecords(JdbcTemplate jdbc) {
    return new IdempotencyRecords(jdbc);
  }

  /** Axon's auto-configuration registers handler-interceptor beans with the command bus. */
  @Bean
  LedgerWriteInterceptor ledgerWriteInterceptor(IdempotencyRecords records) {
    return new LedgerWriteInterceptor(records);
  }

  @Bean
  LedgerWrites ledgerWrites(
      CommandGateway commands, IdempotencyRecords records, ObjectMapper json) {
    return new LedgerWrites(commands, records, json);
  }

  /** Outermost, so that no filter inside it can commit a response by flushing it. */
  @Bean
  FilterRegistrationBean<WholeResponses> wholeResponses() {
    FilterRegistrationBean<WholeResponses> registration =
        new FilterRegistrationBean<>(new WholeResponses());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
