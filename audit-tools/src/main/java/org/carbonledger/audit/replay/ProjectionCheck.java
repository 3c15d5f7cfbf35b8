package org.carbonledger.audit.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.carbonledger.audit.verify.Finding;

/**
 * The verifier's own replay of the credits: it reads the stored batch events, rebuilds every
 * batch's holdings and supply from their JSON payloads alone (docs/spec/01-domain.md §1.6,
 * docs/spec/04-projections.md §4.2.5–4.2.6), checks the domain's invariants at every event, and
 * compares the result with the projection tables row by row: the state it rebuilds with {@code
 * batch_supply}, {@code holding_block} and, on PostgreSQL, {@code batch_holding_total}, and every
 * movement it applies with {@code account_movement} and the public {@code retirement_register}
 * (§4.2.7–4.2.8). It uses none of the ledger's domain classes: it follows the documented data, not
 * the writer's code.
 *
 * <p><b>The projections trail the event store.</b> They are written by an asynchronous processor,
 * whose progress is {@code projection_position.last_position} (§4.2.1), committed with the rows it
 * produced. The tables are therefore compared with the replay of exactly the events the processor
 * had handled: those at or below that position, except the ones its gap-aware token still lists as
 * gaps (events that committed after the processor passed their position; read, best effort, from
 * the processor's row in {@code token_entry}). Later events are not expected in the tables yet. The
 * invariants are checked over every stored event, whether projected or not. Without a position row,
 * nothing has been projected and every table must be empty (a holding total of 0 counts as empty).
 *
 * <p>Everything is read in one transaction at {@code REPEATABLE READ}, a snapshot on PostgreSQL and
 * H2, so that the events, the position and the tables are seen at one instant while the ledger
 * keeps writing.
 *
 * <p><b>One batch at a time.</b> The batch is the consistency boundary (docs/adr/0004): no
 * invariant and no projection row of one batch depends on another batch's events. The events are
 * therefore streamed through a cursor ordered by stream and sequence number (the order of the event
 * store's unique index on {@code (aggregate_identifier, sequence_number)}; whether the database
 * walks that index or sorts, it does so on its side), and each batch is replayed, compared with its
 * rows of the tables (read {@code WHERE batch_id = ?}) and dropped before the next. Memory holds
 * one batch's replayed state (proportional to how fragmented its serials are), one event's rows and
 * the findings; never the events, the tables, or the other batches. Rows of batch ids that have no
 * event stream at all are found at the end by an anti-join in the database. Because every
 * comparison is an equality on the batch id, the database's collation of ids never has to agree
 * with Java's.
 */
public final class ProjectionCheck {

  /** A movement takes serials that its account does not hold (another account holds them). */
  public static final String SERIALS_NOT_HELD = "SERIALS_NOT_HELD";

  /** A retirement retires serials that were already retired. */
  public static final String SERIAL_RETIRED_TWICE = "SERIAL_RETIRED_TWICE";

  /** A transfer, cancellation or retirement moves serials that were retired or cancelled. */
  public static final String MOVED_AFTER_RETIREMENT = "MOVED_AFTER_RETIREMENT";

  /** A movement names serials outside its batch's issued block. */
  public static final String SERIALS_NOT_ISSUED = "SERIALS_NOT_ISSUED";

  /** issued != tradable (the serials held) + retired + cancelled, after this event. */
  public static final String SUPPLY_EQUATION_BROKEN = "SUPPLY_EQUATION_BROKEN";

  /** A transfer, retirement or cancellation of a batch that is not issued (yet). */
  public static final String MOVEMENT_BEFORE_ISSUANCE = "MOVEMENT_BEFORE_ISSUANCE";

  /** A second {@code BatchIssued} for one batch. */
  public static final String BATCH_ISSUED_TWICE = "BATCH_ISSUED_TWICE";

  /** {@code BatchIssued.quantity} is not the size of its serial block. */
  public static final String ISSUED_QUANTITY_MISMATCH = "ISSUED_QUANTITY_MISMATCH";

  /** A movement's quantity is not positive or not the size of its blocks, or it has no block. */
  public static final String MOVEMENT_QUANTITY_MISMATCH = "MOVEMENT_QUANTITY_MISMATCH";

  /** A transfer whose receiving account is the account it leaves. */
  public static final String TRANSFER_TO_SAME_ACCOUNT = "TRANSFER_TO_SAME_ACCOUNT";

  /** A batch event's payload names a batch other than its stream's. */
  public static final String BATCH_ID_MISMATCH = "BATCH_ID_MISMATCH";

  /** A batch event whose payload or timestamp cannot be read as documented. */
  public static final String MALFORMED_BATCH_EVENT = "MALFORMED_BATCH_EVENT";

  /** The replay has a row that the projection table lacks. */
  public static final String PROJECTION_ROW_MISSING = "PROJECTION_ROW_MISSING";

  /** The projection table has a row that the replay does not have. */
  public static final String PROJECTION_ROW_UNEXPECTED = "PROJECTION_ROW_UNEXPECTED";

  /** A projection row's values differ from the replay's. */
  public static final String PROJECTION_ROW_DIFFERS = "PROJECTION_ROW_DIFFERS";

  static final int FETCH_SIZE = 2_000;
  static final int PROGRESS_EVERY = 10_000;

  private static final String BATCH_STREAM = "batch:";

  /**
   * The batch events, grouped by stream and in each stream's order. The unique index on {@code
   * (aggregate_identifier, sequence_number)} has this order, but the heap is in global order, so
   * walking the index costs a random read per event: PostgreSQL's planner rightly prefers to scan
   * the table and sort the batch events on its own disk (docs/spec/04-projections.md §4.4). Either
   * way the verifier receives them through a cursor, a fetch at a time.
   */
  private static final String EVENTS_BY_BATCH =
      "SELECT global_index, event_identifier, aggregate_identifier, sequence_number, payload_type,"
          + " time_stamp, payload FROM domain_event_entry WHERE aggregate_identifier LIKE 'batch:%'"
          + " ORDER BY aggregate_identifier, sequence_number";

  /** The processor that writes the projections and {@code projection_position}. */
  static final String PROCESSOR = "projections";

  /** At most this many findings get their Merkle leaf index looked up. */
  private static final int LEAVES_LOOKED_UP = 10_000;

  private static final int LOOKUP_CHUNK = 100;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ProjectionCheck() {}

  /**
   * Replays every batch event, checks the invariants, and compares {@code batch_supply}, {@code
   * holding_block}, {@code batch_holding_total} (where the ledger has it), {@code account_movement}
   * and {@code retirement_register} with the replay up to the projections' position.
   *
   * <p>The check runs in a read transaction of its own: it rolls back the connection's current
   * transaction first (the verifier writes nothing), reads at {@code REPEATABLE READ} with
   * auto-commit off, then rolls back and restores the connection's isolation level and auto-commit.
   *
   * @param connection the ledger's database (PostgreSQL or H2), opened read-only
   * @param findings receives every finding, each with its stream ({@code batch:<id>}); an invariant
   *     finding also with the event's sequence number, Merkle leaf index (when logged) and row
   *     ({@code domain_event_entry}, the event identifier); a projection finding with its table and
   *     key
   * @param progress called with the number of batch events replayed so far, every {@value
   *     #PROGRESS_EVERY}
   */
  public static ReplayResult check(
      Connection connection, List<Finding> findings, LongConsumer progress) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    int isolation = connection.getTransactionIsolation();
    if (autoCommit) {
      connection.setAutoCommit(false);
    } else {
      connection.rollback();
    }
    try {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        return run(connection, findings, progress).result();
      } finally {
        connection.rollback();
        connection.setTransactionIsolation(isolation);
      }
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /**
   * {@link #check} in the connection's current transaction, which the caller has opened at {@code
   * REPEATABLE READ} (or in a snapshot it imported), so that the replay sees the same state of the
   * ledger as the caller's other reads. Nothing is committed or rolled back.
   */
  public static ReplayResult checkInCurrentTransaction(
      Connection connection, List<Finding> findings, LongConsumer progress) throws SQLException {
    return run(connection, findings, progress).result();
  }

  /**
   * What one run read, and the most batch states its replay held at once: 1 (or 0 without batches),
   * which is what bounds its memory; a test pins it.
   */
  record Run(ReplayResult result, int mostBatchesHeld) {}

  /** {@link #checkInCurrentTransaction}, saying also how many batches it held at once. */
  static Run runInCurrentTransaction(
      Connection connection, List<Finding> findings, LongConsumer progress) throws SQLException {
    return run(connection, findings, progress);
  }

  private static Run run(Connection connection, List<Finding> findings, LongConsumer progress)
      throws SQLException {
    Long position = projectionPosition(connection);
    Set<Long> gaps = position == null ? Set.of() : pendingGaps(connection, position);
    List<Finding> found = new ArrayList<>();
    CreditReplay replay = new CreditReplay(found::add);
    ReplayResult result;
    try (ProjectionComparison state = new ProjectionComparison(connection, found::add);
        MovementComparison movements = new MovementComparison(connection, found::add);
        PreparedStatement query = connection.prepareStatement(EVENTS_BY_BATCH)) {
      query.setFetchSize(FETCH_SIZE);
      BatchByBatch pass = new BatchByBatch(position, gaps, replay, state, movements, progress);
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          String aggregate = row.getString(3);
          if (!aggregate.startsWith(BATCH_STREAM)) {
            // LIKE selected only batch streams, unless the database's LIKE ignores case.
            continue;
          }
          pass.stream(aggregate);
          String payloadType = row.getString(5);
          if (CreditReplay.isBatchEvent(aggregate, payloadType)) {
            pass.event(
                new StoredEvent(
                    row.getLong(1),
                    row.getString(2),
                    aggregate,
                    row.getLong(4),
                    payloadType,
                    row.getString(6),
                    row.getBytes(7)));
          }
        }
      }
      pass.finishBatch();
      movements.compareBatchesWithoutEvents();
      state.compareBatchesWithoutEvents();
      MovementComparison.Rows movementRows = movements.rows();
      ProjectionComparison.Rows stateRows = state.rows();
      result =
          new ReplayResult(
              pass.batches,
              replay.events(),
              position,
              pass.compared,
              pass.notYetProjected,
              stateRows.supply(),
              stateRows.holdings(),
              stateRows.totals(),
              movementRows.movements(),
              movementRows.retirements());
    }
    findings.addAll(withLeaves(connection, found));
    return new Run(result, replay.mostBatchesHeld());
  }

  /**
   * The replay of one batch after another: each batch's events in its stream's order, its tables
   * compared once the replay has applied the events the projections had handled, and its state
   * dropped at the end of its stream.
   *
   * <p>A batch's tables are compared at its first event the projections had not handled (above
   * their position, or a gap of their token), or at the end of its stream. In a store the ledger
   * wrote, every handled event of a stream comes before the unhandled ones: a stream's next event
   * is appended only after its previous one committed, so its global position is higher, and the
   * processor never handles an event while an earlier one of its stream is still pending. The state
   * compared is therefore the state after exactly the handled events. Should a rewritten store put
   * a handled event after an unhandled one in its stream, that event is replayed for the invariants
   * but counted, and compared, as not projected yet.
   */
  private static final class BatchByBatch {
    private final Long position;
    private final Set<Long> gaps;
    private final CreditReplay replay;
    private final ProjectionComparison state;
    private final MovementComparison movements;
    private final LongConsumer progress;
    long batches;
    long compared;
    long notYetProjected;

    /** The stream being replayed, its batch id, and whether its tables were compared yet. */
    private String stream;

    private String batchId;
    private boolean tablesCompared;

    BatchByBatch(
        Long position,
        Set<Long> gaps,
        CreditReplay replay,
        ProjectionComparison state,
        MovementComparison movements,
        LongConsumer progress) {
      this.position = position;
      this.gaps = gaps;
      this.replay = replay;
      this.state = state;
      this.movements = movements;
      this.progress = progress;
    }

    /** Moves on to this stream, finishing the previous batch first when it is another stream. */
    void stream(String aggregate) throws SQLException {
      if (aggregate.equals(stream)) {
        return;
      }
      finishBatch();
      stream = aggregate;
      batchId = aggregate.substring(BATCH_STREAM.length());
      tablesCompared = false;
      movements.start(batchId);
    }

    /** Replays one batch event of the current stream, comparing it if it was projected. */
    void event(StoredEvent event) throws SQLException {
      if (!tablesCompared && projected(event.globalIndex())) {
        compared++;
        // The movement tables are compared event by event, as the replay passes them.
        movements.expect(event.globalIndex(), replay.applyBatchEvent(event));
      } else {
        compareTables();
        notYetProjected++;
        replay.applyBatchEvent(event);
      }
      if (replay.events() % PROGRESS_EVERY == 0) {
        progress.accept(replay.events());
      }
    }

    /** Ends the current batch, if any: its tables compared, its state dropped. */
    void finishBatch() throws SQLException {
      if (stream == null) {
        return;
      }
      compareTables();
      if (replay.batch(batchId) != null) {
        batches++;
      }
      replay.release(batchId);
      stream = null;
    }

    /** Whether the projections had handled the event at this position. */
    private boolean projected(long globalIndex) {
      return position != null && globalIndex <= position && !gaps.contains(globalIndex);
    }

    /**
     * Compares the batch's tables with its state now, once: the movement rows no event claimed,
     * then supply and holdings.
     */
    private void compareTables() throws SQLException {
      if (tablesCompared) {
        return;
      }
      tablesCompared = true;
      movements.finish();
      state.compare(batchId, replay.batch(batchId));
    }
  }

  /** {@code projection_position.last_position} of the processor, or null without a row. */
  private static Long projectionPosition(Connection connection) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT last_position FROM projection_position WHERE processor_name = ?")) {
      query.setString(1, PROCESSOR);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? row.getLong(1) : null;
      }
    }
  }

  /**
   * The global positions at or below {@code position} that the processor has not handled yet: the
   * gaps of its gap-aware tracking token (Axon's {@code GapAwareTrackingToken}, stored as JSON
   * {@code {"index":n,"gaps":[...]}}, possibly inside a replay token's {@code currentToken}). A
   * token this does not understand is read as having no gaps.
   */
  private static Set<Long> pendingGaps(Connection connection, long position) throws SQLException {
    Set<Long> gaps = new HashSet<>();
    try (PreparedStatement query =
        connection.prepareStatement("SELECT token FROM token_entry WHERE processor_name = ?")) {
      query.setString(1, PROCESSOR);
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          byte[] token = row.getBytes(1);
          if (token == null) {
            continue;
          }
          try {
            JsonNode json = MAPPER.readTree(token);
            if (json != null && json.has("currentToken")) {
              json = json.get("currentToken");
            }
            JsonNode listed = json == null ? null : json.get("gaps");
            if (listed != null && listed.isArray()) {
              for (JsonNode gap : listed) {
                if (gap.canConvertToLong() && gap.longValue() <= position) {
                  gaps.add(gap.longValue());
                }
              }
            }
          } catch (IOException | RuntimeException e) {
            // Not a JSON gap-aware token: no gaps known.
          }
        }
      }
    }
    return gaps;
  }

  /** The findings, each event's with the index of the Merkle leaf that logs it, where logged. */
  private static List<Finding> withLeaves(Connection connection, List<Finding> found)
      throws SQLException {
    Set<String> events = new LinkedHashSet<>();
    for (Finding finding : found) {
      if ("domain_event_entry".equals(finding.table())
          && finding.row() != null
          && events.size() < LEAVES_LOOKED_UP) {
        events.add(finding.row());
      }
    }
    if (events.isEmpty()) {
      return found;
    }
    Map<String, Long> leaves = new HashMap<>();
    List<String> ids = new ArrayList<>(events);
    for (int from = 0; from < ids.size(); from += LOOKUP_CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + LOOKUP_CHUNK));
      String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
      try (PreparedStatement query =
          connection.prepareStatement(
              "SELECT event_identifier, leaf_index FROM merkle_leaf WHERE event_identifier IN ("
                  + marks
                  + ")")) {
        for (int i = 0; i < chunk.size(); i++) {
          query.setString(i + 1, chunk.get(i));
        }
        try (ResultSet row = query.executeQuery()) {
          while (row.next()) {
            leaves.put(row.getString(1), row.getLong(2));
          }
        }
      }
    }
    List<Finding> located = new ArrayList<>(found.size());
    for (Finding finding : found) {
      Long leaf = "domain_event_entry".equals(finding.table()) ? leaves.get(finding.row()) : null;
      located.add(
          leaf == null
              ? finding
              : new Finding(
                  finding.kind(),
                  finding.streamId(),
                  finding.sequence(),
                  leaf,
                  finding.table(),
                  finding.row(),
                  finding.message()));
    }
    return located;
  }
}
