package org.carbonledger.api.auditlog;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.serialization.Serializer;
import org.carbonledger.auditlog.AuditMetadata;
import org.carbonledger.auditlog.ChainWriter;
import org.carbonledger.auditlog.ChainingEventStorageEngine;
import org.carbonledger.auditlog.Checkpointer;
import org.carbonledger.auditlog.KeyDirectory;
import org.carbonledger.auditlog.LedgerIdentity;
import org.carbonledger.auditlog.MerkleSequencer;
import org.carbonledger.auditlog.PublishedKeys;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The audit chain: every event is stored with its signed chain entry, a single sequencer appends
 * committed events to the Merkle log, and checkpoints of the log are signed as it grows.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@EnableScheduling
class AuditChainConfiguration {

  /**
   * The ledger's keys, published in {@code ledger_key} before the event store can sign anything
   * with them, so that no entry is ever signed by a key the table does not list yet.
   */
  @Bean
  @DependsOnDatabaseInitialization
  LedgerIdentity ledgerIdentity(
      DataSource dataSource,
      @Value("${ledger.keys-dir}") Path keysDir,
      @Value("${ledger.origin}") String origin) {
    LedgerIdentity identity = KeyDirectory.loadOrCreate(keysDir, origin);
    PublishedKeys.publish(dataSource, identity);
    return identity;
  }

  /** Replaces Axon's JDBC engine with the same engine that also writes the chain. */
  @Bean
  EventStorageEngine eventStorageEngine(
      Serializer defaultSerializer,
      PersistenceExceptionResolver persistenceExceptionResolver,
      @Qualifier("eventSerializer") Serializer eventSerializer,
      Configuration configuration,
      ConnectionProvider connectionProvider,
      TransactionManager transactionManager,
      EventSchema eventSchema,
      LedgerIdentity identity) {
    return ChainingEventStorageEngine.create(
        JdbcEventStorageEngine.builder()
            .snapshotSerializer(defaultSerializer)
            .upcasterChain(configuration.upcasterChain())
            .persistenceExceptionResolver(persistenceExceptionResolver)
            .eventSerializer(eventSerializer)
            .snapshotFilter(configuration.snapshotFilter())
            .schema(eventSchema),
        connectionProvider,
        transactionManager,
        new ChainWriter(identity.origin(), identity.entryKey()));
  }

  /** Copies a command's actor and idempotency key onto its events, and so into the chain. */
  @Bean
  CorrelationDataProvider auditMetadataProvider() {
    return new SimpleCorrelationDataProvider(AuditMetadata.ACTOR, AuditMetadata.IDEMPOTENCY_KEY);
  }

  @Bean
  Checkpointer checkpointer(
      DataSource dataSource,
      LedgerIdentity identity,
      @Value("${ledger.checkpoint.every-leaves}") long everyLeaves) {
    return new Checkpointer(dataSource, identity, everyLeaves);
  }

  @Bean
  MerkleSequencer merkleSequencer(
      ConnectionProvider connectionProvider, Checkpointer checkpointer) {
    return new MerkleSequencer(connectionProvider, checkpointer);
  }

  /**
   * A failure in the sequencer must stop it and be retried, never be logged and skipped: Axon's
   * default for event handlers is to log and go on, which would leave a committed event out of the
   * log for good.
   */
  @Bean
  ConfigurerModule sequencerFailuresPropagate() {
    return configurer ->
        configurer
            .eventProcessing()
            .registerListenerInvocationErrorHandler(
                MerkleSequencer.PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
  }

  @Bean
  CheckpointTimer checkpointTimer(Checkpointer checkpointer) {
    return new CheckpointTimer(checkpointer);
  }

  /** Checkpoints a growing log at least every interval, however few leaves it gained. */
  static final class CheckpointTimer {
    private final Checkpointer checkpointer;

    CheckpointTimer(Checkpointer checkpointer) {
      this.checkpointer = checkpointer;
    }

    @Scheduled(
        fixedDelayString = "${ledger.checkpoint.interval-ms}",
        initialDelayString = "${ledger.checkpoint.interval-ms}")
    void checkpoint() {
      checkpointer.checkpoint();
    }
  }
}
