package org.carbonledger.projections.methodologies;

import static org.carbonledger.projections.ProjectionSql.timestamp;

import java.util.List;
import javax.sql.DataSource;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyApproved;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyFiled;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyWithdrawn;
import org.carbonledger.methodologies.MethodologyStatus;
import org.carbonledger.projections.Projections;
import org.springframework.jdbc.core.JdbcTemplate;

/** Writes {@code methodology_view}: one row per methodology, with its status. */
@ProcessingGroup(Projections.PROCESSING_GROUP)
public final class MethodologyProjection {

  private final JdbcTemplate jdbc;

  public MethodologyProjection(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @EventHandler
  public void on(MethodologyFiled event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (lastPosition(event.methodologyId()) != null) {
      return; // Handled before.
    }
    jdbc.update(
        "INSERT INTO methodology_view (methodology_id, version, title, sector, quantifies, status,"
            + " reviewer, review_reference, withdrawal_reason, filed_at, filed_position,"
            + " updated_at, last_position) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, ?)",
        event.methodologyId(),
        event.version(),
        event.title(),
        event.sector(),
        event.quantifies(),
        MethodologyStatus.FILED.name(),
        timestamp(message.getTimestamp()),
        position,
        timestamp(message.getTimestamp()),
        position);
  }

  @EventHandler
  public void on(MethodologyApproved event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (alreadyApplied(event.methodologyId(), position)) {
      return;
    }
    jdbc.update(
        "UPDATE methodology_view SET status = ?, reviewer = ?, review_reference = ?,"
            + " updated_at = ?, last_position = ? WHERE methodology_id = ?",
        MethodologyStatus.APPROVED.name(),
        event.reviewer(),
        event.reviewReference(),
        timestamp(message.getTimestamp()),
        position,
        event.methodologyId());
  }

  @EventHandler
  public void on(MethodologyWithdrawn event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (alreadyApplied(event.methodologyId(), position)) {
      return;
    }
    jdbc.update(
        "UPDATE methodology_view SET status = ?, withdrawal_reason = ?, updated_at = ?,"
            + " last_position = ? WHERE methodology_id = ?",
        MethodologyStatus.WITHDRAWN.name(),
        event.reason(),
        timestamp(message.getTimestamp()),
        position,
        event.methodologyId());
  }

  @ResetHandler
  public void reset() {
    Projections.emptyTables(jdbc, "methodology_view");
  }

  private boolean alreadyApplied(String methodologyId, long position) {
    Long last = lastPosition(methodologyId);
    if (last == null) {
      throw new IllegalStateException(
          "methodology " + methodologyId + " changed before it was filed");
    }
    return position <= last;
  }

  private Long lastPosition(String methodologyId) {
    List<Long> last =
        jdbc.queryForList(
            "SELECT last_position FROM methodology_view WHERE methodology_id = ?",
            Long.class,
            methodologyId);
    return last.isEmpty() ? null : last.get(0);
  }
}
