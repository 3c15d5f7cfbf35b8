package org.carbonledger.store;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The identifier of an aggregate's last stored event, read in the caller's transaction: a cheap way
 * to tell whether anything was appended to a stream since it was last folded, since event
 * identifiers are unique and stored events never change.
 */
public final class LastEvents {

  private static final String LAST_EVENT =
      "SELECT aggregate_identifier, event_identifier FROM "
          + LedgerTables.DOMAIN_EVENTS
          + " WHERE aggregate_identifier = ? ORDER BY sequence_number DESC LIMIT 1";

  private final JdbcTemplate jdbc;

  /**
   * @param dataSource the database the event store keeps its events in, whose transactions it
   *     shares, not null
   */
  public LastEvents(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /**
   * The last event of each stream, in one query (one index lookup per stream, joined by {@code
   * UNION ALL}).
   *
   * @param streamIds aggregate identifiers, not empty
   * @return the identifier of each stream's event with the highest sequence number, by stream
   *     identifier; a stream without events is absent
   */
  public Map<String, String> identifiersOf(List<String> streamIds) {
    if (streamIds.isEmpty()) {
      throw new IllegalArgumentException("no streams to look up");
    }
    String query =
        streamIds.size() == 1
            ? LAST_EVENT
            : String.join(
                " UNION ALL ", Collections.nCopies(streamIds.size(), "(" + LAST_EVENT + ")"));
    Map<String, String> last = new HashMap<>();
    RowCallbackHandler collect = row -> last.put(row.getString(1), row.getString(2));
    jdbc.query(query, collect, streamIds.toArray());
    return last;
  }
}
