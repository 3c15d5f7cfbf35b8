package org.carbonledger.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Serializer;
import org.carbonledger.accounts.AccountEvent.AccountFrozen;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.InMemoryNodeStore;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteVerifierKey;
import org.carbonledger.store.LedgerSerialization;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The sequencer on PostgreSQL, handing over mid-log to a fresh instance as after a restart or a
 * failover: the stored tree must be exactly the RFC 6962 tree of the signed entries, in order.
 */
class MerkleSequencerPostgresIT {

  private static final String ORIGIN = "test.carbonledger.example/sequencer";

  /**
   * The sequencer's read of a batch's entries finds their leaves by probing the leaves' unique
   * index, whatever the size of the log: as a join, PostgreSQL scanned the whole log for a batch of
   * a thousand events (MerkleSequencer.unloggedEntriesQuery).
   */
  @Test
  void aBatchOfAThousandEventsFindsItsLeavesWithoutScanningTheLog() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    String url = postgres.newMigratedSchema("sequencer_plan");
    try (Connection connection =
            DriverManager.getConnection(url, postgres.user(), postgres.password());
        var sql = connection.createStatement()) {
      sql.execute(
          "INSERT INTO chain_entry (stream_id, sequence_number, event_identifier, entry,"
              + " entry_hash, key_id, signature) SELECT 'batch:b' || (i % 100), i, 'event-' || i,"
              + " '\\x00', '\\x00', 'k', '\\x00' FROM generate_series(1, 60000) i");
      sql.execute(
          "INSERT INTO merkle_leaf (leaf_index, event_identifier, stream_id, sequence_number,"
              + " leaf_hash) SELECT i - 1, 'event-' || i, 'batch:b' || (i % 100), i, '\\x00'"
              + " FROM generate_series(1, 59000) i");
      sql.execute("ANALYZE chain_entry");
      sql.execute("ANALYZE merkle_leaf");
      int size = 1024;
      StringBuilder plan = new StringBuilder();
      try (var explain =
          connection.prepareStatement("EXPLAIN " + MerkleSequencer.unloggedEntriesQuery(size))) {
        for (int i = 1; i <= size; i++) {
          explain.setString(i, "event-" + (58_000 + i));
        }
        try (var rows = explain.executeQuery()) {
          while (rows.next()) {
            plan.append(rows.getString(1)).append('\n');
          }
        }
      }
      assertThat(plan.toString())
          .contains("Index Scan using uq_merkle_leaf_event on merkle_leaf")
          .doesNotContain("Seq Scan on merkle_leaf");
    }
  }

  @Test
  void aSequencerTakingOverMidLogContinuesTheSameTreeAndSkipsWhatIsLogged() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    String url = postgres.newMigratedSchema("sequencer");
    ConnectionProvider connections =
        () -> DriverManager.getConnection(url, postgres.user(), postgres.password());
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(url);
    dataSource.setUser(postgres.user());
    LedgerIdentity identity =
        new LedgerIdentity(
            ORIGIN,
            Ed25519Signer.generate(ORIGIN + "/entries", new SecureRandom()),
            Ed25519Signer.generate(ORIGIN, new SecureRandom()));
    Serializer serializer = LedgerSerialization.serializer();

    List<DomainEventMessage<?>> events = new ArrayList<>();
    for (int account = 0; account < 3; account++) {
      String stream = "account:a" + account;
      events.add(
          event(stream, 0, new AccountOpened("a" + account, HolderType.INDIVIDUAL, "A", "CN")));
      for (int i = 1; i <= 12; i++) {
        events.add(event(stream, i, new AccountFrozen("a" + account, "reason " + i)));
      }
    }
    PublishedKeys.publishFirst(dataSource, identity);
    try (Connection connection = connections.getConnection()) {
      new ChainWriter(ORIGIN, identity.entryKey()).append(connection, events, serializer);
    }
    Checkpointer checkpointer = new Checkpointer(dataSource, identity, 1_000);

    MerkleSequencer first = new MerkleSequencer(connections, checkpointer);
    for (DomainEventMessage<?> event : events.subList(0, 20)) {
      first.on(event);
    }
    MerkleSequencer second = new MerkleSequencer(connections, checkpointer);
    second.on(events.get(5));
    for (DomainEventMessage<?> event : events.subList(20, events.size())) {
      second.on(event);
    }

    InMemoryNodeStore expected = new InMemoryNodeStore();
    try (Connection connection = connections.getConnection()) {
      for (DomainEventMessage<?> event : events) {
        expected.appendLeafData(signedEntry(connection, event.getIdentifier()).leafData());
      }
      long size = JdbcNodeStore.storedSize(connection);
      assertThat(size).isEqualTo(events.size());
      assertThat(MerkleProofs.root(new JdbcNodeStore(connection, size), size))
          .isEqualTo(MerkleProofs.root(expected, size));
    }

    String note = checkpointer.checkpoint().orElseThrow().encode();
    Checkpoint checkpoint =
        Checkpoint.open(
            note, ORIGIN, List.of(new NoteVerifierKey(ORIGIN, identity.logKey().publicKey())));
    assertThat(checkpoint.size()).isEqualTo(events.size());
    assertThat(checkpoint.rootHash()).isEqualTo(MerkleProofs.root(expected, events.size()));
    assertThat(checkpointer.checkpoint()).as("nothing new to checkpoint").isEmpty();
  }

  private static DomainEventMessage<?> event(String stream, long sequence, Object payload) {
    return new GenericDomainEventMessage<>(
        "Account",
        stream,
        sequence,
        payload,
        MetaData.emptyInstance(),
        java.util.UUID.randomUUID().toString(),
        Instant.parse("2026-11-21T00:00:00Z").plusSeconds(sequence));
  }

  private static SignedEntry signedEntry(Connection connection, String eventIdentifier)
      throws Exception {
    try (var query =
        connection.prepareStatement(
            "SELECT entry, entry_hash, key_id, signature FROM chain_entry"
                + " WHERE event_identifier = ?")) {
      query.setString(1, eventIdentifier);
      try (var row = query.executeQuery()) {
        row.next();
        return new SignedEntry(
            EntryCodec.decode(row.getBytes(1)), row.getBytes(2), row.getString(3), row.getBytes(4));
      }
    }
  }
}
