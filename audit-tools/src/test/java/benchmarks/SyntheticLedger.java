package benchmarks;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.Rfc6962;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteSigner;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SerialNumbers;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes a synthetic but realistic registry of {@code events} events straight into a migrated
 * schema, row for row as the ledger's writers store them (the same layout as the audit-tools test
 * fixture {@code ChainedLedger}, which follows ChainWriter, MerkleSequencer, Checkpointer and
 * PublishedKeys): {@code domain_event_entry}, {@code chain_entry}, {@code merkle_leaf}, {@code
 * merkle_node}, {@code log_checkpoint} (every 1,000 leaves and at the end) and {@code ledger_key};
 * and the projections the verifier compares, exactly as the projection processor (CreditsProjection
 * and ProjectionProgress) would have left them having handled every event: {@code batch_supply},
 * {@code holding_block}, {@code account_movement} (one row per side of every movement: the
 * issuance's account, a transfer's two accounts, the retiring or cancelling account), {@code
 * retirement_register} (one row per retirement) and {@code projection_position} (the last event).
 * The projections the verifier does not compare ({@code account_view}, {@code project_view}, ...)
 * stay empty.
 *
 * <p>The registry: methodologies, accounts opened over the first half of the history, projects,
 * about one batch per 1,000 events issued over 60% of it (each into its project's proponent), a few
 * account freezes, and otherwise credit movements on the issued batches: 55% transfers, 41%
 * retirements, 4% cancellations, each taking serials its account really holds (from the front of a
 * held block, continuing into the account's next block of the batch when it wants more), so the
 * verifier's replay finds nothing wrong. Payloads are the JSON the ledger's Jackson serializer
 * writes for its event records. Every entry is signed with a real Ed25519 key, every event has its
 * leaf, and every complete subtree its stored node.
 *
 * <p>It is fast rather than faithful in one respect: events are built and hash-chained on one
 * thread, signed on two, and written by a third with binary COPY on one connection with {@code
 * synchronous_commit} off, each chunk of events together with its {@code account_movement} and
 * {@code retirement_register} rows; the indexes of those two tables are dropped for the load and
 * built again after it; the state tables ({@code batch_supply}, {@code holding_block}) are written
 * once, at the end, from the simulated final state.
 */
final class SyntheticLedger {

  static final String ORIGIN = "wuhan.carbon-ledger.example/v1";
  static final int CHUNK = 10_000;
  static final int CHECKPOINT_EVERY = 1_000;
  static final int SAMPLES = 20_000;

  private static final String BATCH_EVENT = "org.carbonledger.credits.BatchEvent$";
  private static final String ACCOUNT_EVENT = "org.carbonledger.accounts.AccountEvent$";
  private static final String PROJECT_EVENT = "org.carbonledger.projects.ProjectEvent$";
  private static final String METHODOLOGY_EVENT =
      "org.carbonledger.methodologies.MethodologyEvent$";
  private static final String OPERATOR = "client:registry-operator";
  private static final DateTimeFormatter AXON_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** One real entry signature and its entry, for the raw verify and hash measurements. */
  record Sample(byte[] publicKey, byte[] message, byte[] signature, byte[] canonical) {}

  record Result(
      long events,
      long streams,
      int accounts,
      int projects,
      int batches,
      long movements,
      long statementRows,
      long retirements,
      long holdingBlocks,
      long checkpoints,
      long nodes,
      double writeSeconds,
      double vacuumSeconds,
      double seconds,
      List<Sample> samples) {}

  private final String url;
  private final String user;
  private final String password;
  private final long events;
  private final SplittableRandom random = new SplittableRandom(20_261_121L);
  private final Ed25519Signer entryKey;
  private final Ed25519Signer logKey;
  private final NoteSigner noteSigner;

  SyntheticLedger(String url, String user, String password, long events) {
    if (events < 1_000) {
      throw new IllegalArgumentException("at least 1,000 events, not " + events);
    }
    this.url = url;
    this.user = user;
    this.password = password;
    this.events = events;
    this.entryKey = new Ed25519Signer(ORIGIN + "/entries", seed());
    this.logKey = new Ed25519Signer(ORIGIN, seed());
    this.noteSigner = NoteSigner.of(logKey);
  }

  private byte[] seed() {
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    return seed;
  }

  // --- events -----------------------------------------------------------------------------------

  /**
   * What the registry did at one position of the history, before it is chained: with the batch a
   * {@code BatchIssued} issues, or the credit movement a transfer, retirement or cancellation
   * makes.
   */
  private record Draft(
      String stream,
      String aggregateType,
      String payloadType,
      String payload,
      String actor,
      String idempotencyKey,
      BatchSim issued,
      Moved moved) {

    Draft(
        String stream,
        String aggregateType,
        String payloadType,
        String payload,
        String actor,
        String idempotencyKey) {
      this(stream, aggregateType, payloadType, payload, actor, idempotencyKey, null, null);
    }
  }

  /** What a {@code CreditsRetired} claims, as its payload states it and the register shows it. */
  private record Claim(
      String beneficiary,
      String reason,
      String details,
      String purpose,
      LocalDate consumptionPeriodStart,
      LocalDate consumptionPeriodEnd,
      String jurisdictionOfUse) {}

  /**
   * A transfer, retirement or cancellation as CreditsProjection records it, less what the event
   * itself gives the rows (position, time, identifier).
   *
   * @param kind TRANSFER, RETIREMENT or CANCELLATION
   * @param to the receiving account of a transfer; null otherwise
   * @param serialBlocks the blocks as the event lists them, {@code first-last} joined by commas
   * @param serialNumbers their labels, joined by commas; only for a retirement
   * @param claim a retirement's claim; null otherwise
   */
  private record Moved(
      String kind,
      BatchSim batch,
      String movementId,
      String from,
      String to,
      long quantity,
      String serialBlocks,
      String serialNumbers,
      Claim claim) {}

  /** One event on its way to the tables. */
  private static final class Event {
    final long leafIndex;
    final String identifier;
    final Entry entry;
    final String payloadType;
    final Instant time;
    final String timeStamp;
    final byte[] metadata;
    final byte[] canonical;
    final byte[] hash;
    final BatchSim issued;
    final Moved moved;
    byte[] signature;
    byte[] leafHash;

    Event(
        long leafIndex,
        String identifier,
        Entry entry,
        String payloadType,
        Instant time,
        byte[] metadata,
        Draft draft) {
      this.leafIndex = leafIndex;
      this.identifier = identifier;
      this.entry = entry;
      this.payloadType = payloadType;
      this.time = time;
      this.timeStamp = AXON_TIME.format(time);
      this.metadata = metadata;
      this.issued = draft.issued();
      this.moved = draft.moved();
      this.canonical = entry.canonicalBytes();
      this.hash = Hashing.sha256(canonical);
    }
  }

  private record Node(int level, long index, byte[] hash) {}

  private record StoredCheckpoint(long size, byte[] root, String note, String createdAt) {}

  private record Chunk(List<Event> events, List<Node> nodes, List<StoredCheckpoint> checkpoints) {}

  private final Map<String, long[]> sequences = new HashMap<>();
  private final Map<String, byte[]> lastHashes = new HashMap<>();
  private long clock = Instant.parse("2024-01-02T01:30:00Z").toEpochMilli();

  /** Numbers, times, links and encodes the next event; signing comes later. */
  private Event chain(Draft draft, long leafIndex) {
    long sequence = sequences.computeIfAbsent(draft.stream(), s -> new long[1])[0]++;
    clock += 1 + random.nextInt(30_000);
    String eventType = draft.payloadType().substring(draft.payloadType().lastIndexOf('$') + 1);
    Entry entry =
        new Entry(
            ORIGIN,
            draft.aggregateType(),
            draft.stream(),
            sequence,
            eventType,
            draft.payload().getBytes(StandardCharsets.UTF_8),
            clock * 1_000,
            draft.actor(),
            draft.idempotencyKey(),
            lastHashes.getOrDefault(draft.stream(), Hashing.zeroHash()));
    String metadata =
        "{\"actor\":\""
            + draft.actor()
            + "\",\"correlationId\":\""
            + uuid()
            + "\""
            + (draft.idempotencyKey().isEmpty()
                ? ""
                : ",\"idempotencyKey\":\"" + draft.idempotencyKey() + "\"")
            + ",\"traceId\":\""
            + uuid()
            + "\"}";
    Event event =
        new Event(
            leafIndex,
            uuid(),
            entry,
            draft.payloadType(),
            Instant.ofEpochMilli(clock),
            metadata.getBytes(StandardCharsets.UTF_8),
            draft);
    lastHashes.put(draft.stream(), event.hash);
    return event;
  }

  /** A random (version 4) UUID as Axon's identifiers are, from the seeded source. */
  private String uuid() {
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  // --- writing ----------------------------------------------------------------------------------

  Result write() throws Exception {
    long started = System.nanoTime();
    World world = new World();
    List<Sample> samples = new ArrayList<>();
    long sampleEvery = Math.max(1, events / SAMPLES);
    MerkleFrontier frontier = new MerkleFrontier();
    long nodes = 0;
    long checkpoints = 0;
    ExecutorService signers = Executors.newFixedThreadPool(2);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (Connection connection = DriverManager.getConnection(url, user, password)) {
      try (Statement sql = connection.createStatement()) {
        sql.execute("SET synchronous_commit = off");
      }
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      insertKeys(connection);
      List<String> rebuild = dropMovementIndexes(connection);
      Future<?> writing = null;
      long reported = System.nanoTime();
      for (long from = 0; from < events; from += CHUNK) {
        int size = (int) Math.min(CHUNK, events - from);
        List<Event> chunk = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
          Draft draft = world.next(from + k);
          Event event = chain(draft, from + k);
          if (draft.issued() != null) {
            draft.issued().issuedEvent = event.identifier;
            draft.issued().issuedAt = event.time;
          }
          chunk.add(event);
        }
        sign(chunk, signers);
        List<Node> chunkNodes = new ArrayList<>();
        List<StoredCheckpoint> chunkCheckpoints = new ArrayList<>();
        for (Event event : chunk) {
          frontier.append(event.leafHash, chunkNodes);
          long treeSize = event.leafIndex + 1;
          if (treeSize % CHECKPOINT_EVERY == 0 || treeSize == events) {
            byte[] root = frontier.root();
            chunkCheckpoints.add(
                new StoredCheckpoint(
                    treeSize,
                    root,
                    Checkpoint.of(ORIGIN, treeSize, root).sign(List.of(noteSigner)).encode(),
                    Instant.ofEpochMilli(clock).plusMillis(400).toString()));
          }
          if (event.leafIndex % sampleEvery == 0 && samples.size() < SAMPLES) {
            samples.add(
                new Sample(
                    entryKey.publicKey(),
                    SignedEntry.signatureMessage(event.hash),
                    event.signature,
                    event.canonical));
          }
        }
        nodes += chunkNodes.size();
        checkpoints += chunkCheckpoints.size();
        Chunk ready = new Chunk(chunk, chunkNodes, chunkCheckpoints);
        if (writing != null) {
          writing.get();
        }
        writing =
            writer.submit(
                () -> {
                  writeChunk(connection, copy, ready);
                  return null;
                });
        if (System.nanoTime() - reported > 10_000_000_000L) {
          reported = System.nanoTime();
          System.out.printf(
              "  ... %,d of %,d events generated (%.0f s)%n",
              from + size, events, (reported - started) / 1e9);
        }
      }
      if (writing != null) {
        writing.get();
      }
      try (Statement sql = connection.createStatement()) {
        for (String statement : rebuild) {
          sql.execute(statement);
        }
      }
      long holdingBlocks = writeProjections(connection, world);
      try (Statement sql = connection.createStatement()) {
        sql.execute(
            "SELECT setval(pg_get_serial_sequence('domain_event_entry', 'global_index'), "
                + events
                + ")");
      }
      double writeSeconds = (System.nanoTime() - started) / 1e9;
      // A ledger in service has been vacuumed and analysed by autovacuum: the verifier should meet
      // set hint bits, a visibility map and statistics, not a freshly bulk-loaded table.
      long vacuumStarted = System.nanoTime();
      try (Statement sql = connection.createStatement()) {
        for (String table :
            List.of(
                "domain_event_entry",
                "chain_entry",
                "merkle_leaf",
                "merkle_node",
                "log_checkpoint",
                "ledger_key",
                "batch_supply",
                "holding_block",
                "account_movement",
                "retirement_register",
                "projection_position")) {
          sql.execute("VACUUM (ANALYZE) " + table);
        }
      }
      double vacuumSeconds = (System.nanoTime() - vacuumStarted) / 1e9;
      return new Result(
          events,
          sequences.size(),
          world.accounts.size(),
          world.projects.size(),
          world.batches.size(),
          world.movements,
          world.statementRows,
          world.retirements,
          holdingBlocks,
          checkpoints,
          nodes,
          writeSeconds,
          vacuumSeconds,
          (System.nanoTime() - started) / 1e9,
          samples);
    } finally {
      signers.shutdownNow();
      writer.shutdownNow();
    }
  }

  /**
   * Drops every index of {@code account_movement} and {@code retirement_register}, their primary
   * keys and unique constraints included, and returns the statements that create them again as the
   * migrations defined them (read from the catalog, so the schema ends as it began). Their rows
   * outnumber the events and carry ten indexes between them (two on {@code account_movement}, eight
   * on {@code retirement_register}); building each index once over the loaded rows saved about a
   * third of the CPU PostgreSQL spent on these two tables at 1,000,000 events, against inserting
   * every entry as the rows arrive.
   */
  private static List<String> dropMovementIndexes(Connection connection) throws SQLException {
    List<String> drop = new ArrayList<>();
    List<String> rebuild = new ArrayList<>();
    Set<String> constraints = new HashSet<>();
    try (Statement sql = connection.createStatement()) {
      try (ResultSet row =
          sql.executeQuery(
              "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                  + " FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid IN"
                  + " ('account_movement'::regclass, 'retirement_register'::regclass)"
                  + " ORDER BY conname")) {
        while (row.next()) {
          constraints.add(row.getString(2));
          drop.add("ALTER TABLE " + row.getString(1) + " DROP CONSTRAINT " + row.getString(2));
          rebuild.add(
              "ALTER TABLE "
                  + row.getString(1)
                  + " ADD CONSTRAINT "
                  + row.getString(2)
                  + " "
                  + row.getString(3));
        }
      }
      try (ResultSet row =
          sql.executeQuery(
              "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                  + " AND tablename IN ('account_movement', 'retirement_register')"
                  + " ORDER BY indexname")) {
        while (row.next()) {
          if (!constraints.contains(row.getString(1))) {
            drop.add("DROP INDEX " + row.getString(1));
            rebuild.add(row.getString(2));
          }
        }
      }
      for (String statement : drop) {
        sql.execute(statement);
      }
    }
    return rebuild;
  }

  /** Signs a chunk on two threads and computes each leaf's hash. */
  private void sign(List<Event> chunk, ExecutorService signers) throws Exception {
    int half = chunk.size() / 2;
    List<Future<?>> parts = new ArrayList<>();
    for (List<Event> part : List.of(chunk.subList(0, half), chunk.subList(half, chunk.size()))) {
      parts.add(
          signers.submit(
              () -> {
                for (Event event : part) {
                  event.signature = entryKey.sign(SignedEntry.signatureMessage(event.hash));
                  event.leafHash =
                      Rfc6962.leafHash(
                          new SignedEntry(
                                  event.entry, event.hash, entryKey.keyId(), event.signature)
                              .leafData());
                }
              }));
    }
    for (Future<?> part : parts) {
      part.get();
    }
  }

  private void writeChunk(Connection connection, CopyManager copy, Chunk chunk)
      throws SQLException {
    BinaryCopy eventRows = new BinaryCopy();
    BinaryCopy entryRows = new BinaryCopy();
    BinaryCopy leafRows = new BinaryCopy();
    for (Event event : chunk.events()) {
      Entry entry = event.entry;
      eventRows
          .row(9)
          .int8(event.leafIndex + 1)
          .text(event.identifier)
          .text(entry.streamId())
          .int8(entry.sequence())
          .text(entry.aggregateType())
          .text(event.timeStamp)
          .text(event.payloadType)
          .bytes(entry.payload())
          .bytes(event.metadata);
      entryRows
          .row(7)
          .text(entry.streamId())
          .int8(entry.sequence())
          .text(event.identifier)
          .bytes(event.canonical)
          .bytes(event.hash)
          .text(entryKey.keyId())
          .bytes(event.signature);
      leafRows
          .row(5)
          .int8(event.leafIndex)
          .text(event.identifier)
          .text(entry.streamId())
          .int8(entry.sequence())
          .bytes(event.leafHash);
    }
    BinaryCopy movementRows = new BinaryCopy();
    BinaryCopy registerRows = new BinaryCopy();
    for (Event event : chunk.events()) {
      project(event, movementRows, registerRows);
    }
    BinaryCopy nodeRows = new BinaryCopy();
    for (Node node : chunk.nodes()) {
      nodeRows.row(3).int4(node.level()).int8(node.index()).bytes(node.hash());
    }
    eventRows.copyInto(
        copy,
        "domain_event_entry (global_index, event_identifier, aggregate_identifier,"
            + " sequence_number, aggregate_type, time_stamp, payload_type, payload, meta_data)");
    entryRows.copyInto(
        copy,
        "chain_entry (stream_id, sequence_number, event_identifier, entry, entry_hash, key_id,"
            + " signature)");
    leafRows.copyInto(
        copy, "merkle_leaf (leaf_index, event_identifier, stream_id, sequence_number, leaf_hash)");
    nodeRows.copyInto(copy, "merkle_node (tree_level, node_index, hash)");
    movementRows.copyInto(
        copy,
        "account_movement (account_id, global_position, batch_id, movement_kind, movement_id,"
            + " quantity, counterparty_account_id, serial_blocks, occurred_at, event_identifier)");
    registerRows.copyInto(
        copy,
        "retirement_register (global_position, batch_id, retirement_id, project_id,"
            + " vintage_start, vintage_end, account_id, quantity, serial_blocks, serial_numbers,"
            + " beneficiary, reason, details, purpose, consumption_period_start,"
            + " consumption_period_end, jurisdiction_of_use, footprint_id, retired_at,"
            + " event_identifier)");
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO log_checkpoint (tree_size, root_hash, note, created_at)"
                + " VALUES (?, ?, ?, ?)")) {
      for (StoredCheckpoint checkpoint : chunk.checkpoints()) {
        insert.setLong(1, checkpoint.size());
        insert.setBytes(2, checkpoint.root());
        insert.setString(3, checkpoint.note());
        insert.setString(4, checkpoint.createdAt());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /**
   * The rows CreditsProjection writes for one event (docs/spec/04-projections.md 4.2.7, 4.2.8):
   * {@code account_movement} for every side of a movement (an issuance's receiving account, a
   * transfer's two accounts, a retirement's or cancellation's account) and {@code
   * retirement_register} for a retirement. Every row has the event's global position ({@code
   * global_index}), time ({@code time_stamp}, whole milliseconds, so nothing is lost to the
   * microsecond truncation) and identifier. The projection position covers every event, so every
   * event's rows are written.
   */
  private static void project(Event event, BinaryCopy movements, BinaryCopy register) {
    long position = event.leafIndex + 1;
    if (event.issued != null) {
      BatchSim batch = event.issued;
      statement(
          movements,
          event,
          batch.issuedTo,
          batch.id,
          "ISSUANCE",
          batch.id,
          batch.quantity,
          null,
          "1-" + batch.quantity);
      return;
    }
    Moved moved = event.moved;
    if (moved == null) {
      return;
    }
    BatchSim batch = moved.batch();
    switch (moved.kind()) {
      case "TRANSFER" -> {
        statement(
            movements,
            event,
            moved.from(),
            batch.id,
            "TRANSFER_OUT",
            moved.movementId(),
            moved.quantity(),
            moved.to(),
            moved.serialBlocks());
        statement(
            movements,
            event,
            moved.to(),
            batch.id,
            "TRANSFER_IN",
            moved.movementId(),
            moved.quantity(),
            moved.from(),
            moved.serialBlocks());
      }
      case "RETIREMENT" -> {
        statement(
            movements,
            event,
            moved.from(),
            batch.id,
            "RETIREMENT",
            moved.movementId(),
            moved.quantity(),
            null,
            moved.serialBlocks());
        Claim claim = moved.claim();
        register
            .row(20)
            .int8(position)
            .text(batch.id)
            .text(moved.movementId())
            .text(batch.projectId)
            .date(batch.vintageStart)
            .date(batch.vintageEnd)
            .text(moved.from())
            .int8(moved.quantity())
            .text(moved.serialBlocks())
            .text(moved.serialNumbers())
            .text(claim.beneficiary())
            .text(claim.reason())
            .text(claim.details())
            .text(claim.purpose())
            .date(claim.consumptionPeriodStart())
            .date(claim.consumptionPeriodEnd())
            .text(claim.jurisdictionOfUse())
            .text(null) // footprint_id: no synthetic retirement covers a footprint
            .timestamp(event.time)
            .text(event.identifier);
      }
      case "CANCELLATION" ->
          statement(
              movements,
              event,
              moved.from(),
              batch.id,
              "CANCELLATION",
              moved.movementId(),
              moved.quantity(),
              null,
              moved.serialBlocks());
      default -> throw new IllegalStateException(moved.kind());
    }
  }

  /** One row of {@code account_movement}. */
  private static void statement(
      BinaryCopy rows,
      Event event,
      String account,
      String batchId,
      String kind,
      String movementId,
      long quantity,
      String counterparty,
      String serialBlocks) {
    rows.row(10)
        .text(account)
        .int8(event.leafIndex + 1)
        .text(batchId)
        .text(kind)
        .text(movementId)
        .int8(quantity)
        .text(counterparty)
        .text(serialBlocks)
        .timestamp(event.time)
        .text(event.identifier);
  }

  /** The ledger's first keys, as PublishedKeys stores them: valid from leaf 0, not retired. */
  private void insertKeys(Connection connection) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO ledger_key (key_id, key_name, purpose, public_key, valid_from,"
                + " valid_until, retires_key_id, introduced_by)"
                + " VALUES (?, ?, ?, ?, 0, NULL, NULL, NULL)")) {
      for (Ed25519Signer key : List.of(entryKey, logKey)) {
        insert.setString(1, key.keyId());
        insert.setString(2, key.keyName());
        insert.setString(3, key == entryKey ? "entry" : "checkpoint");
        insert.setBytes(4, key.publicKey());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /**
   * {@code batch_supply}, {@code holding_block} and {@code projection_position} as the projection
   * processor leaves them once it has handled every event (docs/spec/04-projections.md 4.2.1,
   * 4.2.5, 4.2.6).
   *
   * @return the number of holding blocks
   */
  private long writeProjections(Connection connection, World world) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO batch_supply (batch_id, project_id, batch_sequence, vintage_start,"
                + " vintage_end, verification_report_id, verifier, serial_prefix, first_serial,"
                + " last_serial, issued_to_account_id, issued, tradable, retired, cancelled,"
                + " issued_at, issued_position, event_identifier, last_position)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 'WHCI', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (BatchSim batch : world.batches) {
        insert.setString(1, batch.id);
        insert.setString(2, batch.projectId);
        insert.setInt(3, batch.sequence);
        insert.setObject(4, batch.vintageStart);
        insert.setObject(5, batch.vintageEnd);
        insert.setString(6, "VR-" + batch.id);
        insert.setString(7, batch.verifier);
        insert.setLong(8, batch.quantity);
        insert.setString(9, batch.issuedTo);
        insert.setLong(10, batch.quantity);
        insert.setLong(11, batch.quantity - batch.retired - batch.cancelled);
        insert.setLong(12, batch.retired);
        insert.setLong(13, batch.cancelled);
        insert.setObject(14, OffsetDateTime.ofInstant(batch.issuedAt, ZoneOffset.UTC));
        insert.setLong(15, batch.issuedPosition);
        insert.setString(16, batch.issuedEvent);
        insert.setLong(17, batch.lastPosition);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    long blocks = 0;
    BinaryCopy rows = new BinaryCopy();
    for (BatchSim batch : world.batches) {
      for (Map.Entry<Long, Block> held : batch.holdings.entrySet()) {
        rows.row(4)
            .text(batch.id)
            .int8(held.getKey())
            .int8(held.getValue().last)
            .text(held.getValue().account);
        if (++blocks % 200_000 == 0) {
          rows.copyInto(copy, "holding_block (batch_id, first_serial, last_serial, account_id)");
          rows = new BinaryCopy();
        }
      }
    }
    rows.copyInto(copy, "holding_block (batch_id, first_serial, last_serial, account_id)");
    try (Statement sql = connection.createStatement()) {
      sql.execute(
          "INSERT INTO projection_position (processor_name, last_position) VALUES"
              + " ('projections', "
              + events
              + ")");
    }
    return blocks;
  }

  // --- the Merkle log ---------------------------------------------------------------------------

  /** The right edge of the RFC 6962 tree: emits every interior node as its last leaf arrives. */
  private static final class MerkleFrontier {
    private final List<byte[]> hashes = new ArrayList<>();
    private final List<Long> widths = new ArrayList<>();
    private long size;

    void append(byte[] leafHash, List<Node> nodes) {
      byte[] hash = leafHash;
      long width = 1;
      int level = 0;
      while (!widths.isEmpty() && widths.get(widths.size() - 1) == width) {
        byte[] left = hashes.remove(hashes.size() - 1);
        widths.remove(widths.size() - 1);
        hash = Rfc6962.nodeHash(left, hash);
        width *= 2;
        level++;
        nodes.add(new Node(level, (size + 1 - width) / width, hash));
      }
      hashes.add(hash);
      widths.add(width);
      size++;
    }

    byte[] root() {
      byte[] root = hashes.get(hashes.size() - 1);
      for (int i = hashes.size() - 2; i >= 0; i--) {
        root = Rfc6962.nodeHash(hashes.get(i), root);
      }
      return root;
    }
  }

  // --- the registry's story ---------------------------------------------------------------------

  /** One block of serials held by one account; its first serial is its key. */
  private static final class Block {
    long last;
    final String account;

    Block(long last, String account) {
      this.last = last;
      this.account = account;
    }
  }

  /** A batch's holdings, kept merged exactly as the Batch aggregate and holding_block keep them. */
  private static final class BatchSim {
    String id;
    String projectId;
    int sequence;
    long quantity;
    String issuedTo;
    String issuedEvent;
    String verifier;
    Instant issuedAt;
    long issuedPosition;
    long lastPosition;
    LocalDate vintageStart;
    LocalDate vintageEnd;
    long retired;
    long cancelled;
    long movements;
    final TreeMap<Long, Block> holdings = new TreeMap<>();
    final long[] recent = new long[16];
    int recentCount;
    int recentNext;

    /** A held block: often one a recent transfer delivered, else the one a random serial is in. */
    Map.Entry<Long, Block> pick(SplittableRandom random) {
      for (int attempt = 0; attempt < 8; attempt++) {
        long probe =
            recentCount > 0 && random.nextInt(100) < 60
                ? recent[random.nextInt(recentCount)]
                : 1 + random.nextLong(quantity);
        Map.Entry<Long, Block> held = holdings.floorEntry(probe);
        if (held != null && held.getValue().last >= probe) {
          return held;
        }
      }
      return holdings.firstEntry();
    }

    /**
     * Takes up to {@code wanted} serials of the block's account from the front of {@code start},
     * then of that account's next blocks of the batch.
     */
    List<long[]> take(Map.Entry<Long, Block> start, long wanted) {
      String account = start.getValue().account;
      List<long[]> taken = new ArrayList<>();
      long remaining = wanted;
      Map.Entry<Long, Block> current = start;
      while (remaining > 0 && current != null) {
        long first = current.getKey();
        Block block = current.getValue();
        long count = Math.min(block.last - first + 1, remaining);
        holdings.remove(first);
        if (first + count <= block.last) {
          holdings.put(first + count, block);
        }
        taken.add(new long[] {first, first + count - 1});
        remaining -= count;
        current = null;
        if (remaining > 0) {
          Map.Entry<Long, Block> next = holdings.higherEntry(first);
          for (int step = 0; step < 16 && next != null; step++) {
            if (next.getValue().account.equals(account)) {
              current = next;
              break;
            }
            next = holdings.higherEntry(next.getKey());
          }
        }
      }
      return taken;
    }

    /** Gives serials no account holds to {@code account}, merged with its adjacent blocks. */
    void give(String account, long first, long last) {
      Block after = holdings.get(last + 1);
      boolean mergeAfter = after != null && after.account.equals(account);
      Map.Entry<Long, Block> before = holdings.floorEntry(first - 1);
      if (before != null
          && before.getValue().last == first - 1
          && before.getValue().account.equals(account)) {
        before.getValue().last = mergeAfter ? after.last : last;
        if (mergeAfter) {
          holdings.remove(last + 1);
        }
        return;
      }
      if (mergeAfter) {
        holdings.remove(last + 1);
      }
      holdings.put(first, new Block(mergeAfter ? after.last : last, account));
    }

    void remember(long first) {
      recent[recentNext] = first;
      recentNext = (recentNext + 1) % recent.length;
      recentCount = Math.min(recentCount + 1, recent.length);
    }
  }

  private record Project(String id, String proponent) {}

  private enum Kind {
    METHODOLOGY_FILED,
    METHODOLOGY_APPROVED,
    ACCOUNT_OPENED,
    PROJECT_REGISTERED,
    PROJECT_APPROVED,
    BATCH_ISSUED,
    ISSUANCE_RECORDED,
    ACCOUNT_FROZEN,
    ACCOUNT_UNFROZEN
  }

  private record Scheduled(long at, long order, Kind kind, int number, String subject)
      implements Comparable<Scheduled> {
    @Override
    public int compareTo(Scheduled other) {
      return at != other.at ? Long.compare(at, other.at) : Long.compare(order, other.order);
    }
  }

  private static final String[] DISTRICTS = {
    "Jiang'an", "Jianghan", "Qiaokou", "Hanyang", "Wuchang", "Qingshan", "Hongshan", "Dongxihu"
  };
  private static final String[] SECTORS = {"transport", "energy", "forestry", "waste"};
  private static final String[] BENEFICIARIES = {
    "武汉马拉松 2026",
    "Green Trips riders, March",
    "东湖绿道 cycling week",
    "Acme Logistics FY2025",
    "Hubei University commuters",
    "光谷 data centre, Q3",
    "Wuhan Metro Line 2 users"
  };
  private static final String[] PURPOSES = {
    "VOLUNTARY", "EVENT_NEUTRALITY", "ETS_COMPLIANCE", "ECOLOGICAL_COMPENSATION"
  };
  private static final String[] HOLDER_TYPES = {
    "ENTERPRISE", "INDIVIDUAL", "INDIVIDUAL", "PLATFORM", "ORGANISER", "ENTERPRISE"
  };

  /** Decides, position by position, what the registry does next. */
  private final class World {
    final int methodologies = 4;
    final int accountCount = (int) Math.max(10, events / 500);
    final int projectCount = (int) Math.max(3, events / 10_000);
    final int batchCount = (int) Math.max(3, events / 1_000);
    final int freezeCount = accountCount / 20;
    final PriorityQueue<Scheduled> due = new PriorityQueue<>();
    final List<String> accounts = new ArrayList<>();
    final Set<String> frozen = new HashSet<>();
    final List<Project> projects = new ArrayList<>();
    final List<Project> approved = new ArrayList<>();
    final Map<String, Integer> batchSequences = new HashMap<>();
    final List<BatchSim> batches = new ArrayList<>();
    long order;
    long movements;
    long statementRows;
    long retirements;

    World() {
      for (int m = 0; m < methodologies; m++) {
        schedule(m, Kind.METHODOLOGY_FILED, m, null);
        schedule(methodologies + m, Kind.METHODOLOGY_APPROVED, m, null);
      }
      for (int a = 0; a < accountCount; a++) {
        schedule(8 + (long) (a * (0.5 * events / accountCount)), Kind.ACCOUNT_OPENED, a, null);
      }
      for (int p = 0; p < projectCount; p++) {
        schedule(10 + (long) (p * (0.3 * events / projectCount)), Kind.PROJECT_REGISTERED, p, null);
      }
      for (int b = 0; b < batchCount; b++) {
        schedule(
            12 + events / 100 + (long) (b * (0.6 * events / batchCount)),
            Kind.BATCH_ISSUED,
            b,
            null);
      }
      for (int f = 0; f < freezeCount; f++) {
        schedule(
            (long) (0.3 * events + f * (0.6 * events / freezeCount)), Kind.ACCOUNT_FROZEN, f, null);
      }
    }

    void schedule(long at, Kind kind, int number, String subject) {
      due.add(new Scheduled(at, order++, kind, number, subject));
    }

    Draft next(long index) {
      for (int attempt = 0; attempt < 1_000; attempt++) {
        Scheduled next = due.peek();
        boolean structural =
            next != null
                && (next.at() <= index || batches.isEmpty() || events - index <= due.size());
        if (!structural) {
          return movement(index);
        }
        due.poll();
        Draft draft = structural(next, index);
        if (draft != null) {
          return draft;
        }
        // Not possible yet: try again a little later.
        schedule(index + 1 + attempt, next.kind(), next.number(), next.subject());
      }
      throw new IllegalStateException("the story is stuck at event " + index);
    }

    private Draft structural(Scheduled scheduled, long index) {
      int n = scheduled.number();
      switch (scheduled.kind()) {
        case METHODOLOGY_FILED -> {
          String id = methodologyId(n);
          return new Draft(
              "methodology:" + id,
              "Methodology",
              METHODOLOGY_EVENT + "MethodologyFiled",
              "{\"methodologyId\":\""
                  + id
                  + "\",\"version\":\"1."
                  + n
                  + "\",\"title\":\"低碳出行 methodology "
                  + n
                  + "\",\"sector\":\""
                  + SECTORS[n % SECTORS.length]
                  + "\",\"quantifies\":\"avoided emissions, tCO2e\"}",
              OPERATOR,
              "");
        }
        case METHODOLOGY_APPROVED -> {
          String id = methodologyId(n);
          return new Draft(
              "methodology:" + id,
              "Methodology",
              METHODOLOGY_EVENT + "MethodologyApproved",
              "{\"methodologyId\":\""
                  + id
                  + "\",\"reviewer\":\"Hubei Ecology and Environment Department\","
                  + "\"reviewReference\":\"HBEE-2024-"
                  + (100 + n)
                  + "\"}",
              OPERATOR,
              "");
        }
        case ACCOUNT_OPENED -> {
          String type = HOLDER_TYPES[n % HOLDER_TYPES.length];
          String id = type.toLowerCase().substring(0, 3) + "-" + String.format("%05d", n);
          accounts.add(id);
          return new Draft(
              "account:" + id,
              "Account",
              ACCOUNT_EVENT + "AccountOpened",
              "{\"accountId\":\""
                  + id
                  + "\",\"holderType\":\""
                  + type
                  + "\",\"name\":\""
                  + (n % 3 == 0 ? "武汉 " : "Wuhan ")
                  + type.toLowerCase()
                  + " "
                  + n
                  + "\",\"jurisdiction\":\"CN-HB\"}",
              OPERATOR,
              "open-" + id);
        }
        case PROJECT_REGISTERED -> {
          if (accounts.isEmpty()) {
            return null;
          }
          String id = "WH-" + SECTORS[n % SECTORS.length].toUpperCase() + "-" + (n + 1);
          String proponent = accounts.get(random.nextInt(accounts.size()));
          projects.add(new Project(id, proponent));
          schedule(index + 1, Kind.PROJECT_APPROVED, projects.size() - 1, null);
          return new Draft(
              "project:" + id,
              "Project",
              PROJECT_EVENT + "ProjectRegistered",
              "{\"projectId\":\""
                  + id
                  + "\",\"name\":\"Wuhan low-carbon "
                  + SECTORS[n % SECTORS.length]
                  + " project "
                  + (n + 1)
                  + "\",\"proponentAccountId\":\""
                  + proponent
                  + "\",\"methodologyId\":\""
                  + methodologyId(n % methodologies)
                  + "\",\"jurisdiction\":\"CN-HB\",\"district\":\""
                  + DISTRICTS[n % DISTRICTS.length]
                  + "\",\"location\":\"30."
                  + (500 + n)
                  + "N 114."
                  + (300 + n)
                  + "E\"}",
              "client:" + proponent,
              "register-" + id);
        }
        case PROJECT_APPROVED -> {
          Project project = projects.get(n);
          approved.add(project);
          return new Draft(
              "project:" + project.id(),
              "Project",
              PROJECT_EVENT + "ProjectApproved",
              "{\"projectId\":\"" + project.id() + "\",\"approvedBy\":\"operator:zhang.wei\"}",
              OPERATOR,
              "");
        }
        case BATCH_ISSUED -> {
          if (approved.isEmpty()) {
            return null;
          }
          Project project = approved.get(random.nextInt(approved.size()));
          int sequence = batchSequences.merge(project.id(), 1, Integer::sum);
          BatchSim batch = new BatchSim();
          batch.id = project.id() + "-B" + sequence;
          batch.projectId = project.id();
          batch.sequence = sequence;
          batch.quantity = 100_000 + random.nextInt(900_001);
          batch.issuedTo = project.proponent();
          batch.verifier =
              random.nextBoolean() ? "CQC" : "China Environmental United Certification";
          int quarter = random.nextInt(12);
          batch.vintageStart = LocalDate.of(2021, 1, 1).plusMonths(3L * quarter);
          batch.vintageEnd = batch.vintageStart.plusMonths(3).minusDays(1);
          batch.issuedPosition = index + 1;
          batch.lastPosition = index + 1;
          batch.give(batch.issuedTo, 1, batch.quantity);
          batches.add(batch);
          statementRows++;
          schedule(index, Kind.ISSUANCE_RECORDED, batches.size() - 1, null);
          return new Draft(
              "batch:" + batch.id,
              "Batch",
              BATCH_EVENT + "BatchIssued",
              "{\"batchId\":\""
                  + batch.id
                  + "\",\"projectId\":\""
                  + batch.projectId
                  + "\",\"batchSequence\":"
                  + sequence
                  + ",\"vintageStart\":\""
                  + batch.vintageStart
                  + "\",\"vintageEnd\":\""
                  + batch.vintageEnd
                  + "\",\"verificationReportId\":\"VR-"
                  + batch.id
                  + "\",\"verifier\":\""
                  + batch.verifier
                  + "\",\"accountId\":\""
                  + batch.issuedTo
                  + "\",\"quantity\":"
                  + batch.quantity
                  + ",\"serials\":{\"first\":1,\"last\":"
                  + batch.quantity
                  + "},\"serialPrefix\":\"WHCI\"}",
              OPERATOR,
              "issue-" + batch.id,
              batch,
              null);
        }
        case ISSUANCE_RECORDED -> {
          BatchSim batch = batches.get(n);
          return new Draft(
              "project:" + batch.projectId,
              "Project",
              PROJECT_EVENT + "BatchIssuanceRecorded",
              "{\"projectId\":\""
                  + batch.projectId
                  + "\",\"batchId\":\""
                  + batch.id
                  + "\",\"batchSequence\":"
                  + batch.sequence
                  + ",\"quantity\":"
                  + batch.quantity
                  + "}",
              OPERATOR,
              "issue-" + batch.id);
        }
        case ACCOUNT_FROZEN -> {
          String account = accounts.get(random.nextInt(accounts.size()));
          if (!frozen.add(account)) {
            return null;
          }
          schedule(index + Math.max(1, events / 200), Kind.ACCOUNT_UNFROZEN, n, account);
          return new Draft(
              "account:" + account,
              "Account",
              ACCOUNT_EVENT + "AccountFrozen",
              "{\"accountId\":\"" + account + "\",\"reason\":\"KYC review " + n + "\"}",
              OPERATOR,
              "");
        }
        case ACCOUNT_UNFROZEN -> {
          frozen.remove(scheduled.subject());
          return new Draft(
              "account:" + scheduled.subject(),
              "Account",
              ACCOUNT_EVENT + "AccountUnfrozen",
              "{\"accountId\":\"" + scheduled.subject() + "\",\"reason\":\"review closed\"}",
              OPERATOR,
              "");
        }
      }
      throw new IllegalStateException(scheduled.kind().toString());
    }

    private String methodologyId(int n) {
      return "CCER-WH-" + String.format("%03d", n + 1);
    }

    /** A transfer, retirement or cancellation of serials that their account holds. */
    private Draft movement(long index) {
      for (int attempt = 0; attempt < 100; attempt++) {
        BatchSim batch = batches.get(random.nextInt(batches.size()));
        Map.Entry<Long, Block> source = batch.pick(random);
        if (source == null || frozen.contains(source.getValue().account)) {
          continue;
        }
        String from = source.getValue().account;
        int roll = random.nextInt(100);
        String to = null;
        long wanted;
        if (roll < 55) {
          to = accounts.get(random.nextInt(accounts.size()));
          if (to.equals(from) || frozen.contains(to)) {
            continue;
          }
          wanted =
              random.nextInt(10) < 3 ? 1_000 + random.nextInt(19_001) : 1 + random.nextInt(500);
        } else if (roll < 96) {
          wanted = 1 + random.nextInt(300);
        } else {
          wanted = 1 + random.nextInt(100);
        }
        List<long[]> blocks = batch.take(source, wanted);
        long quantity = 0;
        StringBuilder json = new StringBuilder("[");
        StringBuilder serials = new StringBuilder();
        for (long[] block : blocks) {
          quantity += block[1] - block[0] + 1;
          json.append(json.length() > 1 ? "," : "")
              .append("{\"first\":")
              .append(block[0])
              .append(",\"last\":")
              .append(block[1])
              .append('}');
          serials
              .append(serials.isEmpty() ? "" : ",")
              .append(block[0])
              .append('-')
              .append(block[1]);
        }
        String list = json.append(']').toString();
        String serialBlocks = serials.toString();
        batch.lastPosition = index + 1;
        long number = ++batch.movements;
        movements++;
        String stream = "batch:" + batch.id;
        String idempotencyKey = uuid();
        if (to != null) {
          for (long[] block : blocks) {
            batch.give(to, block[0], block[1]);
          }
          batch.remember(blocks.get(0)[0]);
          statementRows += 2;
          return new Draft(
              stream,
              "Batch",
              BATCH_EVENT + "CreditsTransferred",
              "{\"batchId\":\""
                  + batch.id
                  + "\",\"transferId\":\"T-"
                  + number
                  + "\",\"fromAccountId\":\""
                  + from
                  + "\",\"toAccountId\":\""
                  + to
                  + "\",\"quantity\":"
                  + quantity
                  + ",\"blocks\":"
                  + list
                  + "}",
              "client:" + from,
              idempotencyKey,
              null,
              new Moved(
                  "TRANSFER", batch, "T-" + number, from, to, quantity, serialBlocks, null, null));
        }
        statementRows++;
        if (roll < 96) {
          batch.retired += quantity;
          retirements++;
          String beneficiary = BENEFICIARIES[random.nextInt(BENEFICIARIES.length)];
          boolean period = random.nextBoolean();
          Claim claim =
              new Claim(
                  beneficiary,
                  "carbon neutrality of " + beneficiary,
                  period ? "offsets commuting emissions" : null,
                  PURPOSES[random.nextInt(PURPOSES.length)],
                  period ? LocalDate.of(2025, 1, 1) : null,
                  period ? LocalDate.of(2025, 12, 31) : null,
                  "CN-HB");
          StringBuilder labels = new StringBuilder();
          for (long[] block : blocks) {
            labels
                .append(labels.isEmpty() ? "" : ",")
                .append(
                    SerialNumbers.label(
                        SerialNumbers.REGISTRY_PREFIX,
                        batch.projectId,
                        batch.vintageStart,
                        batch.vintageEnd,
                        batch.sequence,
                        new SerialBlock(block[0], block[1])));
          }
          return new Draft(
              stream,
              "Batch",
              BATCH_EVENT + "CreditsRetired",
              "{\"batchId\":\""
                  + batch.id
                  + "\",\"retirementId\":\"R-"
                  + number
                  + "\",\"accountId\":\""
                  + from
                  + "\",\"quantity\":"
                  + quantity
                  + ",\"blocks\":"
                  + list
                  + ",\"beneficiary\":\""
                  + claim.beneficiary()
                  + "\",\"reason\":\""
                  + claim.reason()
                  + "\",\"details\":"
                  + (claim.details() == null ? "null" : "\"" + claim.details() + "\"")
                  + ",\"purpose\":\""
                  + claim.purpose()
                  + "\",\"consumptionPeriodStart\":"
                  + (period ? "\"" + claim.consumptionPeriodStart() + "\"" : "null")
                  + ",\"consumptionPeriodEnd\":"
                  + (period ? "\"" + claim.consumptionPeriodEnd() + "\"" : "null")
                  + ",\"jurisdictionOfUse\":\""
                  + claim.jurisdictionOfUse()
                  + "\",\"footprintId\":null}",
              "client:" + from,
              idempotencyKey,
              null,
              new Moved(
                  "RETIREMENT",
                  batch,
                  "R-" + number,
                  from,
                  null,
                  quantity,
                  serialBlocks,
                  labels.toString(),
                  claim));
        }
        batch.cancelled += quantity;
        return new Draft(
            stream,
            "Batch",
            BATCH_EVENT + "CreditsCancelled",
            "{\"batchId\":\""
                + batch.id
                + "\",\"cancellationId\":\"C-"
                + number
                + "\",\"accountId\":\""
                + from
                + "\",\"quantity\":"
                + quantity
                + ",\"blocks\":"
                + list
                + ",\"kind\":\""
                + (random.nextBoolean() ? "ADMINISTRATIVE" : "VERIFICATION_ERROR")
                + "\",\"reason\":\"registry correction\"}",
            OPERATOR,
            idempotencyKey,
            null,
            new Moved(
                "CANCELLATION",
                batch,
                "C-" + number,
                from,
                null,
                quantity,
                serialBlocks,
                null,
                null));
      }
      throw new IllegalStateException("no credits left to move at event " + index);
    }
  }
}
