package org.carbonledger.audit.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A ledger of many batches whose events interleave: every batch is issued first, then each
 * transfers, then each retires, then each cancels, so that in global order every batch is still
 * open until the last quarter of the history. A replay in global order would hold every batch's
 * state at once; one that goes batch by batch holds one. The projection rows are written by hand
 * from docs/spec/04-projections.md, as the processor would have left them after every event.
 *
 * <p>Each batch {@code b}: serials 1-100 issued to {@value #EXCHANGE}; transfer 1-10 to {@value
 * #ACME}; retirement of 1-5 by {@value #ACME}; cancellation of 96-100 by {@value #EXCHANGE}. Batch
 * ids mix upper and lower case, digits and punctuation, whose order differs between collations.
 */
final class ManyBatchesLedger {

  static final String EXCHANGE = "wh-exchange";
  static final String ACME = "acme";

  /** Rows each batch has in {@code holding_block}: acme 6-10, exchange 11-95. */
  static final int HOLDINGS_PER_BATCH = 2;

  /** Rows each batch has in {@code account_movement}: issuance, two of the transfer, two more. */
  static final int MOVEMENTS_PER_BATCH = 5;

  static final int EVENTS_PER_BATCH = 4;

  private static final OffsetDateTime AT = OffsetDateTime.parse(BatchEvents.TIME);
  private static final LocalDate VINTAGE_START = LocalDate.of(2026, 1, 1);
  private static final LocalDate VINTAGE_END = LocalDate.of(2026, 3, 31);

  final int batches;
  final List<String> batchIds = new ArrayList<>();
  final BatchEvents events = new BatchEvents();
  private final List<StoredEvent> issued = new ArrayList<>();
  private final List<StoredEvent> transferred = new ArrayList<>();
  private final List<StoredEvent> retired = new ArrayList<>();
  private final List<StoredEvent> cancelled = new ArrayList<>();

  ManyBatchesLedger(int batches) {
    this.batches = batches;
    for (int b = 0; b < batches; b++) {
      batchIds.add((b % 2 == 0 ? "MANY-" : "many_x.") + b + "-B" + (1 + b % 3));
    }
    batchIds.forEach(id -> issued.add(events.issued(id, EXCHANGE, 1, 100)));
    batchIds.forEach(
        id -> transferred.add(events.transferred(id, "T", EXCHANGE, ACME, 10, "1-10")));
    batchIds.forEach(id -> retired.add(events.retired(id, "R", ACME, 5, "1-5")));
    batchIds.forEach(id -> cancelled.add(events.cancelled(id, "C", EXCHANGE, 5, "96-100")));
  }

  /** The global index of the last event, and the projections' position. */
  long position() {
    return (long) batches * EVENTS_PER_BATCH;
  }

  /** The batch's retirement event, whose register row is at its position. */
  StoredEvent retirement(int batch) {
    return retired.get(batch);
  }

  /** Writes the events in global order, their leaves, every projection row and the position. */
  void write(Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    for (List<StoredEvent> round : List.of(issued, transferred, retired, cancelled)) {
      for (StoredEvent event : round) {
        MarathonLedger.insert(connection, event);
        MarathonLedger.leaf(connection, event, event.globalIndex() - 1);
      }
    }
    try (PreparedStatement supply =
            connection.prepareStatement(
                "INSERT INTO batch_supply (batch_id, project_id, batch_sequence, vintage_start,"
                    + " vintage_end, verification_report_id, verifier, serial_prefix,"
                    + " first_serial, last_serial, issued_to_account_id, issued, tradable,"
                    + " retired, cancelled, issued_at, issued_position, event_identifier,"
                    + " last_position)"
                    + " VALUES (?, ?, ?, ?, ?, ?, 'CQC', 'WHCI', 1, 100, ?, 100, 90, 5, 5, ?, ?, ?,"
                    + " ?)");
        PreparedStatement holding =
            connection.prepareStatement(
                "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id)"
                    + " VALUES (?, ?, ?, ?)");
        PreparedStatement movement =
            connection.prepareStatement(
                "INSERT INTO account_movement (account_id, global_position, batch_id,"
                    + " movement_kind, movement_id, quantity, counterparty_account_id,"
                    + " serial_blocks, occurred_at, event_identifier)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement register =
            connection.prepareStatement(
                "INSERT INTO retirement_register (global_position, batch_id, retirement_id,"
                    + " project_id, vintage_start, vintage_end, account_id, quantity,"
                    + " serial_blocks, serial_numbers, beneficiary, reason, details, purpose,"
                    + " consumption_period_start, consumption_period_end, jurisdiction_of_use,"
                    + " footprint_id, retired_at, event_identifier)"
                    + " VALUES (?, ?, 'R', ?, ?, ?, ?, 5, '1-5', ?,"
                    + " 'Wuhan Marathon 2026 participants', 'neutral', NULL, 'VOLUNTARY', NULL,"
                    + " NULL, 'CN-HB', NULL, ?, ?)")) {
      for (int b = 0; b < batches; b++) {
        String id = batchIds.get(b);
        String project = id.substring(0, id.lastIndexOf("-B"));
        int sequence = Integer.parseInt(id.substring(id.lastIndexOf("-B") + 2));
        supply.setString(1, id);
        supply.setString(2, project);
        supply.setInt(3, sequence);
        supply.setObject(4, VINTAGE_START);
        supply.setObject(5, VINTAGE_END);
        supply.setString(6, "VR-" + id);
        supply.setString(7, EXCHANGE);
        supply.setObject(8, AT);
        supply.setLong(9, issued.get(b).globalIndex());
        supply.setString(10, issued.get(b).eventIdentifier());
        supply.setLong(11, cancelled.get(b).globalIndex());
        supply.addBatch();
        holdingRow(holding, id, 6, 10, ACME);
        holdingRow(holding, id, 11, 95, EXCHANGE);
        movementRow(movement, EXCHANGE, issued.get(b), id, "ISSUANCE", id, 100, null, "1-100");
        movementRow(
            movement, EXCHANGE, transferred.get(b), id, "TRANSFER_OUT", "T", 10, ACME, "1-10");
        movementRow(
            movement, ACME, transferred.get(b), id, "TRANSFER_IN", "T", 10, EXCHANGE, "1-10");
        movementRow(movement, ACME, retired.get(b), id, "RETIREMENT", "R", 5, null, "1-5");
        movementRow(
            movement, EXCHANGE, cancelled.get(b), id, "CANCELLATION", "C", 5, null, "96-100");
        register.setLong(1, retired.get(b).globalIndex());
        register.setString(2, id);
        register.setString(3, project);
        register.setObject(4, VINTAGE_START);
        register.setObject(5, VINTAGE_END);
        register.setString(6, ACME);
        register.setString(7, "WHCI-" + project + "-20260101-20260331-" + sequence + "-1-5");
        register.setObject(8, AT);
        register.setString(9, retired.get(b).eventIdentifier());
        register.addBatch();
      }
      supply.executeBatch();
      holding.executeBatch();
      movement.executeBatch();
      register.executeBatch();
    }
    try (Statement sql = connection.createStatement()) {
      sql.execute(
          "INSERT INTO projection_position (processor_name, last_position) VALUES"
              + " ('projections', "
              + position()
              + ")");
    }
    MarathonLedger.token(connection, "{\"index\":" + position() + ",\"gaps\":[]}");
    connection.commit();
    connection.setAutoCommit(autoCommit);
  }

  private static void holdingRow(
      PreparedStatement insert, String batchId, long first, long last, String account)
      throws SQLException {
    insert.setString(1, batchId);
    insert.setLong(2, first);
    insert.setLong(3, last);
    insert.setString(4, account);
    insert.addBatch();
  }

  private static void movementRow(
      PreparedStatement insert,
      String account,
      StoredEvent event,
      String batchId,
      String kind,
      String movementId,
      long quantity,
      String counterparty,
      String blocks)
      throws SQLException {
    insert.setString(1, account);
    insert.setLong(2, event.globalIndex());
    insert.setString(3, batchId);
    insert.setString(4, kind);
    insert.setString(5, movementId);
    insert.setLong(6, quantity);
    insert.setString(7, counterparty);
    insert.setString(8, blocks);
    insert.setObject(9, AT);
    insert.setString(10, event.eventIdentifier());
    insert.addBatch();
  }
}
