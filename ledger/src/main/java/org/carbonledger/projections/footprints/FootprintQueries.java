package org.carbonledger.projections.footprints;

import static org.carbonledger.projections.ProjectionSql.date;
import static org.carbonledger.projections.ProjectionSql.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.carbonledger.footprints.FootprintKind;
import org.carbonledger.projections.Cursor;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.ProjectionSql;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads footprints, their coverage and certificates. */
public final class FootprintQueries {

  private static final String FOOTPRINTS = "footprints";
  private static final String COVERAGE = "coverage";
  private static final String COLUMNS =
      "SELECT footprint_id, organiser_account_id, kind, subject, period_start, period_end,"
          + " emissions_kg, inventory_basis, verified_by, covered_kg, retirement_count, status,"
          + " certificate_id, declared_at, declared_position, neutralised_at,"
          + " neutralised_position, certificate_event_identifier, last_position"
          + " FROM footprint_view";

  private final JdbcTemplate jdbc;

  public FootprintQueries(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** The footprint, or empty if none has this id. */
  public Optional<FootprintView> footprint(String footprintId) {
    return jdbc
        .query(COLUMNS + " WHERE footprint_id = ?", FootprintQueries::view, footprintId)
        .stream()
        .findFirst();
  }

  /**
   * Every footprint, or those of one organiser's account, by id.
   *
   * @param organiserAccountId the declaring account, or null for all
   */
  public Page<FootprintView> footprints(String organiserAccountId, PageRequest page) {
    String after = Cursor.decode(FOOTPRINTS, page.after());
    StringBuilder sql = new StringBuilder(COLUMNS).append(" WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (organiserAccountId != null) {
      sql.append(" AND organiser_account_id = ?");
      args.add(organiserAccountId);
    }
    if (after != null) {
      sql.append(" AND footprint_id > ?");
      args.add(after);
    }
    sql.append(" ORDER BY footprint_id LIMIT ?");
    args.add(page.limit() + 1);
    List<FootprintView> rows = jdbc.query(sql.toString(), FootprintQueries::view, args.toArray());
    return Page.of(rows, page.limit(), view -> Cursor.encode(FOOTPRINTS, view.footprintId()));
  }

  /** The retirements that cover a footprint, in the order they did; empty for an unknown one. */
  public Page<CoverageView> coverage(String footprintId, PageRequest page) {
    long after = Cursor.decodeLong(COVERAGE, page.after(), ProjectionProgress.NOTHING);
    List<CoverageView> rows =
        jdbc.query(
            "SELECT footprint_id, global_position, batch_id, retirement_id, tonnes,"
                + " serial_numbers, covered_kg, covered_at, event_identifier"
                + " FROM footprint_coverage WHERE footprint_id = ? AND global_position > ?"
                + " ORDER BY global_position LIMIT ?",
            (row, n) ->
                new CoverageView(
                    row.getString("footprint_id"),
                    row.getString("batch_id"),
                    row.getString("retirement_id"),
                    row.getLong("tonnes"),
                    ProjectionSql.labels(row.getString("serial_numbers")),
                    row.getLong("covered_kg"),
                    instant(row, "covered_at"),
                    row.getLong("global_position"),
                    row.getString("event_identifier")),
            footprintId,
            after,
            page.limit() + 1);
    return Page.of(rows, page.limit(), view -> Cursor.encode(COVERAGE, view.position()));
  }

  /** The certificate of neutrality, or empty while the footprint is open or unknown. */
  public Optional<CertificateView> certificate(String footprintId) {
    Optional<FootprintView> footprint = footprint(footprintId);
    if (footprint.isEmpty() || footprint.get().status() != FootprintStatus.NEUTRAL) {
      return Optional.empty();
    }
    FootprintView neutral = footprint.get();
    List<CertificateLineView> lines =
        jdbc.query(
            "SELECT line_number, retirement_id, batch_id, tonnes, serial_numbers"
                + " FROM footprint_certificate_line WHERE footprint_id = ? ORDER BY line_number",
            (row, n) ->
                new CertificateLineView(
                    row.getInt("line_number"),
                    row.getString("retirement_id"),
                    row.getString("batch_id"),
                    row.getLong("tonnes"),
                    ProjectionSql.labels(row.getString("serial_numbers"))),
            footprintId);
    String eventIdentifier =
        jdbc.queryForObject(
            "SELECT certificate_event_identifier FROM footprint_view WHERE footprint_id = ?",
            String.class,
            footprintId);
    return Optional.of(
        new CertificateView(
            neutral.footprintId(),
            neutral.certificateId(),
            neutral.organiserAccountId(),
            neutral.subject(),
            neutral.emissionsKg(),
            neutral.coveredKg(),
            neutral.neutralisedAt(),
            neutral.neutralisedPosition(),
            eventIdentifier,
            lines));
  }

  private static FootprintView view(ResultSet row, int number) throws SQLException {
    long emissions = row.getLong("emissions_kg");
    long covered = row.getLong("covered_kg");
    return new FootprintView(
        row.getString("footprint_id"),
        row.getString("organiser_account_id"),
        FootprintKind.valueOf(row.getString("kind")),
        row.getString("subject"),
        date(row, "period_start"),
        date(row, "period_end"),
        emissions,
        row.getString("inventory_basis"),
        row.getString("verified_by"),
        covered,
        Math.max(0, emissions - covered),
        row.getInt("retirement_count"),
        FootprintStatus.valueOf(row.getString("status")),
        row.getString("certificate_id"),
        instant(row, "declared_at"),
        row.getLong("declared_position"),
        instant(row, "neutralised_at"),
        ProjectionSql.nullableLong(row, "neutralised_position"),
        row.getLong("last_position"));
  }
}
