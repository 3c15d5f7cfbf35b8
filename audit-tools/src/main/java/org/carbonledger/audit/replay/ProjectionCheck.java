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
 * batch_supply} and {@code holding_block}, and every movement it applies with {@code
 * account_movement} and the public {@code retirement_register} (§4.2.7–4.2.8). It uses none of the
 * ledger's domain classes: it follows the documented data, not the writer's code.
 *
 * <p><b>The projections trail the event store.</b> They are written by an asynchronous processor,
 * whose progress is {@code projection_position.last_position} (§4.2.1), committed with the rows it
 * produced. The tables are therefore compared with the replay of exactly the events the processor
 * had handled: those at or below that position, except the ones its gap-aware token still lists as
 * gaps (events that committed after the processor passed their position; read, best effort, from
 * the processor's row in {@code token_entry}). Later events are not expected in the tables yet. The
 * invariants are checked over every stored event, whether projected or not. Without a position row,
 * nothing has been projected and all four tables must be empty.
 *
 * <p>Everything is read in one transaction at {@code REPEATABLE READ}, a snapshot on PostgreSQL and
 * H2, so that the events, the position and the tables are seen at one instant while the ledger
 * keeps writing. The events are streamed in global order through a cursor. The two movement tables
 * are streamed beside them in global position order and compared event by event, merge-style; the
 * supply and holdings are compared with the replayed state when the stream passes the position.
 * Memory holds the replayed state (proportional to the batches and to how fragmented their holdings
 * are) and one event's rows, never the events or the movement tables.
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

  /** The processor that writes the projections and {@code projection_position}. */
  static final String PROCESSOR = "projections";

  /** At most this many findings get their Merkle leaf index looked up. */
  private static final int LEAVES_LOOKED_UP = 10_000;

  private static final int LOOKUP_CHUNK = 100;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ProjectionCheck() {}

  /**
   * Replays every batch event, checks the invariants, and compares {@code batch_supply}, {@code
   * holding_block}, {@code account_movement} and {@code retirement_register} with the replay up to
   * the projections' position.
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
        return run(connection, findings, progress);
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
    return run(connection, findings, progress);
  }

  private static ReplayResult run(
      Connection connection, List<Finding> findings, LongConsumer progress) throws SQLException {
    Long position = projectionPosition(connection);
    Set<Long> gaps = position == null ? Set.of() : pendingGaps(connection, position);
    List<Finding> found = new ArrayList<>();
    CreditReplay replay = new CreditReplay(found::add);
    ProjectionComparison comparison = new ProjectionComparison(connection, replay, found::add);
    List<StoredEvent> late = new ArrayList<>();
    ProjectionComparison.Rows rows = null;
    MovementComparison.Rows movementRows = null;
    long compared = 0;
    long notYetProjected = 0;
    try (MovementComparison movements = new MovementComparison(connection, found::add);
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT global_index, event_identifier, aggregate_identifier, sequence_number,"
                    + " payload_type, time_stamp, payload FROM domain_event_entry"
                    + " WHERE aggregate_identifier LIKE 'batch:%' ORDER BY global_index")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          String aggregate = row.getString(3);
          String payloadType = row.getString(5);
          if (!CreditReplay.isBatchEvent(aggregate, payloadType)) {
            continue;
          }
          StoredEvent event =
              new StoredEvent(
                  row.getLong(1),
                  row.getString(2),
                  aggregate,
                  row.getLong(4),
                  payloadType,
                  row.getString(6),
                  row.getBytes(7));
          if (rows == null && (position == null || event.globalIndex() > position)) {
            movementRows = movements.finish();
            rows = comparison.compare();
            late.forEach(replay::apply);
            late.clear();
          }
          if (rows == null && gaps.contains(event.globalIndex())) {
            late.add(event); // Committed late: applied after the comparison.
            notYetProjected++;
            continue;
          }
          if (rows == null) {
            compared++;
            // The movement tables are compared event by event, as the replay passes them.
            movements.expect(event.globalIndex(), replay.applyBatchEvent(event));
          } else {
            notYetProjected++;
            replay.apply(event);
          }
          if (replay.events() % PROGRESS_EVERY == 0) {
            progress.accept(replay.events());
          }
        }
      }
      if (rows == null) {
        movementRows = movements.finish();
        rows = comparison.compare();
        late.forEach(replay::apply);
      }
    }
    findings.addAll(withLeaves(connection, found));
    return new ReplayResult(
        replay.batches().size(),
        replay.events(),
        position,
        compared,
        notYetProjected,
        rows.supply(),
        rows.holdings(),
        movementRows.movements(),
        movementRows.retirements());
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
