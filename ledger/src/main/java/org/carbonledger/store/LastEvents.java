package org.carbonledger.store;

import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The identifier of an aggregate's last stored event, read in the caller's transaction: a cheap way
 * to tell whether anything was appended to a stream since it was last folded, since event
 * identifiers are unique and stored events never change.
 */
public final class LastEvents {

  private static final String LAST_EVENT =
      "SELECT event_identifier FROM "
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
   * @param streamId the aggregate identifier
   * @return the identifier of its event with the highest sequence number; empty without events
   */
  public Optional<String> identifierOf(String streamId) {
    List<String> last = jdbc.queryForList(LAST_EVENT, String.class, streamId);
    return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0));
  }
}
