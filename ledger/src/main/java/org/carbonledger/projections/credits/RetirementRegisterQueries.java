package org.carbonledger.projections.credits;

import static org.carbonledger.projections.ProjectionSql.date;
import static org.carbonledger.projections.ProjectionSql.instant;
import static org.carbonledger.projections.ProjectionSql.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.projections.Cursor;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.ProjectionSql;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads the public retirement register, {@code retirement_register}. */
public final class RetirementRegisterQueries {

  private static final String LIST = "register";
  private static final String COLUMNS =
      "SELECT global_position, batch_id, retirement_id, project_id, vintage_start, vintage_end,"
          + " account_id, quantity, serial_blocks, serial_numbers, beneficiary, reason, details,"
          + " purpose, consumption_period_start, consumption_period_end, jurisdiction_of_use,"
          + " footprint_id, retired_at, event_identifier FROM retirement_register";

  private final JdbcTemplate jdbc;

  public RetirementRegisterQueries(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** A retirement by its batch and retirement id, or empty if there is none. */
  public Optional<RetirementView> retirement(String batchId, String retirementId) {
    return jdbc
        .query(
            COLUMNS + " WHERE batch_id = ? AND retirement_id = ?",
            RetirementRegisterQueries::view,
            batchId,
            retirementId)
        .stream()
        .findFirst();
  }

  /** A retirement by the identifier of its {@code CreditsRetired} event, or empty. */
  public Optional<RetirementView> retirementByEvent(String eventIdentifier) {
    return jdbc
        .query(
            COLUMNS + " WHERE event_identifier = ?",
            RetirementRegisterQueries::view,
            eventIdentifier)
        .stream()
        .findFirst();
  }

  /** The retirements that match {@code filter}, oldest first (by global position). */
  public Page<RetirementView> register(RegisterFilter filter, PageRequest page) {
    long after = Cursor.decodeLong(LIST, page.after(), ProjectionProgress.NOTHING);
    StringBuilder sql = new StringBuilder(COLUMNS).append(" WHERE global_position > ?");
    List<Object> args = new ArrayList<>(List.of(after));
    if (filter.beneficiary() != null) {
      sql.append(" AND LOWER(beneficiary) LIKE ? ESCAPE '!'");
      args.add("%" + likeEscaped(filter.beneficiary().toLowerCase(Locale.ROOT)) + "%");
    }
    if (filter.purpose() != null) {
      sql.append(" AND purpose = ?");
      args.add(filter.purpose().name());
    }
    if (filter.projectId() != null) {
      sql.append(" AND project_id = ?");
      args.add(filter.projectId());
    }
    if (filter.vintageYear() != null) {
      sql.append(" AND vintage_start <= ? AND vintage_end >= ?");
      args.add(LocalDate.of(filter.vintageYear(), 12, 31));
      args.add(LocalDate.of(filter.vintageYear(), 1, 1));
    }
    if (filter.retiredFrom() != null) {
      sql.append(" AND retired_at >= ?");
      args.add(timestamp(filter.retiredFrom()));
    }
    if (filter.retiredBefore() != null) {
      sql.append(" AND retired_at < ?");
      args.add(timestamp(filter.retiredBefore()));
    }
    sql.append(" ORDER BY global_position LIMIT ?");
    args.add(page.limit() + 1);
    List<RetirementView> rows =
        jdbc.query(sql.toString(), RetirementRegisterQueries::view, args.toArray());
    return Page.of(rows, page.limit(), view -> Cursor.encode(LIST, view.position()));
  }

  /** Text to find literally inside a LIKE pattern whose escape character is '!'. */
  private static String likeEscaped(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private static RetirementView view(ResultSet row, int number) throws SQLException {
    return new RetirementView(
        row.getString("batch_id"),
        row.getString("retirement_id"),
        row.getString("project_id"),
        date(row, "vintage_start"),
        date(row, "vintage_end"),
        row.getString("account_id"),
        row.getLong("quantity"),
        ProjectionSql.blocks(row.getString("serial_blocks")),
        ProjectionSql.labels(row.getString("serial_numbers")),
        row.getString("beneficiary"),
        row.getString("reason"),
        row.getString("details"),
        RetirementPurpose.valueOf(row.getString("purpose")),
        date(row, "consumption_period_start"),
        date(row, "consumption_period_end"),
        row.getString("jurisdiction_of_use"),
        row.getString("footprint_id"),
        instant(row, "retired_at"),
        row.getString("event_identifier"),
        row.getLong("global_position"));
  }
}
