package org.carbonledger.api.auditlog;

import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.serialization.Serializer;
import org.carbonledger.auditlog.ChainWriter;
import org.carbonledger.auditlog.ChainingEventStorageEngine;
import org.carbonledger.auditlog.Checkpointer;
import org.carbonledger.auditlog.CommandAuditMetadata;
import org.carbonledger.auditlog.KeyDirectory;
import org.carbonledger.auditlog.KeyPurpose;
import org.carbonledger.auditlog.KeyRotation;
import org.carbonledger.auditlog.LedgerIdentity;
import org.carbonledger.auditlog.MerkleSequencer;
import org.carbonledger.auditlog.PublishedKeys;
import org.carbonledger.store.PollingEventStore;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
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

  @Bean
  KeyDirectory keyDirectory(
      @Value("${ledger.keys-dir}") Path keysDir, @Value("${ledger.origin}") String origin) {
    return KeyDirectory.at(keysDir, origin);
  }

  /**
   * The ledger's current keys. A new ledger's first keys are published in {@code ledger_key} before
   * the event store can sign anything with them, so that no entry is ever signed by a key the table
   * does not list. A ledger that has keys must find them in the keys directory, or the service does
   * not start.
   */
  @Bean
  @DependsOnDatabaseInitialization
  LedgerIdentity ledgerIdentity(DataSource dataSource, KeyDirectory keyDirectory) {
    Map<KeyPurpose, String> current = PublishedKeys.current(dataSource);
    LedgerIdentity identity = keyDirectory.open(current);
    if (current.isEmpty()) {
      PublishedKeys.publishFirst(dataSource, identity);
    }
    return identity;
  }

  @Bean
  ChainWriter chainWriter(LedgerIdentity identity) {
    return new ChainWriter(identity.origin(), identity.entryKey());
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
      ChainWriter chainWriter,
      @Value("${ledger.event-store.fetch-size}") int fetchSize) {
    return ChainingEventStorageEngine.create(
        JdbcEventStorageEngine.builder()
            .batchSize(fetchSize)
            .snapshotSerializer(defaultSerializer)
            .upcasterChain(configuration.upcasterChain())
            .persistenceExceptionResolver(persistenceExceptionResolver)
            .eventSerializer(eventSerializer)
            .snapshotFilter(configuration.snapshotFilter())
            .schema(eventSchema),
        connectionProvider,
        transactionManager,
        chainWriter);
  }

  /**
   * The event store, whose producer reads new events at most every {@code
   * ledger.event-store.poll-ms} instead of after every commit and after every read that found some
   * ({@link PollingEventStore}): streaming processors then see up to that much more lag, the
   * command path is spared a fetch per command, and the processors get larger batches.
   */
  @Qualifier("eventStore")
  @Bean(name = "eventBus")
  EmbeddedEventStore eventStore(
      EventStorageEngine storageEngine,
      Configuration configuration,
      @Value("${ledger.event-store.poll-ms}") long pollMillis) {
    return PollingEventStore.create(
        EmbeddedEventStore.builder()
            .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
            .spanFactory(configuration.getComponent(EventBusSpanFactory.class)),
        storageEngine,
        pollMillis);
  }

  /**
   * Copies a command's actor and idempotency key onto its events, and so into the chain. Being a
   * bean of this type, it also stands in for Axon's default {@code MessageOriginProvider}: no
   * correlation or trace identifiers are added to messages.
   */
  @Bean
  CorrelationDataProvider auditMetadataProvider() {
    return new CommandAuditMetadata();
  }

  @Bean
  Checkpointer checkpointer(
      DataSource dataSource,
      LedgerIdentity identity,
      KeyDirectory keyDirectory,
      @Value("${ledger.checkpoint.every-leaves}") long everyLeaves) {
    Checkpointer checkpointer = new Checkpointer(dataSource, identity, everyLeaves);
    keyDirectory.retired(KeyPurpose.CHECKPOINT).forEach(checkpointer::addLogKey);
    return checkpointer;
  }

  @Bean
  KeyRotation keyRotation(
      KeyDirectory keyDirectory,
      ChainWriter chainWriter,
      Checkpointer checkpointer,
      CommandGateway commandGateway) {
    // Axon's simple command bus runs the command on this thread, inside the rotation lock.
    return new KeyRotation(
        keyDirectory, chainWriter, checkpointer, command -> commandGateway.sendAndWait(command));
  }

  /**
   * Rotates to the keys an operator staged in the keys directory, once the service has started. A
   * staged key that cannot be rotated in stops the start: the operator meant to change keys.
   */
  @Bean
  ApplicationRunner rotateStagedKeys(KeyRotation keyRotation) {
    return arguments -> {
      for (KeyPurpose purpose : KeyPurpose.values()) {
        keyRotation
            .rotateStaged(purpose, "a new key was staged in the keys directory")
            .ifPresent(
                keyId ->
                    LoggerFactory.getLogger(AuditChainConfiguration.class)
                        .info("rotated the {} key to {}", purpose.column(), keyId));
      }
    };
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
