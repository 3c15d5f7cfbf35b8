package org.carbonledger.audit.bundle;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.InMemoryNodeStore;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.merkle.Rfc6962;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteSigner;

/**
 * Writes a small chained ledger into a migrated schema with plain JDBC and the chain core, row for
 * row as the ledger's writers store it (ChainWriter, MerkleSequencer, Checkpointer, PublishedKeys):
 * Axon must not be on this module's class path, so those writers cannot run here.
 *
 * <p>Sixteen events in four streams, in this global order: accounts a0, a1, a2 round robin, with
 * the entry key rotated by {@code signing-keys:ledger#0} at leaf 6; fifteen of them logged, the
 * last not yet; checkpoints of sizes 4, 8, 12 and 15.
 *
 * <p>Ed25519 signatures are deterministic and the logged events' time stamps fixed, so two ledgers
 * with the same keys and the same reasons have the same entries, leaves and checkpoints (only the
 * event ids and the last, unlogged event's time differ): {@link #sameKeysAs} gives a copy of a
 * ledger in another schema, or, with other reasons, another history signed with the real keys.
 */
final class ChainedLedger {

  static final String ORIGIN = "test.carbonledger.example/bundle";
  static final int EVENTS = 16;
  static final int LOGGED = 15;
  static final int ROTATION_LEAF = 6;
  static final long[] CHECKPOINTS = {4, 8, 12, 15};

  final Ed25519Signer firstEntryKey;
  final Ed25519Signer secondEntryKey;
  final Ed25519Signer logKey;
  final InMemoryNodeStore tree = new InMemoryNodeStore();
  final List<SignedEntry> entries = new ArrayList<>();

  private final String url;
  private final String user;
  private final String password;

  /** What the accounts' freezes give as their reason, followed by the event's number. */
  private final String reason;

  /** A ledger with keys of its own. */
  ChainedLedger(String url, String user, String password) {
    this(
        url,
        user,
        password,
        Ed25519Signer.generate(ORIGIN + "/entries", new SecureRandom()),
        Ed25519Signer.generate(ORIGIN + "/entries", new SecureRandom()),
        Ed25519Signer.generate(ORIGIN, new SecureRandom()),
        "review");
  }

  private ChainedLedger(
      String url,
      String user,
      String password,
      Ed25519Signer firstEntryKey,
      Ed25519Signer secondEntryKey,
      Ed25519Signer logKey,
      String reason) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.firstEntryKey = firstEntryKey;
    this.secondEntryKey = secondEntryKey;
    this.logKey = logKey;
    this.reason = reason;
  }

  /** The JDBC URL of the ledger's schema. */
  String url() {
    return url;
  }

  /**
   * A ledger in another schema signed with this one's keys: the same history if {@code reason} is
   * "review", another one from the first freeze (leaf 3) on otherwise.
   */
  ChainedLedger sameKeysAs(String url, String reason) {
    return new ChainedLedger(url, user, password, firstEntryKey, secondEntryKey, logKey, reason);
  }

  void write() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, user, password)) {
      connection.setAutoCommit(false);
      insertKey(connection, firstEntryKey, "entry", 0L, (long) ROTATION_LEAF + 1, null, null);
      insertKey(connection, logKey, "checkpoint", 0L, null, null, null);
      Map<String, byte[]> last = new HashMap<>();
      Map<String, Long> sequences = new HashMap<>();
      Ed25519Signer signer = firstEntryKey;
      int account = 0;
      for (int i = 0; i < EVENTS; i++) {
        String stream;
        String aggregateType;
        String payloadType;
        String payload;
        String eventId = UUID.randomUUID().toString();
        if (i == ROTATION_LEAF) {
          stream = BundleFormat.ROTATION_STREAM;
          aggregateType = "SigningKeys";
          payloadType = "org.carbonledger.auditlog.SigningKeysEvent$SigningKeyRotated";
          payload =
              "{\"purpose\":\"ENTRY\",\"retiredKeyId\":\""
                  + firstEntryKey.keyId()
                  + "\",\"keyId\":\""
                  + secondEntryKey.keyId()
                  + "\",\"keyName\":\""
                  + secondEntryKey.keyName()
                  + "\",\"publicKey\":\""
                  + Base64.getEncoder().encodeToString(secondEntryKey.publicKey())
                  + "\",\"reason\":\"yearly rotation\"}";
          insertKey(
              connection,
              secondEntryKey,
              "entry",
              (long) ROTATION_LEAF + 1,
              null,
              firstEntryKey.keyId(),
              eventId);
        } else {
          String id = "a" + (account++ % 3);
          stream = "account:" + id;
          aggregateType = "Account";
          boolean first = !sequences.containsKey(stream);
          payloadType =
              "org.carbonledger.accounts.AccountEvent$"
                  + (first ? "AccountOpened" : "AccountFrozen");
          payload =
              first
                  ? "{\"accountId\":\""
                      + id
                      + "\",\"holderType\":\"INDIVIDUAL\",\"name\":\"武汉 "
                      + id
                      + "\",\"jurisdiction\":\"CN-HB\"}"
                  : "{\"accountId\":\"" + id + "\",\"reason\":\"" + reason + " " + i + "\"}";
        }
        long sequence = sequences.merge(stream, 1L, Long::sum) - 1;
        // The event not logged yet is a fresh one, as on a running ledger.
        Instant timestamp =
            i < LOGGED
                ? Instant.parse("2026-11-21T08:00:00.123456789Z").plusSeconds(i)
                : Instant.now().truncatedTo(ChronoUnit.MICROS);
        Entry entry =
            new Entry(
                ORIGIN,
                aggregateType,
                stream,
                sequence,
                payloadType.substring(payloadType.lastIndexOf('$') + 1),
                payload.getBytes(StandardCharsets.UTF_8),
                ChronoUnit.MICROS.between(Instant.EPOCH, timestamp),
                "operator:alice",
                "key-" + i,
                last.getOrDefault(stream, Hashing.zeroHash()));
        SignedEntry signed = SignedEntry.sign(entry, signer);
        last.put(stream, signed.entryHash());
        entries.add(signed);
        insertEvent(connection, eventId, signed, timestamp, payloadType);
        insertChainEntry(connection, eventId, signed);
        if (i < LOGGED) {
          insertLeaf(connection, i, eventId, signed);
          tree.appendLeafData(signed.leafData());
        }
        if (i == ROTATION_LEAF) {
          signer = secondEntryKey;
        }
      }
      insertNodes(connection);
      for (long size : CHECKPOINTS) {
        insertCheckpoint(connection, size);
      }
      connection.commit();
    }
  }

  /**
   * Rolls the ledger back to {@code size} leaves as an insider would, consistently, as if the newer
   * events had never happened: their leaves, the nodes and checkpoints over them, and their entries
   * and event rows are deleted, and with them the event not logged yet.
   */
  void rollBackTo(long size) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        java.sql.Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.executeUpdate("DELETE FROM merkle_leaf WHERE leaf_index >= " + size);
      statement.executeUpdate(
          "DELETE FROM merkle_node WHERE (node_index + 1) * power(2, tree_level) > " + size);
      statement.executeUpdate("DELETE FROM log_checkpoint WHERE tree_size > " + size);
      statement.executeUpdate(
          "DELETE FROM chain_entry WHERE event_identifier NOT IN"
              + " (SELECT event_identifier FROM merkle_leaf)");
      statement.executeUpdate(
          "DELETE FROM domain_event_entry WHERE event_identifier NOT IN"
              + " (SELECT event_identifier FROM merkle_leaf)");
      connection.commit();
    }
  }

  /** The checkpoint note of {@code size} leaves signed with {@code key}, over {@code root}. */
  String note(long size, byte[] root, Ed25519Signer key) {
    return Checkpoint.of(ORIGIN, size, root).sign(List.of(NoteSigner.of(key))).encode();
  }

  byte[] root(long size) {
    return MerkleProofs.root(tree, size);
  }

  private static void insertKey(
      Connection connection,
      Ed25519Signer key,
      String purpose,
      Long from,
      Long until,
      String retires,
      String introducedBy)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO ledger_key (key_id, key_name, purpose, public_key, valid_from,"
                + " valid_until, retires_key_id, introduced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, key.keyId());
      insert.setString(2, key.keyName());
      insert.setString(3, purpose);
      insert.setBytes(4, key.publicKey());
      insert.setObject(5, from);
      insert.setObject(6, until);
      insert.setString(7, retires);
      insert.setString(8, introducedBy);
      insert.executeUpdate();
    }
  }

  private static void insertEvent(
      Connection connection,
      String eventId,
      SignedEntry signed,
      Instant timestamp,
      String payloadType)
      throws SQLException {
    Entry entry = signed.entry();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO domain_event_entry (event_identifier, aggregate_identifier,"
                + " sequence_number, aggregate_type, time_stamp, payload_type, payload, meta_data)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, eventId);
      insert.setString(2, entry.streamId());
      insert.setLong(3, entry.sequence());
      insert.setString(4, entry.aggregateType());
      insert.setString(5, timestamp.toString());
      insert.setString(6, payloadType);
      insert.setBytes(7, entry.payload());
      insert.setBytes(
          8,
          ("{\"actor\":\""
                  + entry.actor()
                  + "\",\"idempotencyKey\":\""
                  + entry.idempotencyKey()
                  + "\",\"traceId\":\"t\"}")
              .getBytes(StandardCharsets.UTF_8));
      insert.executeUpdate();
    }
  }

  private static void insertChainEntry(Connection connection, String eventId, SignedEntry signed)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO chain_entry (stream_id, sequence_number, event_identifier, entry,"
                + " entry_hash, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, signed.entry().streamId());
      insert.setLong(2, signed.entry().sequence());
      insert.setString(3, eventId);
      insert.setBytes(4, signed.entry().canonicalBytes());
      insert.setBytes(5, signed.entryHash());
      insert.setString(6, signed.keyId());
      insert.setBytes(7, signed.signature());
      insert.executeUpdate();
    }
  }

  private static void insertLeaf(
      Connection connection, long leafIndex, String eventId, SignedEntry signed)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO merkle_leaf (leaf_index, event_identifier, stream_id, sequence_number,"
                + " leaf_hash) VALUES (?, ?, ?, ?, ?)")) {
      insert.setLong(1, leafIndex);
      insert.setString(2, eventId);
      insert.setString(3, signed.entry().streamId());
      insert.setLong(4, signed.entry().sequence());
      insert.setBytes(5, Rfc6962.leafHash(signed.leafData()));
      insert.executeUpdate();
    }
  }

  /** The roots of the log's complete subtrees above the leaves, as the sequencer stores them. */
  private void insertNodes(Connection connection) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO merkle_node (tree_level, node_index, hash) VALUES (?, ?, ?)")) {
      for (int level = 1; (1L << level) <= LOGGED; level++) {
        for (long index = 0; (index + 1) << level <= LOGGED; index++) {
          insert.setInt(1, level);
          insert.setLong(2, index);
          insert.setBytes(3, tree.hash(level, index));
          insert.executeUpdate();
        }
      }
    }
  }

  private void insertCheckpoint(Connection connection, long size) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO log_checkpoint (tree_size, root_hash, note, created_at)"
                + " VALUES (?, ?, ?, ?)")) {
      insert.setLong(1, size);
      insert.setBytes(2, root(size));
      insert.setString(3, note(size, root(size), logKey));
      insert.setString(4, Instant.parse("2026-11-21T09:00:00Z").plusSeconds(size).toString());
      insert.executeUpdate();
    }
  }
}
