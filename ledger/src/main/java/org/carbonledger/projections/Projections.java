package org.carbonledger.projections;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.carbonledger.store.DatabaseKind;
import org.carbonledger.store.LedgerTables;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The projections (read models) of the ledger: tables in the ledger's database, written by one
 * tracking event processor, {@value #PROCESSING_GROUP}, with a single segment, so that events of
 * all aggregates arrive one at a time in global order. A reset of the processor clears every table
 * ({@code @ResetHandler}); a replay then writes the same rows again. See
 * docs/spec/04-projections.md.
 */
public final class Projections {

  /** The processing group, and so the tracking event processor, of every projection. */
  public static final String PROCESSING_GROUP = "projections";

  /** Every table the projections write, as created by {@code V4__projections.sql}. */
  public static final List<String> TABLES =
      List.of(
          "projection_position",
          "account_view",
          "methodology_view",
          "project_view",
          "batch_supply",
          "holding_block",
          "account_movement",
          "retirement_register",
          "footprint_view",
          "footprint_coverage",
          "footprint_certificate_line");

  private Projections() {}

  /**
   * Empties projection tables for a replay, in the caller's transaction. On PostgreSQL with {@code
   * TRUNCATE}: a {@code DELETE} left every old row behind as a dead tuple in the tables and their
   * indexes, and the replay that followed paid for them, twice the database CPU per event (a warm
   * replay of 100,000 events in {@code bench/replay.sh}: 5,450 to 5,495 events/s after {@code
   * DELETE}, 7,977 to 8,083 after {@code TRUNCATE}). PostgreSQL's {@code TRUNCATE} is
   * transactional; it holds an exclusive lock on the tables until the reset commits, so reads of
   * them wait that long. Elsewhere (H2, whose {@code TRUNCATE} commits the open transaction) with
   * {@code DELETE}.
   *
   * @param tables names of projection tables, none referenced by a foreign key
   */
  public static void emptyTables(JdbcTemplate jdbc, String... tables) {
    boolean postgres = jdbc.execute((ConnectionCallback<Boolean>) DatabaseKind::isPostgres);
    if (postgres) {
      jdbc.execute("TRUNCATE TABLE " + String.join(", ", tables));
      return;
    }
    for (String table : tables) {
      jdbc.update("DELETE FROM " + table);
    }
  }

  /**
   * The highest global position a tracking token has reached (its {@code position()}), which is the
   * projections' progress. It is not always the position of the event the token was delivered with:
   * see {@link #eventPosition}.
   *
   * @throws IllegalStateException without a token or position: projections only run in a streaming
   *     processor
   */
  public static long position(TrackingToken token) {
    if (token == null) {
      throw new IllegalStateException(
          "projections need the event's tracking token; run them in a streaming processor");
    }
    return token
        .position()
        .orElseThrow(
            () -> new IllegalStateException("tracking token " + token + " has no position"));
  }

  /** Per processor thread and database: the last token seen and the position of its event. */
  private static final ThreadLocal<Map<DataSource, Seen>> SEEN =
      ThreadLocal.withInitial(HashMap::new);

  private record Seen(TrackingToken token, long position) {}

  /**
   * The global position (the {@code global_index} in the event store) of the event being handled,
   * which keys the rows a projection writes and which the regulator's verifier compares with.
   *
   * <p>A {@code GapAwareTrackingToken}'s position is the highest index it has seen, so for an event
   * that fills a gap (it committed after a later event had already been read) the token's position
   * is the later event's. Keying rows by it gave two events one position, a duplicate key, and a
   * processor stuck retrying for good. This method works out the event's own position from the
   * token before it: the index advanced and no gap closed, so the event is the new highest; or the
   * index stayed and exactly one gap closed, so the event is that gap. Anything else (the first
   * event a thread sees, a gap dropped from the token's window) is looked up by the event's
   * identifier.
   *
   * <p>Every event must pass through here (or through {@link #observe}), so that the token before
   * the next one is known: {@link ProjectionProgress} handles every event and observes it.
   *
   * @param token the token the event was delivered with
   * @param jdbc the projection's database access, for the lookup
   */
  public static long eventPosition(TrackingToken token, JdbcTemplate jdbc) {
    long highest = position(token);
    DataSource database = jdbc.getDataSource();
    Map<DataSource, Seen> seen = SEEN.get();
    Seen before = seen.get(database);
    if (before != null && before.token().equals(token)) {
      return before.position();
    }
    long own = inferred(unwrap(token), before == null ? null : unwrap(before.token()), highest);
    if (own < 0) {
      own = lookUp(jdbc, highest);
    }
    seen.put(database, new Seen(token, own));
    return own;
  }

  /** Records the token of an event handled without writing rows, for the next inference. */
  public static void observe(TrackingToken token, JdbcTemplate jdbc) {
    eventPosition(token, jdbc);
  }

  /** The event's own position from the token before it, or -1 if it cannot be told. */
  private static long inferred(TrackingToken now, TrackingToken before, long highest) {
    if (!(now instanceof GapAwareTrackingToken current)) {
      // A plain global sequence token advances to every event's own index.
      return now instanceof GlobalSequenceTrackingToken ? highest : -1;
    }
    if (!(before instanceof GapAwareTrackingToken previous)) {
      return -1;
    }
    Set<Long> closed = new TreeSet<>(previous.getGaps());
    closed.removeAll(current.getGaps());
    if (closed.isEmpty() && current.getIndex() > previous.getIndex()) {
      return current.getIndex();
    }
    if (closed.size() == 1 && current.getIndex() == previous.getIndex()) {
      return closed.iterator().next();
    }
    return -1;
  }

  private static TrackingToken unwrap(TrackingToken token) {
    return token instanceof ReplayToken replay ? replay.getCurrentToken() : token;
  }

  /**
   * Looks the event up by its identifier, which the processor's unit of work knows; without one (a
   * handler called directly, as in some tests) the token's position is the best there is.
   */
  private static long lookUp(JdbcTemplate jdbc, long highest) {
    if (!CurrentUnitOfWork.isStarted()) {
      return highest;
    }
    String identifier = CurrentUnitOfWork.get().getMessage().getIdentifier();
    List<Long> found =
        jdbc.queryForList(
            "SELECT global_index FROM "
                + LedgerTables.DOMAIN_EVENTS
                + " WHERE event_identifier = ?",
            Long.class,
            identifier);
    return found.isEmpty() ? highest : found.get(0);
  }
}
