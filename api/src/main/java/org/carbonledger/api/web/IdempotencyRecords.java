package org.carbonledger.api.web;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** The completed writes of each client by Idempotency-Key ({@code idempotency_record}). */
public final class IdempotencyRecords {

  private final JdbcTemplate jdbc;

  public IdempotencyRecords(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A completed write: the request it answered, what it returned and where it ended. */
  public record Completed(byte[] requestHash, String result, long position) {}

  public Optional<Completed> find(String clientId, String idempotencyKey) {
    List<Completed> found =
        jdbc.query(
            "SELECT request_hash, result, position FROM idempotency_record"
                + " WHERE client_id = ? AND idempotency_key = ?",
            (row, n) -> new Completed(row.getBytes(1), row.getString(2), row.getLong(3)),
            clientId,
            idempotencyKey);
    return found.stream().findFirst();
  }

  /**
   * Records a write in the current transaction, the one that stores its events, with the position
   * its events reached.
   *
   * @throws org.springframework.dao.DuplicateKeyException if the key completed a write meanwhile
   */
  void record(
      String clientId, String idempotencyKey, byte[] requestHash, String result, long position) {
    jdbc.update(
        "INSERT INTO idempotency_record (client_id, idempotency_key, request_hash, result,"
            + " position, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        clientId,
        idempotencyKey,
        requestHash,
        result,
        position,
        Instant.now().toString());
  }

  /**
   * The global index of a stored event, which must be visible to this connection (committed, or
   * written in its transaction).
   */
  public long positionOf(String eventIdentifier) {
    Long position =
        jdbc.queryForObject(
            "SELECT global_index FROM domain_event_entry WHERE event_identifier = ?",
            Long.class,
            eventIdentifier);
    if (position == null) {
      throw new IllegalStateException("event " + eventIdentifier + " has no global index");
    }
    return position;
  }

  /**
   * The event store's highest global index, as this connection sees it: inside a write's
   * transaction, it includes the write's own events.
   */
  public long latestPosition() {
    Long position =
        jdbc.queryForObject(
            "SELECT coalesce(max(global_index), 0) FROM domain_event_entry", Long.class);
    return position == null ? 0 : position;
  }
}
