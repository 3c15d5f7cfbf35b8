package org.carbonledger.audit.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.carbonledger.audit.replay.BatchChange.Issued;
import org.carbonledger.audit.replay.BatchState.Held;
import org.carbonledger.audit.verify.Finding;

/**
 * Compares the replayed batches with {@code batch_supply} and {@code holding_block} row by row
 * (docs/spec/04-projections.md §4.2.5 and §4.2.6): a row the replay expects but the table lacks, a
 * row the table has but the replay does not expect, and a row whose values differ.
 *
 * <p>Both tables are streamed in key order and each row is looked up in the replay's state, so the
 * comparison holds no more than that state.
 */
final class ProjectionComparison {

  static final String BATCH_SUPPLY = "batch_supply";
  static final String HOLDING_BLOCK = "holding_block";

  /** Rows read from each table. */
  record Rows(long supply, long holdings) {}

  private final Connection connection;
  private final CreditReplay replay;
  private final Consumer<Finding> findings;

  ProjectionComparison(Connection connection, CreditReplay replay, Consumer<Finding> findings) {
    this.connection = connection;
    this.replay = replay;
    this.findings = findings;
  }

  Rows compare() throws SQLException {
    long supply = compareSupply();
    long holdings = compareHoldings();
    return new Rows(supply, holdings);
  }

  // --- batch_supply ---------------------------------------------------------------------------

  private long compareSupply() throws SQLException {
    long rows = 0;
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT batch_id, project_id, batch_sequence, vintage_start, vintage_end,"
                + " verification_report_id, verifier, serial_prefix, first_serial, last_serial,"
                + " issued_to_account_id, issued, tradable, retired, cancelled, issued_at,"
                + " issued_position, event_identifier, last_position"
                + " FROM batch_supply ORDER BY batch_id")) {
      query.setFetchSize(ProjectionCheck.FETCH_SIZE);
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          rows++;
          String batchId = row.getString(1);
          BatchState batch = replay.batch(batchId);
          if (batch == null) {
            findings.accept(
                finding(
                    ProjectionCheck.PROJECTION_ROW_UNEXPECTED,
                    batchId,
                    BATCH_SUPPLY,
                    supplyRow(batchId),
                    "the table has batch "
                        + batchId
                        + " but no BatchIssued up to the projections' position issues it"));
            continue;
          }
          batch.supplyCompared = true;
          List<String> differences = new ArrayList<>();
          Issued issued = batch.issued;
          differ(differences, "project_id", row.getString(2), issued.projectId());
          differ(differences, "batch_sequence", row.getInt(3), issued.batchSequence());
          differ(
              differences,
              "vintage_start",
              row.getObject(4, LocalDate.class),
              issued.vintageStart());
          differ(
              differences, "vintage_end", row.getObject(5, LocalDate.class), issued.vintageEnd());
          differ(
              differences,
              "verification_report_id",
              row.getString(6),
              issued.verificationReportId());
          differ(differences, "verifier", row.getString(7), issued.verifier());
          differ(differences, "serial_prefix", row.getString(8), issued.serialPrefix());
          differ(differences, "first_serial", row.getLong(9), batch.firstSerial());
          differ(differences, "last_serial", row.getLong(10), batch.lastSerial());
          differ(differences, "issued_to_account_id", row.getString(11), issued.accountId());
          differ(differences, "issued", row.getLong(12), batch.issuedCount());
          differ(differences, "tradable", row.getLong(13), batch.tradable());
          differ(differences, "retired", row.getLong(14), batch.retired);
          differ(differences, "cancelled", row.getLong(15), batch.cancelled);
          OffsetDateTime issuedAt = row.getObject(16, OffsetDateTime.class);
          differ(
              differences,
              "issued_at",
              issuedAt == null ? null : issuedAt.toInstant(),
              batch.issuedAt);
          differ(differences, "issued_position", row.getLong(17), batch.issuedPosition);
          differ(differences, "event_identifier", row.getString(18), batch.eventIdentifier);
          differ(differences, "last_position", row.getLong(19), batch.lastPosition);
          if (!differences.isEmpty()) {
            findings.accept(
                finding(
                    ProjectionCheck.PROJECTION_ROW_DIFFERS,
                    batchId,
                    BATCH_SUPPLY,
                    supplyRow(batchId),
                    "the table differs from the replay: " + String.join("; ", differences)));
          }
        }
      }
    }
    List<BatchState> missing = new ArrayList<>();
    for (BatchState batch : replay.batches()) {
      if (!batch.supplyCompared) {
        missing.add(batch);
      }
    }
    missing.sort(Comparator.comparing(batch -> batch.issued.batchId()));
    for (BatchState batch : missing) {
      String batchId = batch.issued.batchId();
      findings.accept(
          finding(
              ProjectionCheck.PROJECTION_ROW_MISSING,
              batchId,
              BATCH_SUPPLY,
              supplyRow(batchId),
              "the replay has batch "
                  + batchId
                  + " (issued "
                  + batch.issuedCount()
                  + ", tradable "
                  + batch.tradable()
                  + ", retired "
                  + batch.retired
                  + ", cancelled "
                  + batch.cancelled
                  + ") but the table has no row for it"));
    }
    return rows;
  }

  static void differ(List<String> differences, String column, Object table, Object replay) {
    if (!Objects.equals(table, replay)) {
      differences.add(column + " is " + table + ", the replay gives " + replay);
    }
  }

  private static String supplyRow(String batchId) {
    return "batch_id=" + batchId;
  }

  // --- holding_block --------------------------------------------------------------------------

  private long compareHoldings() throws SQLException {
    long rows = 0;
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT batch_id, first_serial, last_serial, account_id FROM holding_block"
                + " ORDER BY batch_id, first_serial")) {
      query.setFetchSize(ProjectionCheck.FETCH_SIZE);
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          rows++;
          String batchId = row.getString(1);
          long first = row.getLong(2);
          long last = row.getLong(3);
          String account = row.getString(4);
          BatchState batch = replay.batch(batchId);
          Held held = batch == null ? null : batch.holdings.get(first);
          if (held == null) {
            findings.accept(
                finding(
                    ProjectionCheck.PROJECTION_ROW_UNEXPECTED,
                    batchId,
                    HOLDING_BLOCK,
                    holdingRow(batchId, first),
                    "the table has "
                        + account
                        + " holding "
                        + first
                        + "-"
                        + last
                        + " but "
                        + (batch == null
                            ? "the replay has no batch " + batchId
                            : "the replay has " + where(batch, first))));
            continue;
          }
          held.compared = true;
          if (held.last != last || !held.account.equals(account)) {
            findings.accept(
                finding(
                    ProjectionCheck.PROJECTION_ROW_DIFFERS,
                    batchId,
                    HOLDING_BLOCK,
                    holdingRow(batchId, first),
                    "the table has "
                        + account
                        + " holding "
                        + first
                        + "-"
                        + last
                        + ", the replay "
                        + held.account
                        + " holding "
                        + first
                        + "-"
                        + held.last));
          }
        }
      }
    }
    List<BatchState> batches = new ArrayList<>(replay.batches());
    batches.sort(Comparator.comparing(batch -> batch.issued.batchId()));
    for (BatchState batch : batches) {
      for (Map.Entry<Long, Held> block : batch.holdings.entrySet()) {
        Held held = block.getValue();
        if (!held.compared) {
          String batchId = batch.issued.batchId();
          findings.accept(
              finding(
                  ProjectionCheck.PROJECTION_ROW_MISSING,
                  batchId,
                  HOLDING_BLOCK,
                  holdingRow(batchId, block.getKey()),
                  "the replay has "
                      + held.account
                      + " holding "
                      + block.getKey()
                      + "-"
                      + held.last
                      + " but the table has no such row"));
        }
      }
    }
    return rows;
  }

  /** Where the replay has a serial that the table says a block starts at. */
  private static String where(BatchState batch, long serial) {
    Map.Entry<Long, Held> block = batch.holdings.floorEntry(serial);
    if (block != null && block.getValue().last >= serial) {
      return "serial "
          + serial
          + " inside "
          + block.getValue().account
          + "'s block "
          + block.getKey()
          + "-"
          + block.getValue().last;
    }
    if (batch.retiredSerials.endOfRangeHolding(serial) >= 0) {
      return "serial " + serial + " retired";
    }
    if (batch.cancelledSerials.endOfRangeHolding(serial) >= 0) {
      return "serial " + serial + " cancelled";
    }
    return "no block starting at serial " + serial;
  }

  private static String holdingRow(String batchId, long first) {
    return "batch_id=" + batchId + ", first_serial=" + first;
  }

  static Finding finding(String kind, String batchId, String table, String row, String message) {
    return new Finding(kind, "batch:" + batchId, null, null, table, row, message);
  }
}
