package org.carbonledger.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.Serializer;
import org.carbonledger.accounts.AccountEvent.AccountFrozen;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.store.LedgerSerialization;
import org.carbonledger.store.LedgerTables;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The chaining event store on PostgreSQL, where one statement per event writes the event and its
 * chain entry and returns the event's global index.
 */
class ChainingEventStoragePostgresIT {

  private static final String ORIGIN = "test.carbonledger.example/append";

  private static ChainingEventStorageEngine engine;
  private static JdbcTemplate jdbc;

  @BeforeAll
  static void migrate() {
    TestPostgres postgres = TestPostgres.get();
    String url = postgres.newMigratedSchema("chaining_append");
    // One connection throughout, as a pool would keep it, so that the driver's statement cache
    // and the server's prepared statements carry over from one append to the next.
    SingleConnectionDataSource connection =
        new SingleConnectionDataSource(url, postgres.user(), postgres.password(), true);
    ConnectionProvider connections = connection::getConnection;
    jdbc = new JdbcTemplate(connection);
    Serializer serializer = LedgerSerialization.serializer();
    engine =
        ChainingEventStorageEngine.create(
            JdbcEventStorageEngine.builder()
                .schema(LedgerTables.eventSchema())
                .persistenceExceptionResolver(LedgerTables.duplicateKeyResolver())
                .eventSerializer(serializer)
                .snapshotSerializer(serializer),
            connections,
            NoTransactionManager.INSTANCE,
            new ChainWriter(
                ORIGIN, Ed25519Signer.generate(ORIGIN + "/entries", new SecureRandom())));
  }

  @Test
  void anAppendReportsTheGlobalIndexOfItsLastEventToItsUnitOfWork() {
    String stream = "account:expo";
    DomainEventMessage<?> opened =
        event(stream, 0, new AccountOpened("expo", HolderType.ORGANISER, "Wuhan Expo", "CN-HB"));
    DomainEventMessage<?> frozen = event(stream, 1, new AccountFrozen("expo", "audit"));
    DomainEventMessage<?> unfrozen = event(stream, 2, new AccountFrozen("expo", "again"));

    Object[] reported = new Object[1];
    DefaultUnitOfWork.startAndGet(null)
        .execute(
            () -> {
              engine.appendEvents(opened, frozen, unfrozen);
              reported[0] =
                  CurrentUnitOfWork.get()
                      .root()
                      .getResource(ChainingEventStorageEngine.LAST_APPENDED_POSITION);
            });

    assertThat(reported[0]).isEqualTo(globalIndexOf(unfrozen));
    assertThat(globalIndexOf(unfrozen)).isGreaterThan(globalIndexOf(opened));
    assertThat(entriesOf(stream)).isEqualTo(3);
  }

  @Test
  void aSingleEventReportsItsIndexAlsoOnceTheServerHasPreparedTheAppend() {
    // The driver prepares a statement on the server from its fifth use on a connection, and the
    // returned rows must be read the same way before and after.
    for (int sequence = 0; sequence < 8; sequence++) {
      DomainEventMessage<?> event =
          sequence == 0
              ? event(
                  "account:lone", 0, new AccountOpened("lone", HolderType.INDIVIDUAL, "Li", "CN"))
              : event("account:lone", sequence, new AccountFrozen("lone", "check " + sequence));
      Object[] reported = new Object[1];
      DefaultUnitOfWork.startAndGet(null)
          .execute(
              () -> {
                engine.appendEvents(event);
                reported[0] =
                    CurrentUnitOfWork.get()
                        .root()
                        .getResource(ChainingEventStorageEngine.LAST_APPENDED_POSITION);
              });
      assertThat(reported[0]).as("event %d", sequence).isEqualTo(globalIndexOf(event));
    }
    assertThat(entriesOf("account:lone")).isEqualTo(8);
    assertThat(appendsPreparedOnTheServer())
        .as("the append, prepared on the server by the end of the loop")
        .isEqualTo(1);
  }

  private static int appendsPreparedOnTheServer() {
    return jdbc.queryForObject(
        "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'WITH event AS%'",
        Integer.class);
  }

  @Test
  void aBatchThatCollidesWithAStoredEventFailsAsAConcurrencyFailure() {
    String stream = "account:batch-race";
    engine.appendEvents(
        event(stream, 0, new AccountOpened("batch-race", HolderType.INDIVIDUAL, "Li", "CN-HB")),
        event(stream, 1, new AccountFrozen("batch-race", "first")));

    assertThatThrownBy(
            () ->
                engine.appendEvents(
                    event(stream, 1, new AccountFrozen("batch-race", "second")),
                    event(stream, 2, new AccountFrozen("batch-race", "third"))))
        .isInstanceOf(ConcurrencyException.class);
    assertThat(entriesOf(stream)).isEqualTo(2);
  }

  @Test
  void aSecondWriterAtTheSameSequenceNumberLosesAndLeavesNoEntry() {
    String stream = "account:race";
    engine.appendEvents(
        event(stream, 0, new AccountOpened("race", HolderType.INDIVIDUAL, "Li Lei", "CN-HB")));

    assertThatThrownBy(
            () ->
                engine.appendEvents(
                    event(
                        stream,
                        0,
                        new AccountOpened("race", HolderType.INDIVIDUAL, "Han Meimei", "CN-HB"))))
        .isInstanceOf(AggregateStreamCreationException.class);
    assertThat(entriesOf(stream)).isEqualTo(1);
  }

  private static long globalIndexOf(DomainEventMessage<?> event) {
    return jdbc.queryForObject(
        "SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
        Long.class,
        event.getIdentifier());
  }

  private static int entriesOf(String stream) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM chain_entry WHERE stream_id = ?", Integer.class, stream);
  }

  private static DomainEventMessage<?> event(String stream, long sequence, Object payload) {
    return new GenericDomainEventMessage<>("Account", stream, sequence, payload);
  }
}
