package org.carbonledger.projections.methodologies;

import static org.carbonledger.projections.ProjectionSql.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.carbonledger.methodologies.MethodologyStatus;
import org.carbonledger.projections.Cursor;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads methodologies from {@code methodology_view}. */
public final class MethodologyQueries {

  private static final String LIST = "methodologies";
  private static final String COLUMNS =
      "SELECT methodology_id, version, title, sector, quantifies, status, reviewer,"
          + " review_reference, withdrawal_reason, filed_at, filed_position, updated_at,"
          + " last_position FROM methodology_view";

  private final JdbcTemplate jdbc;

  public MethodologyQueries(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** The methodology, or empty if none has this id. */
  public Optional<MethodologyView> methodology(String methodologyId) {
    return jdbc
        .query(COLUMNS + " WHERE methodology_id = ?", MethodologyQueries::view, methodologyId)
        .stream()
        .findFirst();
  }

  /** Every methodology, by id. */
  public Page<MethodologyView> methodologies(PageRequest page) {
    String after = Cursor.decode(LIST, page.after());
    List<MethodologyView> rows =
        after == null
            ? jdbc.query(
                COLUMNS + " ORDER BY methodology_id LIMIT ?",
                MethodologyQueries::view,
                page.limit() + 1)
            : jdbc.query(
                COLUMNS + " WHERE methodology_id > ? ORDER BY methodology_id LIMIT ?",
                MethodologyQueries::view,
                after,
                page.limit() + 1);
    return Page.of(rows, page.limit(), view -> Cursor.encode(LIST, view.methodologyId()));
  }

  private static MethodologyView view(ResultSet row, int number) throws SQLException {
    return new MethodologyView(
        row.getString("methodology_id"),
        row.getString("version"),
        row.getString("title"),
        row.getString("sector"),
        row.getString("quantifies"),
        MethodologyStatus.valueOf(row.getString("status")),
        row.getString("reviewer"),
        row.getString("review_reference"),
        row.getString("withdrawal_reason"),
        instant(row, "filed_at"),
        row.getLong("filed_position"),
        instant(row, "updated_at"),
        row.getLong("last_position"));
  }
}
