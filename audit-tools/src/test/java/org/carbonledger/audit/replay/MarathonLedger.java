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
 * Merkle leaf, and the {@code batch_supply} and {@code holding_block} rows that
 * docs/spec/04-projections.md says they produce, written by hand from the spec (not by the replay
 * under test):
 *
 * <pre>
 * WH-CYCLING-B1  1-100  wh-exchange 41-60, 71-100   marathon-org 37-40   li-lei 16-20   acme 68-70
 *                       retired 1-10, 21-25, 26-36, 11-15, 61-65 (36); cancelled 66-67 (2)
 * WH-METRO-B1    1-50   wh-exchange 31-50           marathon-org 23-30
 *                       retired 21-22 (2); cancelled 1-20 (20)
 * </pre>
 *
 * <p>The projections have handled every event: {@code projection_position} is {@value #POSITION}.
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
