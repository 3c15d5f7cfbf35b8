package org.carbonledger.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.carbonledger.audit.replay.ProjectionCheck;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.ChainVerifier;
import org.carbonledger.chain.ChainVerifier.LoggedEntry;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.KeyRing;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.merkle.MerkleVerifier;
import org.carbonledger.chain.merkle.Rfc6962;
import org.carbonledger.chain.note.Checkpoint;

/**
 * Checks a ledger's database without trusting the service that wrote it: every stored event against
 * its signed chain entry, every chain against its links and signatures, every Merkle leaf against
 * the entry it logs, and every checkpoint against the root recomputed from the leaves.
 *
 * <p>It reads with plain SQL, read-only, and streams: one aggregate's stream of entries is held at
 * a time, and the Merkle root is accumulated in logarithmic memory. Entries are verified with the
 * pure chain core ({@code org.carbonledger.chain}) exactly as stored; nothing is re-serialized.
 */
public final class DatabaseVerifier {

  static final int FETCH_SIZE = 2_000;

  /** At most this many findings of one kind about stored Merkle nodes are listed. */
  static final int MAX_NODE_FINDINGS = 50;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection connection;
  private final LongConsumer progress;
  private final VerifyOptions options;
  private final ConnectionSource more;
  private final List<Finding> findings = new ArrayList<>();

  /** The latest checkpoint that verified, with its signed note, for a later {@code --since}. */
  private String latestVerifiedNote;

  private StoredCheckpoint latestVerified;

  /**
   * @param connection a connection with auto-commit off, so that PostgreSQL streams rows
   * @param progress called with the number of entries checked so far, now and then
   */
  public DatabaseVerifier(Connection connection, LongConsumer progress) {
    this(connection, progress, VerifyOptions.defaults());
  }

  /**
   * @param connection a connection with auto-commit off, so that PostgreSQL streams rows
   * @param progress called with the number of entries checked so far, now and then
   * @param options trusted keys, an earlier checkpoint to extend, and the log's grace time
   */
  public DatabaseVerifier(Connection connection, LongConsumer progress, VerifyOptions options) {
    this(connection, progress, options, null);
  }

  /**
   * A verifier that, on PostgreSQL, runs its three passes side by side: the chains and signatures
   * on this connection, the Merkle log and checkpoints on a second and the credit replay on a
   * third, all three in the snapshot this connection exports, so they see one state of the ledger
   * as a single pass would. On H2, or without a source, the passes run one after another.
   *
   * @param connection a read-only connection with auto-commit off and no transaction open
   * @param progress called with the number of entries checked so far, now and then; from several
   *     threads when the passes run side by side
   * @param options trusted keys, an earlier checkpoint to extend, and the log's grace time
   * @param more opens further read-only connections to the same database, or null
   */
  public DatabaseVerifier(
      Connection connection, LongConsumer progress, VerifyOptions options, ConnectionSource more) {
    this.connection = connection;
    this.progress = progress;
    this.options = options;
    this.more = more;
  }

  /** Opens another read-only connection to the ledger's database. */
  @FunctionalInterface
  public interface ConnectionSource {
    Connection open() throws SQLException;
  }

  /**
   * The signed note of the largest checkpoint that verified in the last {@link #verify}, to save
   * for the next audit's {@code --since}; null if none did.
   */
  public String latestVerifiedCheckpoint() {
    return latestVerifiedNote;
  }

  public VerificationReport verify() throws SQLException {
    long started = System.nanoTime();
    // One snapshot for everything, so that a ledger written to during the audit is seen as it was
    // at one instant: no entry without its leaf because the leaf committed between two queries.
    connection.rollback();
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    boolean postgres = connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
    if (postgres) {
      tunePostgres(connection);
    }
    String snapshot = more == null || !postgres ? null : exportSnapshot();
    long leafCount = count("SELECT count(*) FROM merkle_leaf");
    KeyHistory keys = KeyHistory.load(connection, leafCount, findings, options.trustedKeys());
    EntryCounts entries;
    LogCounts log;
    if (snapshot == null) {
      entries = verifyChains(keys, leafCount);
      findUnchainedEvents();
      log = verifyLogAndCheckpoints(keys);
      ProjectionCheck.checkInCurrentTransaction(connection, findings, progress);
    } else {
      Side side = new Side(snapshot, keys);
      try {
        entries = verifyChains(keys, leafCount);
        findUnchainedEvents();
        log = side.finish(this);
      } finally {
        side.close();
      }
    }
    return new VerificationReport(
        log.events(),
        entries.entries(),
        entries.streams(),
        log.leaves(),
        log.checkpoints(),
        keys.size(),
        entries.notYetLogged(),
        (System.nanoTime() - started) / 1e9,
        List.copyOf(findings));
  }

  private record LogCounts(long leaves, long checkpoints, long events) {}

  /**
   * The Merkle log, the checkpoints and the earlier audit's checkpoint, then the number of events.
   */
  private LogCounts verifyLogAndCheckpoints(KeyHistory keys) throws SQLException {
    List<StoredCheckpoint> checkpoints = verifyCheckpointSignatures(keys);
    SavedCheckpoint since =
        options.since() == null ? null : SavedCheckpoint.open(options.since(), keys, findings);
    long leaves = verifyLog(checkpoints, since);
    long events = count("SELECT count(*) FROM domain_event_entry");
    return new LogCounts(leaves, checkpoints.size(), events);
  }

  /** Exports this PostgreSQL transaction's snapshot for the other passes. */
  private String exportSnapshot() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT pg_export_snapshot()")) {
      result.next();
      return result.getString(1);
    }
  }

  /**
   * The log pass and the credit replay, each on its own connection and thread, in the exported
   * snapshot, while the chain pass runs on the caller's thread. Their findings are kept apart and
   * appended after the chain pass's, in the order a sequential run reports them.
   */
  private final class Side {
    private final List<Connection> connections = new ArrayList<>();
    private final ExecutorService threads =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "verify-pass");
              thread.setDaemon(true);
              return thread;
            });
    private final DatabaseVerifier logPass;
    private final Future<LogCounts> log;
    private final List<Finding> replayFindings = new ArrayList<>();
    private final Future<?> replay;

    Side(String snapshot, KeyHistory keys) throws SQLException {
      if (!snapshot.matches("[0-9A-Fa-f-]+")) {
        throw new SQLException("unexpected snapshot id " + snapshot);
      }
      Connection logConnection;
      Connection replayConnection;
      try {
        logConnection = join(snapshot);
        replayConnection = join(snapshot);
      } catch (SQLException | RuntimeException e) {
        close();
        throw e;
      }
      logPass = new DatabaseVerifier(logConnection, n -> {}, options);
      log = threads.submit(() -> logPass.verifyLogAndCheckpoints(keys));
      replay =
          threads.submit(
              () -> {
                ProjectionCheck.checkInCurrentTransaction(
                    replayConnection, replayFindings, progress);
                return null;
              });
    }

    private Connection join(String snapshot) throws SQLException {
      Connection joined = more.open();
      connections.add(joined);
      joined.setAutoCommit(false);
      joined.setReadOnly(true);
      joined.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement statement = joined.createStatement()) {
        statement.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
      }
      tunePostgres(joined);
      return joined;
    }

    LogCounts finish(DatabaseVerifier verifier) throws SQLException {
      LogCounts counts = await(log);
      await(replay);
      verifier.findings.addAll(logPass.findings);
      verifier.findings.addAll(replayFindings);
      verifier.latestVerified = logPass.latestVerified;
      verifier.latestVerifiedNote = logPass.latestVerifiedNote;
      return counts;
    }

    private <T> T await(Future<T> pass) throws SQLException {
      try {
        return pass.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while verifying", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SQLException sql) {
          throw sql;
        }
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException("a verification pass failed", e.getCause());
      }
    }

    void close() throws SQLException {
      threads.shutdownNow();
      SQLException failure = null;
      for (Connection joined : connections) {
        try {
          joined.rollback();
          joined.close();
        } catch (SQLException e) {
          failure = failure == null ? e : failure;
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /**
   * Settings for this read transaction alone, which the audit's queries run better with and which
   * end with it. JIT compilation costs PostgreSQL seconds of CPU per query and pays off only for
   * expressions evaluated many times over, not for joins that read each row once; and a larger
   * working memory lets the chain pass hash its joins in fewer batches. On one machine with the
   * database, PostgreSQL's CPU is the verifier's too.
   */
  private static void tunePostgres(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET LOCAL jit = off");
      statement.execute("SET LOCAL work_mem = '64MB'");
    }
  }

  // --- chains -------------------------------------------------------------------------------

  private record EntryCounts(long entries, long streams, long notYetLogged) {}

  private EntryCounts verifyChains(KeyHistory keys, long leafCount) throws SQLException {
    long entries = 0;
    long streams = 0;
    long notYetLogged = 0;
    KeyRing ring = keys.entryKeys();
    try (ParallelSignatures signatures = new ParallelSignatures(ring);
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT c.stream_id, c.sequence_number, c.event_identifier, c.entry,"
                    + " c.entry_hash, c.key_id, c.signature, l.leaf_index, d.payload,"
                    + " d.aggregate_identifier, d.sequence_number, d.aggregate_type,"
                    + " d.payload_type, d.time_stamp, d.meta_data, l.leaf_hash"
                    + " FROM chain_entry c"
                    + " LEFT JOIN merkle_leaf l ON l.event_identifier = c.event_identifier"
                    + " LEFT JOIN domain_event_entry d ON d.event_identifier = c.event_identifier"
                    + " ORDER BY c.stream_id, c.sequence_number")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        String stream = null;
        ChainVerifier.StreamVerifier chain = null;
        while (rows.next()) {
          String streamId = rows.getString(1);
          if (!streamId.equals(stream)) {
            // One stream at a time, and within it one entry at a time: memory does not grow
            // with the ledger, however long a stream is.
            stream = streamId;
            streams++;
            chain = new ChainVerifier.StreamVerifier(keys.origin(), streamId, ring, false);
          }
          long sequence = rows.getLong(2);
          Long leafIndex = rows.getObject(8) == null ? null : rows.getLong(8);
          if (leafIndex == null) {
            notYetLogged++;
            checkLoggedInTime(rows, streamId, sequence);
          }
          byte[] stored = rows.getBytes(4);
          SignedEntry signed = readEntry(stored, rows, streamId, sequence, leafIndex);
          if (signed != null) {
            checkStoredEvent(rows, signed, leafIndex);
            if (leafIndex != null) {
              checkLeafHash(stored, signed, rows.getBytes(16), leafIndex, rows.getString(3));
            }
            // An entry not yet logged is checked against the keys valid at the log's end,
            // where its leaf will be.
            List<ChainFailure> failures =
                chain.next(new LoggedEntry(leafIndex == null ? leafCount : leafIndex, signed));
            for (ChainFailure failure : failures) {
              findings.add(chainFinding(failure, streamId, leafIndex));
            }
            if (failures.stream().noneMatch(ChainFailures::hidesSignature)) {
              signatures.add(signed, leafIndex, "chain_entry", null);
            }
          }
          if (++entries % FETCH_SIZE == 0) {
            progress.accept(entries);
          }
        }
      }
      findings.addAll(signatures.finish());
    }
    return new EntryCounts(entries, streams, notYetLogged);
  }

  private static Finding chainFinding(ChainFailure failure, String streamId, Long leafIndex) {
    return new Finding(
        ChainFailures.kindOf(failure),
        streamId,
        ChainFailures.sequenceOf(failure),
        leafIndex,
        "chain_entry",
        null,
        failure.describe());
  }

  private SignedEntry readEntry(
      byte[] stored, ResultSet rows, String streamId, long sequence, Long leafIndex)
      throws SQLException {
    try {
      SignedEntry signed =
          new SignedEntry(
              EntryCodec.decode(stored), rows.getBytes(5), rows.getString(6), rows.getBytes(7));
      if (!signed.entry().streamId().equals(streamId) || signed.entry().sequence() != sequence) {
        findings.add(
            new Finding(
                "ROW_DISAGREES_WITH_ENTRY",
                streamId,
                sequence,
                leafIndex,
                "chain_entry",
                rows.getString(3),
                "the row says "
                    + streamId
                    + "#"
                    + sequence
                    + " but the signed entry is "
                    + signed.entry().streamId()
                    + "#"
                    + signed.entry().sequence()));
      }
      return signed;
    } catch (ChainException | IllegalArgumentException e) {
      findings.add(
          new Finding(
              "MALFORMED_ENTRY",
              streamId,
              sequence,
              leafIndex,
              "chain_entry",
              rows.getString(3),
              e.getMessage()));
      return null;
    }
  }

  /**
   * The entry's Merkle leaf must hold the hash of its leaf data (spec 3.7): the signed entry, its
   * key id and its signature. It is recomputed here, where the entry is at hand, from the stored
   * bytes, which the strict entry encoding makes the canonical ones; the log pass then builds the
   * tree from the stored leaf hashes, as the service builds the proofs it serves.
   */
  private void checkLeafHash(
      byte[] canonical, SignedEntry signed, byte[] storedLeafHash, long leafIndex, String eventId) {
    byte[] recomputed =
        Rfc6962.leafHash(SignedEntry.leafData(canonical, signed.keyId(), signed.signature()));
    if (!Arrays.equals(recomputed, storedLeafHash)) {
      findings.add(
          new Finding(
              "LEAF_HASH_MISMATCH",
              signed.entry().streamId(),
              signed.entry().sequence(),
              leafIndex,
              "merkle_leaf",
              eventId,
              "the signed entry no longer hashes to its leaf: stored "
                  + (storedLeafHash == null ? "nothing" : Hashing.hex(storedLeafHash))
                  + ", recomputed "
                  + Hashing.hex(recomputed)));
    }
  }

  /** The event row must hold exactly the payload that was signed, at the signed position. */
  private void checkStoredEvent(ResultSet rows, SignedEntry signed, Long leafIndex)
      throws SQLException {
    String streamId = signed.entry().streamId();
    long sequence = signed.entry().sequence();
    String eventId = rows.getString(3);
    byte[] payload = rows.getBytes(9);
    if (payload == null) {
      findings.add(
          new Finding(
              "EVENT_MISSING",
              streamId,
              sequence,
              leafIndex,
              "domain_event_entry",
              eventId,
              "the signed entry's event is not in the event store: it was deleted"));
      return;
    }
    if (!Arrays.equals(payload, signed.entry().payload())) {
      findings.add(
          new Finding(
              "PAYLOAD_ALTERED",
              streamId,
              sequence,
              leafIndex,
              "domain_event_entry",
              eventId,
              "the stored payload differs from the signed one"));
    }
    if (!streamId.equals(rows.getString(10)) || sequence != rows.getLong(11)) {
      findings.add(
          new Finding(
              "EVENT_MOVED",
              streamId,
              sequence,
              leafIndex,
              "domain_event_entry",
              eventId,
              "the event is stored as " + rows.getString(10) + "#" + rows.getLong(11)));
    }
    checkEventColumns(rows, signed, leafIndex);
  }

  /**
   * The event row's other columns must say what the signed entry says: the aggregate type, the
   * payload type (whose simple name is the entry's event type), the time to the microsecond, and
   * the actor and idempotency key in the metadata. Metadata the entry does not cover, such as
   * Axon's correlation ids, is not signed and not checked.
   */
  private void checkEventColumns(ResultSet rows, SignedEntry signed, Long leafIndex)
      throws SQLException {
    Entry entry = signed.entry();
    String eventId = rows.getString(3);
    List<String> altered = new ArrayList<>();
    if (!entry.aggregateType().equals(rows.getString(12))) {
      altered.add(
          "aggregate_type '" + rows.getString(12) + "' is not '" + entry.aggregateType() + "'");
    }
    String payloadType = rows.getString(13);
    if (payloadType == null || !simpleName(payloadType).equals(entry.eventType())) {
      altered.add("payload_type '" + payloadType + "' is not of " + entry.eventType());
    }
    String timestamp = rows.getString(14);
    if (!timestampMatches(timestamp, entry.timestampMicros())) {
      altered.add("time_stamp '" + timestamp + "' is not the signed time");
    }
    String metadataProblem = metadataProblem(rows.getBytes(15), entry);
    if (metadataProblem != null) {
      findings.add(
          new Finding(
              "METADATA_ALTERED",
              entry.streamId(),
              entry.sequence(),
              leafIndex,
              "domain_event_entry",
              eventId,
              metadataProblem));
    }
    if (!altered.isEmpty()) {
      findings.add(
          new Finding(
              "EVENT_ROW_ALTERED",
              entry.streamId(),
              entry.sequence(),
              leafIndex,
              "domain_event_entry",
              eventId,
              String.join("; ", altered)));
    }
  }

  private static String simpleName(String className) {
    return className.substring(
        Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
  }

  private static boolean timestampMatches(String stored, long micros) {
    if (stored == null) {
      return false;
    }
    try {
      return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(stored)) == micros;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String metadataProblem(byte[] stored, Entry entry) {
    String actor = "";
    String idempotencyKey = "";
    if (stored != null && stored.length > 0) {
      try {
        JsonNode metadata = JSON.readTree(stored);
        actor = metadata.path("actor").asText("");
        idempotencyKey = metadata.path("idempotencyKey").asText("");
      } catch (IOException e) {
        return "meta_data is not JSON";
      }
    }
    if (!actor.equals(entry.actor())) {
      return "the actor is '" + actor + "' but the signed actor is '" + entry.actor() + "'";
    }
    if (!idempotencyKey.equals(entry.idempotencyKey())) {
      return "the idempotency key is '"
          + idempotencyKey
          + "' but the signed one is '"
          + entry.idempotencyKey()
          + "'";
    }
    return null;
  }

  /**
   * An event that the sequencer has not logged long after it was stored was missed, for instance
   * because it committed later than Axon's gap window: it would never be provable. Newer ones are
   * only waiting for the sequencer.
   */
  private void checkLoggedInTime(ResultSet rows, String streamId, long sequence)
      throws SQLException {
    String timestamp = rows.getString(14);
    if (timestamp == null) {
      return;
    }
    try {
      Instant stored = Instant.parse(timestamp);
      if (stored.plus(options.logGrace()).isBefore(options.now())) {
        findings.add(
            new Finding(
                "EVENT_NOT_LOGGED",
                streamId,
                sequence,
                null,
                "merkle_leaf",
                rows.getString(3),
                "stored at " + stored + " and still not in the Merkle log"));
      }
    } catch (DateTimeParseException e) {
      // Reported as an altered time_stamp by checkEventColumns.
    }
  }

  /** Events stored without a chain entry were written around the ledger, or forged. */
  private long findUnchainedEvents() throws SQLException {
    long found = 0;
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT d.global_index, d.event_identifier, d.aggregate_identifier, d.sequence_number"
                + " FROM domain_event_entry d"
                + " LEFT JOIN chain_entry c ON c.event_identifier = d.event_identifier"
                + " WHERE c.event_identifier IS NULL ORDER BY d.global_index")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found++;
          findings.add(
              new Finding(
                  "UNCHAINED_EVENT",
                  rows.getString(3),
                  rows.getLong(4),
                  null,
                  "domain_event_entry",
                  "global_index " + rows.getLong(1),
                  "event "
                      + rows.getString(2)
                      + " has no signed chain entry: it was inserted"
                      + " around the ledger"));
        }
      }
    }
    return found;
  }

  // --- Merkle log and checkpoints -------------------------------------------------------------

  private record StoredCheckpoint(long size, byte[] root, String note) {}

  private List<StoredCheckpoint> verifyCheckpointSignatures(KeyHistory keys) throws SQLException {
    List<StoredCheckpoint> verified = new ArrayList<>();
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT tree_size, root_hash, note FROM log_checkpoint ORDER BY tree_size");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        long size = rows.getLong(1);
        try {
          // Only the key valid at the checkpoint's last leaf may have signed it.
          Checkpoint checkpoint =
              Checkpoint.open(rows.getString(3), keys.origin(), keys.checkpointKeysFor(size));
          if (checkpoint.size() != size
              || !Arrays.equals(checkpoint.rootHash(), rows.getBytes(2))) {
            findings.add(
                new Finding(
                    "CHECKPOINT_ROW_ALTERED",
                    null,
                    null,
                    null,
                    "log_checkpoint",
                    "tree_size " + size,
                    "the row's size or root differs from its signed note"));
          }
          verified.add(
              new StoredCheckpoint(checkpoint.size(), checkpoint.rootHash(), rows.getString(3)));
        } catch (ChainException e) {
          findings.add(
              new Finding(
                  "CHECKPOINT_NOT_VERIFIED",
                  null,
                  null,
                  null,
                  "log_checkpoint",
                  "tree_size " + size,
                  e.failure().describe()));
        }
      }
    }
    return verified;
  }

  /**
   * Reads the leaves in order, each of which must be claimed by a chain entry (whose leaf data the
   * chain pass hashes and compares with the stored leaf hash); compares the root of the stored
   * leaves with every verified checkpoint as the tree reaches its size, and with the checkpoint of
   * an earlier audit; and compares every stored node with the recomputed one, since the proofs
   * served to the public are built from them.
   *
   * @return the number of leaves read
   */
  private long verifyLog(List<StoredCheckpoint> checkpoints, SavedCheckpoint since)
      throws SQLException {
    StoredNodeCheck nodes = new StoredNodeCheck(connection, findings);
    CompactRange tree = new CompactRange(nodes);
    int next = 0;
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT l.leaf_index, l.event_identifier, l.stream_id, l.sequence_number, l.leaf_hash,"
                + " c.event_identifier IS NULL"
                + " FROM merkle_leaf l"
                + " LEFT JOIN chain_entry c ON c.event_identifier = l.event_identifier"
                + " ORDER BY l.leaf_index")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          long leafIndex = rows.getLong(1);
          String streamId = rows.getString(3);
          long sequence = rows.getLong(4);
          if (leafIndex != tree.size()) {
            findings.add(
                new Finding(
                    "LEAF_GAP",
                    streamId,
                    sequence,
                    leafIndex,
                    "merkle_leaf",
                    null,
                    "expected leaf " + tree.size() + " next, found leaf " + leafIndex));
          }
          if (rows.getBoolean(6)) {
            findings.add(
                new Finding(
                    "LOGGED_ENTRY_MISSING",
                    streamId,
                    sequence,
                    leafIndex,
                    "chain_entry",
                    rows.getString(2),
                    "the log holds this event but its signed entry is gone: it was deleted"));
          }
          // The chain pass has compared this hash with the entry's leaf data.
          byte[] leafHash = rows.getBytes(5);
          tree.append(leafHash);
          if (since != null && since.size() == tree.size()) {
            since.compareRoot(tree.root(), "merkle_leaf", "leaves 0.." + (since.size() - 1));
          }
          while (next < checkpoints.size() && checkpoints.get(next).size() == tree.size()) {
            compareRoot(checkpoints.get(next++), tree);
          }
          while (next < checkpoints.size() && checkpoints.get(next).size() < tree.size()) {
            next++;
          }
        }
      }
    }
    for (int i = next; i < checkpoints.size(); i++) {
      findings.add(
          new Finding(
              "LOG_TRUNCATED",
              null,
              null,
              tree.size(),
              "log_checkpoint",
              "tree_size " + checkpoints.get(i).size(),
              "a signed checkpoint covers "
                  + checkpoints.get(i).size()
                  + " leaves but the log holds only "
                  + tree.size()));
    }
    nodes.finish();
    if (since != null) {
      checkSince(since, tree.size());
    }
    return tree.size();
  }

  /**
   * The log must not have shrunk below the earlier audit's checkpoint, and a consistency proof from
   * that checkpoint to the latest one, built from the stored nodes as the service builds the proofs
   * it serves, must hold.
   */
  private void checkSince(SavedCheckpoint since, long size) throws SQLException {
    if (!since.reachedBy(size, "merkle_leaf")) {
      return;
    }
    if (latestVerified == null || latestVerified.size() < since.size()) {
      return;
    }
    String row = "tree_size " + since.size() + " to " + latestVerified.size();
    try {
      List<byte[]> proof =
          MerkleProofs.consistencyProof(
              new StoredNodeCheck.Store(connection, latestVerified.size()),
              since.size(),
              latestVerified.size());
      MerkleVerifier.verifyConsistency(
              since.size(), latestVerified.size(), since.root(), latestVerified.root(), proof)
          .ifPresent(
              failure ->
                  findings.add(
                      new Finding(
                          "CONSISTENCY_PROOF_FAILED",
                          null,
                          null,
                          null,
                          "merkle_node",
                          row,
                          failure.describe())));
    } catch (IllegalStateException e) {
      findings.add(
          new Finding(
              "CONSISTENCY_PROOF_FAILED", null, null, null, "merkle_node", row, e.getMessage()));
    }
  }

  private void compareRoot(StoredCheckpoint checkpoint, CompactRange tree) {
    byte[] root = tree.root();
    if (Arrays.equals(root, checkpoint.root())) {
      latestVerified = checkpoint;
      latestVerifiedNote = checkpoint.note();
    } else {
      findings.add(
          new Finding(
              "CHECKPOINT_ROOT_MISMATCH",
              null,
              null,
              checkpoint.size() - 1,
              "log_checkpoint",
              "tree_size " + checkpoint.size(),
              "the signed root "
                  + Hashing.hex(checkpoint.root())
                  + " is not the root "
                  + Hashing.hex(root)
                  + " of the stored leaves"));
    }
  }

  private long count(String sql) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql);
        ResultSet row = query.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }
}
