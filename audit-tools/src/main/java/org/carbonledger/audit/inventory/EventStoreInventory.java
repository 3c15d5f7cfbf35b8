package org.carbonledger.audit.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Reads the event store table in aggregate order and takes stock of it.
 *
 * <p>Events are streamed, never held: memory stays bounded however large the ledger grows. Only the
 * identifier, sequence number and type of each event are read.
 */
public final class EventStoreInventory {

  /** Rows fetched per round trip while streaming. */
  static final int FETCH_SIZE = 5_000;

  private final Connection connection;

  /**
   * @param connection a connection with auto-commit off, so that PostgreSQL streams the rows
   */
  public EventStoreInventory(Connection connection) {
    this.connection = connection;
  }

  /**
   * Takes stock of the store.
   *
   * @param progress called with the number of events read so far, every {@value #FETCH_SIZE} events
   */
  public Inventory take(LongConsumer progress) throws SQLException {
    long events = 0;
    long aggregates = 0;
    Map<String, Long> aggregatesByType = new TreeMap<>();
    List<Inventory.SequenceBreak> failures = new ArrayList<>();

    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT aggregate_identifier, sequence_number, aggregate_type"
                + " FROM domain_event_entry ORDER BY aggregate_identifier, sequence_number")) {
      query.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        String current = null;
        long expected = 0;
        while (rows.next()) {
          String aggregateId = rows.getString(1);
          long sequence = rows.getLong(2);
          if (!aggregateId.equals(current)) {
            current = aggregateId;
            expected = 0;
            aggregates++;
            String type = rows.getString(3);
            aggregatesByType.merge(type == null ? "(none)" : type, 1L, Long::sum);
          }
          if (sequence != expected) {
            failures.add(new Inventory.SequenceBreak(aggregateId, expected, sequence));
          }
          expected = sequence + 1;
          if (++events % FETCH_SIZE == 0) {
            progress.accept(events);
          }
        }
      }
    }

    long lowest = -1;
    long highest = -1;
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT min(global_index), max(global_index) FROM domain_event_entry");
        ResultSet row = query.executeQuery()) {
      if (row.next() && row.getObject(1) != null) {
        lowest = row.getLong(1);
        highest = row.getLong(2);
      }
    }
    return new Inventory(events, aggregates, aggregatesByType, lowest, highest, failures);
  }
}
