package org.carbonledger.audit.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.carbonledger.audit.replay.BatchChange.Issued;
import org.carbonledger.audit.replay.BatchState.Held;
import org.carbonledger.audit.verify.Finding;

/**
 * Compares replayed batches with {@code batch_supply} and {@code holding_block} row by row
 * (docs/spec/04-projections.md §4.2.5 and §4.2.6), and on PostgreSQL with {@code
 * batch_holding_total} (§4.2.6.1): a row the replay expects but the table lacks, a row the table
 * has but the replay does not expect, and a row whose values differ.
 *
 * <p>It compares one batch at a time, with the rows that the table has for that batch id ({@link
 * #compare}): {@code batch_supply} by its primary key, {@code holding_block} by the leading column
 * of its primary key, in serial order. The batch's replayed state is all it needs, so the replay
 * can drop that state before the next batch. Rows of batch ids that no event stream has are found
 * at the end by one query each that leaves them to the database ({@link
 * #compareBatchesWithoutEvents}), never by collecting the ids of the batches compared.
 */
final class ProjectionComparison implements AutoCloseable {

  static final String BATCH_SUPPLY = "batch_supply";
  static final String HOLDING_BLOCK = "holding_block";
  static final String HOLDING_TOTAL = "batch_holding_total";

  /** Rows read from each table; {@code totals} is 0 where the ledger has no such table. */
  record Rows(long supply, long holdings, long totals) {}

  /**
   * The condition that a row of {@code table} (alias {@code t}) belongs to a batch id that has no
   * event stream: the anti-join that finds the rows no batch's comparison read. Each distinct batch
   * id of the table is looked up once by the leading column of the event store's unique index on
   * {@code (aggregate_identifier, sequence_number)}; on PostgreSQL that is several times cheaper
   * than an anti-join per row, which hashes the identifiers of the whole event store
   * (docs/spec/04-projections.md §4.4).
   */
  static String withoutEventStream(String table) {
    return " t WHERE t.batch_id IN (SELECT d.batch_id FROM (SELECT DISTINCT batch_id FROM "
        + table
        + ") d WHERE NOT EXISTS (SELECT 1 FROM domain_event_entry e"
        + " WHERE e.aggregate_identifier = 'batch:' || d.batch_id))";
  }

  private static final String SUPPLY_COLUMNS =
      "SELECT batch_id, project_id, batch_sequence, vintage_start, vintage_end,"
          + " verification_report_id, verifier, serial_prefix, first_serial, last_serial,"
          + " issued_to_account_id, issued, tradable, retired, cancelled, issued_at,"
          + " issued_position, event_identifier, last_position FROM batch_supply";

  private static final String HOLDING_COLUMNS =
      "SELECT batch_id, first_serial, last_serial, account_id FROM holding_block";

  private final Connection connection;
  private final Consumer<Finding> findings;
  private PreparedStatement supplyOfBatch;
  private PreparedStatement holdingsOfBatch;

  /** Null until the first comparison asks; then whether the ledger has {@code HOLDING_TOTAL}. */
  private Boolean hasTotals;

  private PreparedStatement totalOfBatch;
  private long supplyRows;
  private long holdingRows;
  private long totalRows;

  ProjectionComparison(Connection connection, Consumer<Finding> findings) {
    this.connection = connection;
    this.findings = findings;
  }

  Rows rows() {
    return new Rows(supplyRows, holdingRows, totalRows);
  }

  /**
   * Whether the ledger keeps {@code batch_holding_total}: PostgreSQL, migrated with the vendor
   * migration that creates it. H2 and a database that predates it have none, and nothing to
   * compare. The table is looked up in the schemas of the connection's search path, as every other
   * table is, and in the catalog as the check's snapshot sees it ({@code to_regclass} would see the
   * catalog as it is now): a migration that commits while the verifier reads does not make the
   * table appear with none of its rows visible.
   */
  private boolean hasTotals() throws SQLException {
    if (hasTotals == null) {
      hasTotals = false;
      if (connection.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
        try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relname = ? AND c.relkind IN ('r', 'p')"
                    + " AND n.nspname = ANY (current_schemas(false)))")) {
          query.setString(1, HOLDING_TOTAL);
          try (ResultSet row = query.executeQuery()) {
            hasTotals = row.next() && row.getBoolean(1);
          }
        }
      }
    }
    return hasTotals;
  }

  /**
   * Compares one batch's rows of both tables with its replayed state.
   *
   * @param batchId the batch id of the event stream just replayed
   * @param batch its state after the events the projections had handled; null when none of them
   *     issued it, so that the tables must have no row of it
   */
  void compare(String batchId, BatchState batch) throws SQLException {
    if (supplyOfBatch == null) {
      // Prepared once and run once per batch: a ledger has thousands of batches.
      supplyOfBatch = connection.prepareStatement(SUPPLY_COLUMNS + " WHERE batch_id = ?");
      holdingsOfBatch =
          connection.prepareStatement(
              HOLDING_COLUMNS + " WHERE batch_id = ? ORDER BY first_serial");
      holdingsOfBatch.setFetchSize(ProjectionCheck.FETCH_SIZE);
    }
    supplyOfBatch.setString(1, batchId);
    boolean found = false;
    try (ResultSet row = supplyOfBatch.executeQuery()) {
      while (row.next()) {
        found = true;
        compareSupply(row, batch);
      }
    }
    if (!found && batch != null) {
      missingSupply(batch);
    }
    holdingsOfBatch.setString(1, batchId);
    try (ResultSet row = holdingsOfBatch.executeQuery()) {
      while (row.next()) {
        compareHolding(row, batch);
      }
    }
    if (batch != null) {
      missingHoldings(batch);
    }
    if (hasTotals()) {
      compareTotal(batchId, batch);
    }
  }

  /**
   * Reports every row of a batch id that has no event stream, which no call of {@link #compare}
   * read: the supply rows in batch id order, then the holdings in key order.
   */
  void compareBatchesWithoutEvents() throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            SUPPLY_COLUMNS + withoutEventStream(BATCH_SUPPLY) + " ORDER BY t.batch_id")) {
      query.setFetchSize(ProjectionCheck.FETCH_SIZE);
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          compareSupply(row, null);
        }
      }
    }
    try (PreparedStatement query =
        connection.prepareStatement(
            HOLDING_COLUMNS
                + withoutEventStream(HOLDING_BLOCK)
                + " ORDER BY t.batch_id, t.first_serial")) {
      query.setFetchSize(ProjectionCheck.FETCH_SIZE);
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          compareHolding(row, null);
        }
      }
    }
    if (!hasTotals()) {
      return;
    }
    // A total of 0 is what a batch without blocks has (§4.2.6.1), so only others are reported.
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT t.batch_id, t.held FROM "
                + HOLDING_TOTAL
                + withoutEventStream(HOLDING_TOTAL)
                + " AND t.held <> 0 ORDER BY t.batch_id")) {
      query.setFetchSize(ProjectionCheck.FETCH_SIZE);
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          totalRows++;
          unexpectedTotal(row.getString(1), row.getLong(2));
        }
      }
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      if (supplyOfBatch != null) {
        supplyOfBatch.close();
      }
    } finally {
      try {
        if (holdingsOfBatch != null) {
          holdingsOfBatch.close();
        }
      } finally {
        if (totalOfBatch != null) {
          totalOfBatch.close();
        }
      }
    }
  }

  // --- batch_supply ---------------------------------------------------------------------------

  /** Compares the current row of {@code batch_supply} with its batch's state, or null. */
  private void compareSupply(ResultSet row, BatchState batch) throws SQLException {
    supplyRows++;
    String batchId = row.getString(1);
    if (batch == null) {
      findings.accept(
          finding(
              ProjectionCheck.PROJECTION_ROW_UNEXPECTED,
              batchId,
              BATCH_SUPPLY,
              batchRow(batchId),
              "the table has batch "
                  + batchId
                  + " but no BatchIssued up to the projections' position issues it"));
      return;
    }
    List<String> differences = new ArrayList<>();
    Issued issued = batch.issued;
    differ(differences, "project_id", row.getString(2), issued.projectId());
    differ(differences, "batch_sequence", row.getInt(3), issued.batchSequence());
    differ(differences, "vintage_start", row.getObject(4, LocalDate.class), issued.vintageStart());
    differ(differences, "vintage_end", row.getObject(5, LocalDate.class), issued.vintageEnd());
    differ(differences, "verification_report_id", row.getString(6), issued.verificationReportId());
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
        differences, "issued_at", issuedAt == null ? null : issuedAt.toInstant(), batch.issuedAt);
    differ(differences, "issued_position", row.getLong(17), batch.issuedPosition);
    differ(differences, "event_identifier", row.getString(18), batch.eventIdentifier);
    differ(differences, "last_position", row.getLong(19), batch.lastPosition);
    if (!differences.isEmpty()) {
      findings.accept(
          finding(
              ProjectionCheck.PROJECTION_ROW_DIFFERS,
              batchId,
              BATCH_SUPPLY,
              batchRow(batchId),
              "the table differs from the replay: " + String.join("; ", differences)));
    }
  }

  private void missingSupply(BatchState batch) {
    String batchId = batch.issued.batchId();
    findings.accept(
        finding(
            ProjectionCheck.PROJECTION_ROW_MISSING,
            batchId,
            BATCH_SUPPLY,
            batchRow(batchId),
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

  static void differ(List<String> differences, String column, Object table, Object replay) {
    if (!Objects.equals(table, replay)) {
      differences.add(column + " is " + table + ", the replay gives " + replay);
    }
  }

  private static String batchRow(String batchId) {
    return "batch_id=" + batchId;
  }

  // --- holding_block --------------------------------------------------------------------------

  /**
   * Looks the current row of {@code holding_block} up in its batch's holdings (null: the replay has
   * no such batch) and marks the block it finds as compared.
   */
  private void compareHolding(ResultSet row, BatchState batch) throws SQLException {
    holdingRows++;
    String batchId = row.getString(1);
    long first = row.getLong(2);
    long last = row.getLong(3);
    String account = row.getString(4);
    Held held = batch == null ? null : batch.holdings.get(first);
    String stored = "the table has " + account + " holding " + first + "-" + last;
    if (held == null) {
      findings.accept(
          finding(
              ProjectionCheck.PROJECTION_ROW_UNEXPECTED,
              batchId,
              HOLDING_BLOCK,
              holdingRow(batchId, first),
              stored
                  + " but "
                  + (batch == null
                      ? "the replay has no batch " + batchId
                      : "the replay has " + where(batch, first))));
      return;
    }
    held.compared = true;
    if (held.last != last || !held.account.equals(account)) {
      findings.accept(
          finding(
              ProjectionCheck.PROJECTION_ROW_DIFFERS,
              batchId,
              HOLDING_BLOCK,
              holdingRow(batchId, first),
              stored + ", the replay " + held.account + " holding " + first + "-" + held.last));
    }
  }

  /** Reports the batch's blocks that no row of the table matched, in serial order. */
  private void missingHoldings(BatchState batch) {
    String batchId = batch.issued.batchId();
    for (Map.Entry<Long, Held> block : batch.holdings.entrySet()) {
      Held held = block.getValue();
      if (!held.compared) {
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

  // --- batch_holding_total --------------------------------------------------------------------

  /**
   * Compares the batch's {@code held} with the credits in its replayed holdings: the sum of its
   * blocks as the replay has them, not as the table has them, so that a total changed on its own
   * (with the triggers that keep it switched off, §4.2.6.1) is found, and a total that followed a
   * changed block is reported beside that block. No row reads as 0, as the supply check reads it.
   */
  private void compareTotal(String batchId, BatchState batch) throws SQLException {
    if (totalOfBatch == null) {
      totalOfBatch =
          connection.prepareStatement("SELECT held FROM " + HOLDING_TOTAL + " WHERE batch_id = ?");
    }
    totalOfBatch.setString(1, batchId);
    Long stored = null;
    try (ResultSet row = totalOfBatch.executeQuery()) {
      if (row.next()) {
        totalRows++;
        stored = row.getLong(1);
      }
    }
    long replayed = batch == null ? 0 : batch.held;
    if (stored == null) {
      if (replayed != 0) {
        findings.accept(
            finding(
                ProjectionCheck.PROJECTION_ROW_MISSING,
                batchId,
                HOLDING_TOTAL,
                batchRow(batchId),
                "the replay's holdings of batch "
                    + batchId
                    + " hold "
                    + replayed
                    + " credits but the table has no total for it"));
      }
    } else if (batch == null && stored != 0) {
      unexpectedTotal(batchId, stored);
    } else if (stored != replayed) {
      findings.accept(
          finding(
              ProjectionCheck.PROJECTION_ROW_DIFFERS,
              batchId,
              HOLDING_TOTAL,
              batchRow(batchId),
              "the table differs from the replay: held is "
                  + stored
                  + ", the replay's holdings hold "
                  + replayed));
    }
  }

  private void unexpectedTotal(String batchId, long held) {
    findings.accept(
        finding(
            ProjectionCheck.PROJECTION_ROW_UNEXPECTED,
            batchId,
            HOLDING_TOTAL,
            batchRow(batchId),
            "the table has "
                + held
                + " credits held in batch "
                + batchId
                + " but no BatchIssued up to the projections' position issues it"));
  }

  static Finding finding(String kind, String batchId, String table, String row, String message) {
    return new Finding(kind, "batch:" + batchId, null, null, table, row, message);
  }
}
