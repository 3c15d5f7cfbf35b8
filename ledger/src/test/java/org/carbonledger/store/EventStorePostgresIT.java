package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.json.JacksonSerializer;
import org.carbonledger.accounts.AccountEvent.AccountFrozen;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The event and token store on a real PostgreSQL, with the schema our migrations create. */
class EventStorePostgresIT {

  private static String url;
  private static JacksonSerializer serializer;
  private static JdbcEventStorageEngine engine;

  @BeforeAll
  static void migrate() {
    TestPostgres postgres = TestPostgres.get();
    url = postgres.newMigratedSchema("event_store");
    serializer = JacksonSerializer.defaultSerializer();
    engine =
        JdbcEventStorageEngine.builder()
            .connectionProvider(connections())
            .transactionManager(NoTransactionManager.INSTANCE)
            .schema(LedgerTables.eventSchema())
            .persistenceExceptionResolver(LedgerTables.duplicateKeyResolver())
            .eventSerializer(serializer)
            .snapshotSerializer(serializer)
            .build();
  }

  private static ConnectionProvider connections() {
    TestPostgres postgres = TestPostgres.get();
    return () -> DriverManager.getConnection(url, postgres.user(), postgres.password());
  }

  @Test
  void payloadsMetadataAndTokensAreByteaAndNothingIsALargeObject() throws SQLException {
    Map<String, String> types = new TreeMap<>();
    try (Connection connection = connections().getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT table_name || '.' || column_name, udt_name FROM information_schema.columns"
                    + " WHERE table_schema = current_schema()");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        types.put(rows.getString(1), rows.getString(2));
      }
    }
    assertThat(types)
        .containsEntry("domain_event_entry.payload", "bytea")
        .containsEntry("domain_event_entry.meta_data", "bytea")
        .containsEntry("snapshot_event_entry.payload", "bytea")
        .containsEntry("token_entry.token", "bytea")
        .doesNotContainValue("oid");
  }

  @Test
  void appendedEventsReadBackInAggregateOrderAndInGlobalOrder() {
    AccountOpened opened =
        new AccountOpened("expo-2026", HolderType.ORGANISER, "Wuhan Expo", "CN-HB");
    AccountFrozen frozen = new AccountFrozen("expo-2026", "audit");
    engine.appendEvents(event("expo-2026", 0, opened), event("expo-2026", 1, frozen));

    List<Object> aggregateStream = new ArrayList<>();
    engine.readEvents("expo-2026").asStream().forEach(e -> aggregateStream.add(e.getPayload()));
    assertThat(aggregateStream).containsExactly(opened, frozen);

    List<Object> globalStream =
        engine
            .readEvents(null, false)
            .map(TrackedEventMessage::getPayload)
            .collect(Collectors.toList());
    assertThat(globalStream).containsSubsequence(opened, frozen);
  }

  @Test
  void aSecondWriterAtTheSameSequenceNumberLosesWithAConcurrencyException() {
    engine.appendEvents(
        event("race", 0, new AccountOpened("race", HolderType.INDIVIDUAL, "Li Lei", "CN-HB")));

    assertThatThrownBy(
            () ->
                engine.appendEvents(
                    event(
                        "race",
                        0,
                        new AccountOpened("race", HolderType.INDIVIDUAL, "Han Meimei", "CN-HB"))))
        .isInstanceOf(AggregateStreamCreationException.class);
    engine.appendEvents(event("race", 1, new AccountFrozen("race", "first")));
    assertThatThrownBy(
            () -> engine.appendEvents(event("race", 1, new AccountFrozen("race", "second"))))
        .isInstanceOf(ConcurrencyException.class);
  }

  @Test
  void onlyOneNodeCanClaimAProcessorSegment() {
    JdbcTokenStore first = tokenStore("node-a");
    JdbcTokenStore second = tokenStore("node-b");
    first.initializeTokenSegments("sequencer", 1);

    first.fetchToken("sequencer", 0);

    assertThatThrownBy(() -> second.fetchToken("sequencer", 0))
        .isInstanceOf(UnableToClaimTokenException.class);
    first.releaseClaim("sequencer", 0);
    assertThat(second.fetchToken("sequencer", 0)).isNull();
  }

  private static JdbcTokenStore tokenStore(String node) {
    return JdbcTokenStore.builder()
        .connectionProvider(connections())
        .schema(LedgerTables.tokenSchema())
        .serializer(serializer)
        .nodeId(node)
        .build();
  }

  private static DomainEventMessage<?> event(String aggregateId, long sequence, Object payload) {
    return new GenericDomainEventMessage<>("Account", aggregateId, sequence, payload);
  }
}
