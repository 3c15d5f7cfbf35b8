package org.carbonledger.api.exports;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.carbonledger.registry.LedgerRejection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Exports for regulators: every stored event with its signed chain entry and leaf, in global order,
 * page by page, so that an auditor can copy the ledger and verify it elsewhere with the spec alone
 * (docs/spec/03-chain-format.md). Pages are bounded like every other list (OWASP API4).
 */
@RestController
@RequestMapping("/api/v1/exports")
@Tag(name = "Exports", description = "For regulators")
@PreAuthorize("hasRole('REGULATOR')")
class ExportController {

  /** The largest export page. */
  static final int MAX_LIMIT = 5_000;

  private final JdbcTemplate jdbc;

  ExportController(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * One stored event with its chain entry.
   *
   * @param globalIndex the event store position
   * @param entry the canonical entry bytes exactly as signed, base64
   * @param leafIndex the event's leaf in the Merkle log; null until the sequencer logs it
   */
  record ExportedEvent(
      long globalIndex,
      String eventIdentifier,
      String streamId,
      long sequence,
      String payloadType,
      String entry,
      String entryHash,
      String keyId,
      String signature,
      Long leafIndex) {}

  /**
   * @param next the {@code after} of the next page, or null at the end
   */
  record EventPage(List<ExportedEvent> items, Long next) {}

  @GetMapping("/events")
  @Operation(summary = "Every event with its signed chain entry and leaf, in global order")
  EventPage events(
      @RequestParam(required = false, defaultValue = "-1") long after,
      @RequestParam(required = false, defaultValue = "1000") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw LedgerRejection.invalid(
          "limit", "limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
    }
    Base64.Encoder base64 = Base64.getEncoder();
    List<ExportedEvent> rows =
        jdbc.query(
            "SELECT d.global_index, d.event_identifier, d.aggregate_identifier,"
                + " d.sequence_number, d.payload_type, c.entry, c.entry_hash, c.key_id,"
                + " c.signature, l.leaf_index FROM domain_event_entry d"
                + " LEFT JOIN chain_entry c ON c.event_identifier = d.event_identifier"
                + " LEFT JOIN merkle_leaf l ON l.event_identifier = d.event_identifier"
                + " WHERE d.global_index > ? ORDER BY d.global_index LIMIT ?",
            (row, n) ->
                new ExportedEvent(
                    row.getLong(1),
                    row.getString(2),
                    row.getString(3),
                    row.getLong(4),
                    row.getString(5),
                    row.getBytes(6) == null ? null : base64.encodeToString(row.getBytes(6)),
                    row.getBytes(7) == null ? null : HexFormat.of().formatHex(row.getBytes(7)),
                    row.getString(8),
                    row.getBytes(9) == null ? null : base64.encodeToString(row.getBytes(9)),
                    row.getObject(10, Long.class)),
            after,
            limit + 1);
    if (rows.size() <= limit) {
      return new EventPage(rows, null);
    }
    List<ExportedEvent> page = rows.subList(0, limit);
    return new EventPage(page, page.get(limit - 1).globalIndex());
  }
}
