package org.carbonledger.projections;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.carbonledger.store.DatabaseKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How far the projections have got: the highest global position the {@value
 * Projections#PROCESSING_GROUP} processor has handled, written in the same transaction as the rows
 * that event produced. A read that must see a write waits until {@link #position()} reaches the
 * position of the write's event (read-your-writes).
 *
 * <p>It handles every event, whatever its type, and writes the position once per processor batch,
 * just before the batch commits.
 *
 * <p>On PostgreSQL it also makes each batch's commit asynchronous ({@code synchronous_commit} off
 * for that transaction only, ADR 0010): the read models and the processor's token are derived from
 * the event store and commit together, so a commit the database loses is projected again. Because a
 * database that restarts under a running service would otherwise let the processor carry on from
 * its in-memory token past the lost batches, each batch checks that the stored position has not
 * fallen behind the last one this node saw committed, and fails if it has: the processor then
 * retries from the token the database kept.
 *
 * <p>On PostgreSQL it also suspends the secondary indexes of the append-only tables while a replay
 * rebuilds them ({@link SuspendedIndexes}, ADR 0015): its reset drops them, and once a processor
 * batch that reaches the position the projections had at the reset has committed, the processor
 * thread builds them again before it takes the next batch. It handles every event, so it sees that
 * batch whichever events it holds.
 */
@ProcessingGroup(Projections.PROCESSING_GROUP)
public final class ProjectionProgress {

  /** The position before any event has been handled. */
  public static final long NOTHING = -1;

  private static final Logger log = LoggerFactory.getLogger(ProjectionProgress.class);

  private static final String PENDING = ProjectionProgress.class.getName() + ".pending";

  /** What {@link #record} answers when no index is suspended, or the database has none. */
  private static final long NO_INDEX_SUSPENDED = Long.MAX_VALUE;

  private final JdbcTemplate jdbc;

  private final DatabaseKind database;

  /**
   * The highest position this node has seen committed, or {@link #NOTHING} when it does not know
   * one (at start, after a reset, after lost commits were found). The stored position may be higher
   * (another node held the processor meanwhile), never lower.
   */
  private volatile long committed = NOTHING;

  public ProjectionProgress(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.database = new DatabaseKind(dataSource::getConnection);
  }

  @EventHandler(payloadType = Object.class)
  public void on(EventMessage<?> event, TrackingToken token) {
    long position = Projections.position(token);
    // Every event passes here, so the projections can tell each event's own position.
    Projections.observe(token, jdbc);
    if (!CurrentUnitOfWork.isStarted()) {
      long rebuildAt = record(position);
      committed = Math.max(committed, position);
      if (position >= rebuildAt) {
        buildSuspendedIndexes(position);
      }
      return;
    }
    UnitOfWork<?> unit = CurrentUnitOfWork.get();
    Batch batch =
        unit.getOrComputeResource(
            PENDING,
            key -> {
              commitAsynchronously();
              Batch pending = new Batch();
              unit.onPrepareCommit(u -> pending.rebuildAt = record(pending.highest));
              unit.afterCommit(
                  u -> {
                    committed = Math.max(committed, pending.highest);
                    if (pending.highest >= pending.rebuildAt) {
                      buildSuspendedIndexes(pending.highest);
                    }
                  });
              return pending;
            });
    batch.highest = Math.max(batch.highest, position);
  }

  /** A processor batch: its highest position, and where suspended indexes are to be built. */
  private static final class Batch {
    long highest = NOTHING;
    long rebuildAt = NO_INDEX_SUSPENDED;
  }

  /**
   * Builds the indexes a replay suspended (ADR 0015) if the projections have caught up with the
   * position they had reached at the reset. The processor thread does so after a batch that reached
   * it has committed, and the service asks every few seconds, for a ledger that went quiet or a
   * build that failed. Does nothing except on PostgreSQL, or when nothing is suspended.
   *
   * <p>Why after the commit, each statement on its own: a build is not part of any batch's rows,
   * and on a large ledger it takes a while (an index over ten million movements, tens of seconds).
   * A build that fails is logged and tried again at the next batch or check; until then queries
   * that would use the index are slower, not wrong.
   *
   * <p>Why a position and not the end of the replay: Axon counts events as replayed until one
   * arrives that was not there at the reset, which on a quiet ledger may be long after the rebuild.
   */
  public void buildSuspendedIndexes() {
    if (database.isPostgres()) {
      buildSuspendedIndexes(position());
    }
  }

  private void buildSuspendedIndexes(long position) {
    try {
      int built = SuspendedIndexes.restore(jdbc, position);
      if (built > 0) {
        log.info("built {} projection indexes again after the replay", built);
      }
    } catch (DataAccessException e) {
      log.warn("could not build the projections' suspended indexes; trying again later", e);
    }
  }

  /**
   * Lets PostgreSQL acknowledge this processor batch's commit before its WAL reaches the disk,
   * which saves each small batch under load an fsync that the commands' own commits wait behind.
   * The setting is local to the transaction the processor opened for the batch; commands stay fully
   * durable. Nothing is lost that cannot be projected again: the rows and the processor's token
   * commit together, and {@link #record} notices a database that lost commits while the service
   * ran.
   */
  private void commitAsynchronously() {
    jdbc.execute(
        (ConnectionCallback<Void>)
            connection -> {
              database.commitAsynchronously(connection);
              return null;
            });
  }

  /**
   * Moves the stored position forward to {@code position}, and says where the indexes a replay
   * suspended are to be built again. On PostgreSQL the one statement that moves the position also
   * reads that, so that every batch learns it, whichever node suspended them, for next to nothing.
   *
   * @return the lowest position at which a suspended index is to be built, or {@link
   *     #NO_INDEX_SUSPENDED}
   * @throws IllegalStateException if the stored position is behind the last one this node saw
   *     committed: the database lost asynchronous commits (it restarted), and the batch must fail
   *     so that the processor projects the lost events again from the token the database kept
   */
  private long record(long position) {
    String move =
        "UPDATE projection_position SET last_position = ?"
            + " WHERE processor_name = ? AND last_position < ? AND last_position >= ?";
    Object[] arguments = {position, Projections.PROCESSING_GROUP, position, committed};
    if (database.isPostgres()) {
      List<Long> moved =
          jdbc.query(
              move + " RETURNING (SELECT min(rebuild_to) FROM projection_suspended_index)",
              (row, number) -> {
                long rebuildAt = row.getLong(1);
                return row.wasNull() ? NO_INDEX_SUSPENDED : rebuildAt;
              },
              arguments);
      if (!moved.isEmpty()) {
        return moved.get(0);
      }
    } else if (jdbc.update(move, arguments) == 1) {
      return NO_INDEX_SUSPENDED;
    }
    long stored = position();
    // Checked before the row is created: a lost commit can take the row itself with it (NOTHING is
    // below every committed position).
    if (stored < committed) {
      long lost = committed;
      // Forgotten, so that the retry from the stored token, which starts behind it, can record.
      committed = NOTHING;
      throw new IllegalStateException(
          "the stored projection position "
              + stored
              + " is behind "
              + lost
              + ", which this node saw committed: the database lost commits (it restarted) or"
              + " another node reset the projections; projecting again from the stored token");
    }
    if (stored == NOTHING) {
      jdbc.update(
          "INSERT INTO projection_position (processor_name, last_position) VALUES (?, ?)",
          Projections.PROCESSING_GROUP,
          position);
    }
    if (!database.isPostgres()) {
      return NO_INDEX_SUSPENDED;
    }
    Long rebuildAt =
        jdbc.queryForObject("SELECT min(rebuild_to) FROM projection_suspended_index", Long.class);
    return rebuildAt == null ? NO_INDEX_SUSPENDED : rebuildAt;
  }

  /**
   * Whether the stored position is behind the last one this node saw committed: the database lost
   * commits (or another node reset the projections). A processor that receives no new events would
   * not notice on its own; the service asks this periodically and makes the processor start again
   * from the token the database kept.
   */
  public boolean behindWhatCommitted() {
    long seen = committed;
    return seen != NOTHING && position() < seen;
  }

  @ResetHandler
  public void reset() {
    // Forgotten first, so that the deleted row never looks like a lost commit.
    committed = NOTHING;
    if (database.isPostgres()) {
      // How far the replay must go before the indexes are built again: as far as the projections
      // had got, which is where Axon's replay ends too.
      SuspendedIndexes.suspend(jdbc, SuspendedIndexes.APPEND_ONLY_TABLES, position());
    }
    jdbc.update("DELETE FROM projection_position");
  }

  /** The highest global position handled, or {@link #NOTHING}. */
  public long position() {
    List<Long> positions =
        jdbc.queryForList(
            "SELECT last_position FROM projection_position WHERE processor_name = ?",
            Long.class,
            Projections.PROCESSING_GROUP);
    return positions.isEmpty() ? NOTHING : positions.get(0);
  }

  /**
   * Waits until the projections have handled the event at {@code position}, polling every few
   * milliseconds.
   *
   * @return whether they had, before {@code timeout} passed
   */
  public boolean awaitPosition(long position, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 2;
    while (position() < position) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(pause);
      pause = Math.min(pause * 2, 50);
    }
    return true;
  }
}
