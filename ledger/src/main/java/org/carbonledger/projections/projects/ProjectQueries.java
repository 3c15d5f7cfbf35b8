package org.carbonledger.projections.projects;

import static org.carbonledger.projections.ProjectionSql.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.carbonledger.projections.Cursor;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projects.ProjectStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads projects from {@code project_view}. */
public final class ProjectQueries {

  private static final String LIST = "projects";
  private static final String COLUMNS =
      "SELECT project_id, name, proponent_account_id, methodology_id, jurisdiction, district,"
          + " location, status, approved_by, status_reason, batch_count, issued_quantity,"
          + " registered_at, registered_position, updated_at, last_position FROM project_view";

  private final JdbcTemplate jdbc;

  public ProjectQueries(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** The project, or empty if none has this id. */
  public Optional<ProjectView> project(String projectId) {
    return jdbc.query(COLUMNS + " WHERE project_id = ?", ProjectQueries::view, projectId).stream()
        .findFirst();
  }

  /** Every project, by id. */
  public Page<ProjectView> projects(PageRequest page) {
    String after = Cursor.decode(LIST, page.after());
    List<ProjectView> rows =
        after == null
            ? jdbc.query(
                COLUMNS + " ORDER BY project_id LIMIT ?", ProjectQueries::view, page.limit() + 1)
            : jdbc.query(
                COLUMNS + " WHERE project_id > ? ORDER BY project_id LIMIT ?",
                ProjectQueries::view,
                after,
                page.limit() + 1);
    return Page.of(rows, page.limit(), view -> Cursor.encode(LIST, view.projectId()));
  }

  private static ProjectView view(ResultSet row, int number) throws SQLException {
    return new ProjectView(
        row.getString("project_id"),
        row.getString("name"),
        row.getString("proponent_account_id"),
        row.getString("methodology_id"),
        row.getString("jurisdiction"),
        row.getString("district"),
        row.getString("location"),
        ProjectStatus.valueOf(row.getString("status")),
        row.getString("approved_by"),
        row.getString("status_reason"),
        row.getInt("batch_count"),
        row.getLong("issued_quantity"),
        instant(row, "registered_at"),
        row.getLong("registered_position"),
        instant(row, "updated_at"),
        row.getLong("last_position"));
  }
}
