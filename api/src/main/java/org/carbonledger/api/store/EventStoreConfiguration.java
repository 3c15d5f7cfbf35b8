package org.carbonledger.api.store;

import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.serialization.Serializer;
import org.carbonledger.store.LedgerSerialization;
import org.carbonledger.store.LedgerTables;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Points Axon's JDBC event store and token store at our snake_case tables.
 *
 * <p>Axon's Spring Boot auto-configuration builds the {@code JdbcTokenStore} from these beans; the
 * event store ({@code ChainingEventStorageEngine}, built in {@code AuditChainConfiguration}) takes
 * the same schema and exception resolver. The tables are created by Flyway (see {@code
 * db/migration} in the ledger module), never by Axon or Hibernate, so their column types are ours:
 * {@code bytea}, not {@code oid}.
 */
@Configuration(proxyBeanMethods = false)
class EventStoreConfiguration {

  @Bean
  EventSchema eventSchema() {
    return LedgerTables.eventSchema();
  }

  @Bean
  TokenSchema tokenSchema() {
    return LedgerTables.tokenSchema();
  }

  @Bean
  @Primary
  Serializer serializer() {
    return LedgerSerialization.serializer();
  }

  @Bean
  @Qualifier("messageSerializer")
  Serializer messageSerializer() {
    return LedgerSerialization.serializer();
  }

  @Bean
  @Qualifier("eventSerializer")
  Serializer eventSerializer() {
    return LedgerSerialization.serializer();
  }

  @Bean
  PersistenceExceptionResolver persistenceExceptionResolver() {
    return LedgerTables.duplicateKeyResolver();
  }
}
