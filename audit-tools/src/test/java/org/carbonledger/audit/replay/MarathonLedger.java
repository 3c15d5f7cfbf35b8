package org.carbonledger.audit.replay;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A small ledger written straight into the ledger's tables: the credit events of the ledger's
 * marathon story (ledger's {@code MarathonStory}) among events of other aggregates, each with a
 * Merkle leaf, and the {@code batch_supply}, {@code holding_block}, {@code account_movement} and
 * {@code retirement_register} rows that docs/spec/04-projections.md says they produce, written by
 * hand from the spec (not by the replay under test):
 *
 * <pre>
 * WH-CYCLING-B1  1-100  wh-exchange 41-60, 71-100   marathon-org 37-40   li-lei 16-20   acme 68-70
 *                       retired 1-10, 21-25, 26-36, 11-15, 61-65 (36); cancelled 66-67 (2)
 * WH-METRO-B1    1-50   wh-exchange 31-50           marathon-org 23-30
 *                       retired 21-22 (2); cancelled 1-20 (20)
 * </pre>
 *
 * <p>The projections have handled every event: {@code projection_position} is {@value #POSITION}.
 * Every event has the time {@link BatchEvents#TIME}.
 */
final class MarathonLedger {

  static final String CYCLING = "WH-CYCLING-B1";
  static final String METRO = "WH-METRO-B1";
  static final String EXCHANGE = "wh-exchange";
  static final String MARATHON = "marathon-org";
  static final String LI_LEI = "li-lei";
  static final String ACME = "acme";

  /** The global index of the last event, and the projections' position. */
  static final long POSITION = 19;

  /**
   * The rows of {@code account_movement}: one per issuance, retirement and cancellation, two per
   * transfer.
   */
  static final int MOVEMENT_ROWS = 21;

  /** The rows of {@code retirement_register}: one per retirement. */
  static final int RETIREMENT_ROWS = 5;

  /** The label of serials {@code first-last} of the first batch of a project, vintage 2026 Q1. */
  private static final String LABEL = "WHCI-%s-20260101-20260331-1-%d-%d";

  final BatchEvents events = new BatchEvents();
  final List<StoredEvent> stored = new ArrayList<>();
  StoredEvent cyclingIssued;
  StoredEvent metroIssued;
  StoredEvent acmeRetirement;

  /** Writes the story's events, leaves, projection rows, position and processor token. */
  void write(Connection connection) throws SQLException {
    add(account(EXCHANGE));
    add(account(MARATHON));
    cyclingIssued = add(events.issued(CYCLING, EXCHANGE, 1, 100));
    add(
        events.raw(
            "project:WH-CYCLING",
            "org.carbonledger.projects.ProjectEvent$BatchIssuanceRecorded",
            "{\"projectId\":\"WH-CYCLING\",\"batchId\":\"WH-CYCLING-B1\",\"quantity\":100}"));
    metroIssued = add(events.issued(METRO, EXCHANGE, 1, 50));
    add(events.transferred(CYCLING, "T1", EXCHANGE, MARATHON, 40, "1-40"));
    add(events.cancelled(METRO, "C2", EXCHANGE, 20, "1-20"));
    add(events.retired(CYCLING, "R1", MARATHON, 15, "1-10,21-25"));
    add(events.retired(CYCLING, "R2", MARATHON, 11, "26-36"));
    add(events.transferred(METRO, "T6", EXCHANGE, MARATHON, 10, "21-30"));
    add(events.transferred(CYCLING, "T2", MARATHON, LI_LEI, 10, "11-20"));
    add(events.retired(CYCLING, "R4", LI_LEI, 5, "11-15"));
    add(events.retired(METRO, "R5", MARATHON, 2, "21-22"));
    add(events.transferred(CYCLING, "T3", EXCHANGE, ACME, 10, "61-70"));
    acmeRetirement = add(events.retired(CYCLING, "R3", ACME, 5, "61-65"));
    add(events.cancelled(CYCLING, "C1", ACME, 2, "66-67"));
    add(events.transferred(CYCLING, "T4", EXCHANGE, ACME, 5, "71-75"));
    add(events.transferred(CYCLING, "T5", ACME, EXCHANGE, 5, "71-75"));
    add(
        events.raw(
            "account:" + ACME,
            "org.carbonledger.accounts.AccountEvent$AccountFrozen",
            "{\"accountId\":\"acme\",\"reason\":\"audit\"}"));
    if (stored.get(stored.size() - 1).globalIndex() != POSITION) {
      throw new IllegalStateException("the story is not " + POSITION + " events long");
    }
    for (StoredEvent event : stored) {
      insert(connection, event);
      leaf(connection, event, event.globalIndex() - 1);
    }
    try (Statement sql = connection.createStatement()) {
      sql.execute(supplyRow(CYCLING, "WH-CYCLING", 100, 62, 36, 2, cyclingIssued, 18));
      sql.execute(supplyRow(METRO, "WH-METRO", 50, 28, 2, 20, metroIssued, 13));
      sql.execute(
          "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id) VALUES"
              + " ('WH-CYCLING-B1', 41, 60, 'wh-exchange'),"
              + " ('WH-CYCLING-B1', 71, 100, 'wh-exchange'),"
              + " ('WH-CYCLING-B1', 37, 40, 'marathon-org'),"
              + " ('WH-CYCLING-B1', 16, 20, 'li-lei'),"
              + " ('WH-CYCLING-B1', 68, 70, 'acme'),"
              + " ('WH-METRO-B1', 31, 50, 'wh-exchange'),"
              + " ('WH-METRO-B1', 23, 30, 'marathon-org')");
      // account_movement, §4.2.7: position, account, batch, kind, movement id, quantity,
      // counterparty and the serial blocks as the event lists them.
      movement(sql, 3, EXCHANGE, CYCLING, "ISSUANCE", CYCLING, 100, null, "1-100");
      movement(sql, 5, EXCHANGE, METRO, "ISSUANCE", METRO, 50, null, "1-50");
      movement(sql, 6, EXCHANGE, CYCLING, "TRANSFER_OUT", "T1", 40, MARATHON, "1-40");
      movement(sql, 6, MARATHON, CYCLING, "TRANSFER_IN", "T1", 40, EXCHANGE, "1-40");
      movement(sql, 7, EXCHANGE, METRO, "CANCELLATION", "C2", 20, null, "1-20");
      movement(sql, 8, MARATHON, CYCLING, "RETIREMENT", "R1", 15, null, "1-10,21-25");
      movement(sql, 9, MARATHON, CYCLING, "RETIREMENT", "R2", 11, null, "26-36");
      movement(sql, 10, EXCHANGE, METRO, "TRANSFER_OUT", "T6", 10, MARATHON, "21-30");
      movement(sql, 10, MARATHON, METRO, "TRANSFER_IN", "T6", 10, EXCHANGE, "21-30");
      movement(sql, 11, MARATHON, CYCLING, "TRANSFER_OUT", "T2", 10, LI_LEI, "11-20");
      movement(sql, 11, LI_LEI, CYCLING, "TRANSFER_IN", "T2", 10, MARATHON, "11-20");
      movement(sql, 12, LI_LEI, CYCLING, "RETIREMENT", "R4", 5, null, "11-15");
      movement(sql, 13, MARATHON, METRO, "RETIREMENT", "R5", 2, null, "21-22");
      movement(sql, 14, EXCHANGE, CYCLING, "TRANSFER_OUT", "T3", 10, ACME, "61-70");
      movement(sql, 14, ACME, CYCLING, "TRANSFER_IN", "T3", 10, EXCHANGE, "61-70");
      movement(sql, 15, ACME, CYCLING, "RETIREMENT", "R3", 5, null, "61-65");
      movement(sql, 16, ACME, CYCLING, "CANCELLATION", "C1", 2, null, "66-67");
      movement(sql, 17, EXCHANGE, CYCLING, "TRANSFER_OUT", "T4", 5, ACME, "71-75");
      movement(sql, 17, ACME, CYCLING, "TRANSFER_IN", "T4", 5, EXCHANGE, "71-75");
      movement(sql, 18, ACME, CYCLING, "TRANSFER_OUT", "T5", 5, EXCHANGE, "71-75");
      movement(sql, 18, EXCHANGE, CYCLING, "TRANSFER_IN", "T5", 5, ACME, "71-75");
      // retirement_register, §4.2.8: the labels spelled out as §2.1 writes them.
      retirement(
          sql,
          8,
          CYCLING,
          "R1",
          MARATHON,
          15,
          "1-10,21-25",
          label("WH-CYCLING", 1, 10) + "," + label("WH-CYCLING", 21, 25));
      retirement(sql, 9, CYCLING, "R2", MARATHON, 11, "26-36", label("WH-CYCLING", 26, 36));
      retirement(sql, 12, CYCLING, "R4", LI_LEI, 5, "11-15", label("WH-CYCLING", 11, 15));
      retirement(sql, 13, METRO, "R5", MARATHON, 2, "21-22", label("WH-METRO", 21, 22));
      retirement(sql, 15, CYCLING, "R3", ACME, 5, "61-65", label("WH-CYCLING", 61, 65));
      sql.execute(
          "INSERT INTO projection_position (processor_name, last_position) VALUES"
              + " ('projections', "
              + POSITION
              + ")");
    }
    token(connection, "{\"index\":" + POSITION + ",\"gaps\":[]}");
  }

  private StoredEvent add(StoredEvent event) {
    stored.add(event);
    return event;
  }

  private void movement(
      Statement sql,
      long position,
      String account,
      String batchId,
      String kind,
      String movementId,
      long quantity,
      String counterparty,
      String blocks)
      throws SQLException {
    sql.execute(
        "INSERT INTO account_movement (account_id, global_position, batch_id, movement_kind,"
            + " movement_id, quantity, counterparty_account_id, serial_blocks, occurred_at,"
            + " event_identifier) VALUES ('"
            + account
            + "', "
            + position
            + ", '"
            + batchId
            + "', '"
            + kind
            + "', '"
            + movementId
            + "', "
            + quantity
            + ", "
            + (counterparty == null ? "NULL" : "'" + counterparty + "'")
            + ", '"
            + blocks
            + "', TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', '"
            + at(position).eventIdentifier()
            + "')");
  }

  /** A register row of a retirement by {@link BatchEvents#retired}, whose claim is fixed. */
  private void retirement(
      Statement sql,
      long position,
      String batchId,
      String retirementId,
      String account,
      long quantity,
      String blocks,
      String labels)
      throws SQLException {
    sql.execute(
        "INSERT INTO retirement_register (global_position, batch_id, retirement_id, project_id,"
            + " vintage_start, vintage_end, account_id, quantity, serial_blocks, serial_numbers,"
            + " beneficiary, reason, details, purpose, consumption_period_start,"
            + " consumption_period_end, jurisdiction_of_use, footprint_id, retired_at,"
            + " event_identifier) VALUES ("
            + position
            + ", '"
            + batchId
            + "', '"
            + retirementId
            + "', '"
            + batchId.substring(0, batchId.lastIndexOf("-B"))
            + "', DATE '2026-01-01', DATE '2026-03-31', '"
            + account
            + "', "
            + quantity
            + ", '"
            + blocks
            + "', '"
            + labels
            + "', 'Wuhan Marathon 2026 participants', 'neutral', NULL, 'VOLUNTARY', NULL, NULL,"
            + " 'CN-HB', NULL, TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', '"
            + at(position).eventIdentifier()
            + "')");
  }

  private static String label(String projectId, long first, long last) {
    return String.format(LABEL, projectId, first, last);
  }

  /** The story's event at a global position. */
  StoredEvent at(long position) {
    StoredEvent event = stored.get((int) position - 1);
    if (event.globalIndex() != position) {
      throw new IllegalStateException("event " + event + " is not at " + position);
    }
    return event;
  }

  private StoredEvent account(String accountId) {
    return events.raw(
        "account:" + accountId,
        "org.carbonledger.accounts.AccountEvent$AccountOpened",
        "{\"accountId\":\"" + accountId + "\",\"holderType\":\"OPERATOR\"}");
  }

  private static String supplyRow(
      String batchId,
      String projectId,
      long issued,
      long tradable,
      long retired,
      long cancelled,
      StoredEvent issuance,
      long lastPosition) {
    return "INSERT INTO batch_supply VALUES ('"
        + batchId
        + "', '"
        + projectId
        + "', 1, DATE '2026-01-01', DATE '2026-03-31', 'VR-"
        + batchId
        + "', 'CQC', 'WHCI', 1, "
        + issued
        + ", 'wh-exchange', "
        + issued
        + ", "
        + tradable
        + ", "
        + retired
        + ", "
        + cancelled
        + ", TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', "
        + issuance.globalIndex()
        + ", '"
        + issuance.eventIdentifier()
        + "', "
        + lastPosition
        + ")";
  }

  /** Stores an event row with its own global index, as the event store would have. */
  static void insert(Connection connection, StoredEvent event) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO domain_event_entry (global_index, event_identifier, aggregate_identifier,"
                + " sequence_number, aggregate_type, time_stamp, payload_type, payload)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, event.globalIndex());
      insert.setString(2, event.eventIdentifier());
      insert.setString(3, event.aggregateIdentifier());
      insert.setLong(4, event.sequenceNumber());
      insert.setString(
          5, event.aggregateIdentifier().substring(0, event.aggregateIdentifier().indexOf(':')));
      insert.setString(6, event.timeStamp());
      insert.setString(7, event.payloadType());
      insert.setBytes(8, event.payload());
      insert.executeUpdate();
    }
  }

  static void leaf(Connection connection, StoredEvent event, long leafIndex) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO merkle_leaf (leaf_index, event_identifier, stream_id, sequence_number,"
                + " leaf_hash) VALUES (?, ?, ?, ?, ?)")) {
      insert.setLong(1, leafIndex);
      insert.setString(2, event.eventIdentifier());
      insert.setString(3, event.aggregateIdentifier());
      insert.setLong(4, event.sequenceNumber());
      insert.setBytes(5, new byte[32]);
      insert.executeUpdate();
    }
  }

  /** Replaces the processor's tracking token, as Axon's JDBC token store writes it. */
  static void token(Connection connection, String json) throws SQLException {
    try (Statement sql = connection.createStatement()) {
      sql.execute("DELETE FROM token_entry WHERE processor_name = 'projections'");
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO token_entry (processor_name, segment, token, token_type) VALUES"
                + " ('projections', 0, ?, 'org.axonframework.eventhandling.GapAwareTrackingToken')")) {
      insert.setBytes(1, json.getBytes(StandardCharsets.UTF_8));
      insert.executeUpdate();
    }
  }
}
