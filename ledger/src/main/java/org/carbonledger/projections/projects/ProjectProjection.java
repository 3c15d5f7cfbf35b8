package org.carbonledger.projections.projects;

import static org.carbonledger.projections.ProjectionSql.timestamp;

import java.util.List;
import javax.sql.DataSource;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.carbonledger.projections.Projections;
import org.carbonledger.projects.ProjectEvent.BatchIssuanceRecorded;
import org.carbonledger.projects.ProjectEvent.ProjectApproved;
import org.carbonledger.projects.ProjectEvent.ProjectRegistered;
import org.carbonledger.projects.ProjectEvent.ProjectReinstated;
import org.carbonledger.projects.ProjectEvent.ProjectSuspended;
import org.carbonledger.projects.ProjectStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/** Writes {@code project_view}: one row per project, with its status and issuance so far. */
@ProcessingGroup(Projections.PROCESSING_GROUP)
public final class ProjectProjection {

  private final JdbcTemplate jdbc;

  public ProjectProjection(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @EventHandler
  public void on(ProjectRegistered event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (lastPosition(event.projectId()) != null) {
      return; // Handled before.
    }
    jdbc.update(
        "INSERT INTO project_view (project_id, name, proponent_account_id, methodology_id,"
            + " jurisdiction, district, location, status, approved_by, status_reason,"
            + " batch_count, issued_quantity, registered_at, registered_position, updated_at,"
            + " last_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0, 0, ?, ?, ?, ?)",
        event.projectId(),
        event.name(),
        event.proponentAccountId(),
        event.methodologyId(),
        event.jurisdiction(),
        event.district(),
        event.location(),
        ProjectStatus.REGISTERED.name(),
        timestamp(message.getTimestamp()),
        position,
        timestamp(message.getTimestamp()),
        position);
  }

  @EventHandler
  public void on(ProjectApproved event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (alreadyApplied(event.projectId(), position)) {
      return;
    }
    jdbc.update(
        "UPDATE project_view SET status = ?, approved_by = ?, updated_at = ?, last_position = ?"
            + " WHERE project_id = ?",
        ProjectStatus.APPROVED.name(),
        event.approvedBy(),
        timestamp(message.getTimestamp()),
        position,
        event.projectId());
  }

  @EventHandler
  public void on(ProjectSuspended event, EventMessage<?> message, TrackingToken token) {
    changeStatus(event.projectId(), ProjectStatus.SUSPENDED, event.reason(), message, token);
  }

  @EventHandler
  public void on(ProjectReinstated event, EventMessage<?> message, TrackingToken token) {
    changeStatus(event.projectId(), ProjectStatus.APPROVED, event.reason(), message, token);
  }

  @EventHandler
  public void on(BatchIssuanceRecorded event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (alreadyApplied(event.projectId(), position)) {
      return;
    }
    jdbc.update(
        "UPDATE project_view SET batch_count = batch_count + 1,"
            + " issued_quantity = issued_quantity + ?, updated_at = ?, last_position = ?"
            + " WHERE project_id = ?",
        event.quantity(),
        timestamp(message.getTimestamp()),
        position,
        event.projectId());
  }

  @ResetHandler
  public void reset() {
    Projections.emptyTables(jdbc, "project_view");
  }

  private void changeStatus(
      String projectId,
      ProjectStatus status,
      String reason,
      EventMessage<?> message,
      TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (alreadyApplied(projectId, position)) {
      return;
    }
    jdbc.update(
        "UPDATE project_view SET status = ?, status_reason = ?, updated_at = ?, last_position = ?"
            + " WHERE project_id = ?",
        status.name(),
        reason,
        timestamp(message.getTimestamp()),
        position,
        projectId);
  }

  private boolean alreadyApplied(String projectId, long position) {
    Long last = lastPosition(projectId);
    if (last == null) {
      throw new IllegalStateException("project " + projectId + " changed before it was registered");
    }
    return position <= last;
  }

  private Long lastPosition(String projectId) {
    List<Long> last =
        jdbc.queryForList(
            "SELECT last_position FROM project_view WHERE project_id = ?", Long.class, projectId);
    return last.isEmpty() ? null : last.get(0);
  }
}
