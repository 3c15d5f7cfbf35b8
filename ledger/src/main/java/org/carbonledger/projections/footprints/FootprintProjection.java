package org.carbonledger.projections.footprints;

import static org.carbonledger.projections.ProjectionSql.timestamp;

import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.carbonledger.footprints.FootprintEvent.CertificateLine;
import org.carbonledger.footprints.FootprintEvent.FootprintCovered;
import org.carbonledger.footprints.FootprintEvent.FootprintDeclared;
import org.carbonledger.footprints.FootprintEvent.FootprintNeutralised;
import org.carbonledger.projections.ProjectionSql;
import org.carbonledger.projections.Projections;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes {@code footprint_view}, {@code footprint_coverage} and {@code footprint_certificate_line}:
 * every footprint, each retirement that covers it, and its certificate once neutral.
 *
 * <p>Coverage is checked as the {@code Footprint} aggregate counts it: each covering retirement
 * adds its tonnes × 1,000 kg, and the event's total must be exactly that sum.
 */
@ProcessingGroup(Projections.PROCESSING_GROUP)
public final class FootprintProjection {

  private static final long KG_PER_TONNE = 1_000;

  private final JdbcTemplate jdbc;

  public FootprintProjection(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @EventHandler
  public void on(FootprintDeclared event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (row(event.footprintId()) != null) {
      return; // Handled before.
    }
    jdbc.update(
        "INSERT INTO footprint_view (footprint_id, organiser_account_id, kind, subject,"
            + " period_start, period_end, emissions_kg, inventory_basis, verified_by, covered_kg,"
            + " retirement_count, status, certificate_id, declared_at, declared_position,"
            + " neutralised_at, neutralised_position, certificate_event_identifier, last_position)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, NULL, ?, ?, NULL, NULL, NULL, ?)",
        event.footprintId(),
        event.organiserAccountId(),
        event.kind().name(),
        event.subject(),
        event.periodStart(),
        event.periodEnd(),
        event.emissionsKg(),
        event.inventoryBasis(),
        event.verifiedBy(),
        FootprintStatus.OPEN.name(),
        timestamp(message.getTimestamp()),
        position,
        position);
  }

  @EventHandler
  public void on(FootprintCovered event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    FootprintRow footprint = require(event.footprintId());
    if (position <= footprint.lastPosition()) {
      return; // Handled before.
    }
    if (footprint.status() == FootprintStatus.NEUTRAL) {
      throw new IllegalStateException(
          "footprint " + event.footprintId() + " was covered after it became neutral");
    }
    long expected = Math.addExact(footprint.coveredKg(), event.tonnes() * KG_PER_TONNE);
    if (event.tonnes() <= 0 || event.coveredKg() != expected) {
      throw new IllegalStateException(
          "footprint "
              + event.footprintId()
              + " had "
              + footprint.coveredKg()
              + " kg covered; "
              + event.tonnes()
              + " t more cannot make "
              + event.coveredKg()
              + " kg");
    }
    jdbc.update(
        "INSERT INTO footprint_coverage (footprint_id, global_position, batch_id, retirement_id,"
            + " tonnes, serial_numbers, covered_kg, covered_at, event_identifier)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        event.footprintId(),
        position,
        event.batchId(),
        event.retirementId(),
        event.tonnes(),
        ProjectionSql.labels(event.serialRanges()),
        event.coveredKg(),
        timestamp(message.getTimestamp()),
        message.getIdentifier());
    jdbc.update(
        "UPDATE footprint_view SET covered_kg = ?, retirement_count = retirement_count + 1,"
            + " last_position = ? WHERE footprint_id = ?",
        event.coveredKg(),
        position,
        event.footprintId());
  }

  @EventHandler
  public void on(FootprintNeutralised event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    FootprintRow footprint = require(event.footprintId());
    if (position <= footprint.lastPosition()) {
      return; // Handled before.
    }
    if (footprint.status() == FootprintStatus.NEUTRAL
        || event.coveredKg() != footprint.coveredKg()
        || event.emissionsKg() != footprint.emissionsKg()
        || event.coveredKg() < event.emissionsKg()) {
      throw new IllegalStateException(
          "footprint "
              + event.footprintId()
              + " with "
              + footprint.emissionsKg()
              + " kg emitted and "
              + footprint.coveredKg()
              + " kg covered cannot be neutralised by "
              + event);
    }
    jdbc.update(
        "UPDATE footprint_view SET status = ?, certificate_id = ?, neutralised_at = ?,"
            + " neutralised_position = ?, certificate_event_identifier = ?, last_position = ?"
            + " WHERE footprint_id = ?",
        FootprintStatus.NEUTRAL.name(),
        event.certificateId(),
        timestamp(message.getTimestamp()),
        position,
        message.getIdentifier(),
        position,
        event.footprintId());
    List<Object[]> lines = new ArrayList<>();
    int number = 0;
    for (CertificateLine line : event.retirements()) {
      lines.add(
          new Object[] {
            event.footprintId(),
            ++number,
            line.retirementId(),
            line.batchId(),
            line.tonnes(),
            ProjectionSql.labels(line.serialRanges())
          });
    }
    if (!lines.isEmpty()) {
      jdbc.batchUpdate(
          "INSERT INTO footprint_certificate_line (footprint_id, line_number, retirement_id,"
              + " batch_id, tonnes, serial_numbers) VALUES (?, ?, ?, ?, ?, ?)",
          lines);
    }
  }

  @ResetHandler
  public void reset() {
    Projections.emptyTables(
        jdbc, "footprint_certificate_line", "footprint_coverage", "footprint_view");
  }

  private FootprintRow require(String footprintId) {
    FootprintRow row = row(footprintId);
    if (row == null) {
      throw new IllegalStateException(
          "footprint " + footprintId + " changed before it was declared");
    }
    return row;
  }

  private FootprintRow row(String footprintId) {
    return jdbc
        .query(
            "SELECT emissions_kg, covered_kg, status, last_position FROM footprint_view"
                + " WHERE footprint_id = ?",
            (row, n) ->
                new FootprintRow(
                    row.getLong("emissions_kg"),
                    row.getLong("covered_kg"),
                    FootprintStatus.valueOf(row.getString("status")),
                    row.getLong("last_position")),
            footprintId)
        .stream()
        .findFirst()
        .orElse(null);
  }

  private record FootprintRow(
      long emissionsKg, long coveredKg, FootprintStatus status, long lastPosition) {}
}
