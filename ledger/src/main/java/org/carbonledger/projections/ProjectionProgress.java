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
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How far the projections have got: the highest global position the {@value
 * Projections#PROCESSING_GROUP} processor has handled, written in the same transaction as the rows
 * that event produced. A read that must see a write waits until {@link #position()} reaches the
 * position of the write's event (read-your-writes).
 *
 * <p>It handles every event, whatever its type, and writes the position once per processor batch,
 * just before the batch commits.
 */
@ProcessingGroup(Projections.PROCESSING_GROUP)
public final class ProjectionProgress {

  /** The position before any event has been handled. */
  public static final long NOTHING = -1;

  private static final String PENDING = ProjectionProgress.class.getName() + ".pending";

  private final JdbcTemplate jdbc;

  public ProjectionProgress(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @EventHandler(payloadType = Object.class)
  public void on(EventMessage<?> event, TrackingToken token) {
    long position = Projections.position(token);
    // Every event passes here, so the projections can tell each event's own position.
    Projections.observe(token, jdbc);
    if (!CurrentUnitOfWork.isStarted()) {
      record(position);
      return;
    }
    UnitOfWork<?> unit = CurrentUnitOfWork.get();
    long[] highest =
        unit.getOrComputeResource(
            PENDING,
            key -> {
              long[] pending = {NOTHING};
              unit.onPrepareCommit(u -> record(pending[0]));
              return pending;
            });
    highest[0] = Math.max(highest[0], position);
  }

  private void record(long position) {
    int updated =
        jdbc.update(
            "UPDATE projection_position SET last_position = ?"
                + " WHERE processor_name = ? AND last_position < ?",
            position,
            Projections.PROCESSING_GROUP,
            position);
    if (updated == 0 && position() == NOTHING) {
      jdbc.update(
          "INSERT INTO projection_position (processor_name, last_position) VALUES (?, ?)",
          Projections.PROCESSING_GROUP,
          position);
    }
  }

  @ResetHandler
  public void reset() {
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
