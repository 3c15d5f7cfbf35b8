package org.carbonledger.audit.replay;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Batch event payloads as the ledger stores them (JSON, docs/spec/01-domain.md §1.6), numbered as
 * an event store numbers them: a global index, and a sequence number per stream.
 */
final class BatchEvents {

  static final String TYPE_PREFIX = "org.carbonledger.credits.BatchEvent$";
  static final String TIME = "2026-04-01T08:00:00.123Z";

  private long globalIndex;
  private final Map<String, Long> sequences = new HashMap<>();

  BatchEvents() {
    this(0);
  }

  /** Numbers the next event {@code after + 1}. */
  BatchEvents(long after) {
    this.globalIndex = after;
  }

  StoredEvent issued(String batchId, String accountId, long first, long last) {
    return event(
        batchId, "BatchIssued", issuedJson(batchId, accountId, last - first + 1, first, last));
  }

  static String issuedJson(String batchId, String accountId, long quantity, long first, long last) {
    String project = batchId.substring(0, batchId.lastIndexOf("-B"));
    return "{\"batchId\":\""
        + batchId
        + "\",\"projectId\":\""
        + project
        + "\",\"batchSequence\":"
        + batchId.substring(batchId.lastIndexOf("-B") + 2)
        + ",\"vintageStart\":\"2026-01-01\",\"vintageEnd\":\"2026-03-31\","
        + "\"verificationReportId\":\"VR-"
        + batchId
        + "\",\"verifier\":\"CQC\",\"accountId\":\""
        + accountId
        + "\",\"quantity\":"
        + quantity
        + ",\"serials\":{\"first\":"
        + first
        + ",\"last\":"
        + last
        + "},\"serialPrefix\":\"WHCI\"}";
  }

  StoredEvent transferred(
      String batchId, String transferId, String from, String to, long quantity, String blocks) {
    return event(
        batchId,
        "CreditsTransferred",
        "{\"batchId\":\""
            + batchId
            + "\",\"transferId\":\""
            + transferId
            + "\",\"fromAccountId\":\""
            + from
            + "\",\"toAccountId\":\""
            + to
            + "\",\"quantity\":"
            + quantity
            + ",\"blocks\":"
            + blocks(blocks)
            + "}");
  }

  StoredEvent retired(
      String batchId, String retirementId, String account, long quantity, String blocks) {
    return event(
        batchId, "CreditsRetired", retiredJson(batchId, retirementId, account, quantity, blocks));
  }

  /** A retirement's payload, with the claim every retirement of these fixtures makes. */
  static String retiredJson(
      String batchId, String retirementId, String account, long quantity, String blocks) {
    return "{\"batchId\":\""
        + batchId
        + "\",\"retirementId\":\""
        + retirementId
        + "\",\"accountId\":\""
        + account
        + "\",\"quantity\":"
        + quantity
        + ",\"blocks\":"
        + blocks(blocks)
        + ",\"beneficiary\":\"Wuhan Marathon 2026 participants\",\"reason\":\"neutral\","
        + "\"details\":null,\"purpose\":\"VOLUNTARY\",\"consumptionPeriodStart\":null,"
        + "\"consumptionPeriodEnd\":null,\"jurisdictionOfUse\":\"CN-HB\","
        + "\"footprintId\":null}";
  }

  StoredEvent cancelled(
      String batchId, String cancellationId, String account, long quantity, String blocks) {
    return event(
        batchId,
        "CreditsCancelled",
        "{\"batchId\":\""
            + batchId
            + "\",\"cancellationId\":\""
            + cancellationId
            + "\",\"accountId\":\""
            + account
            + "\",\"quantity\":"
            + quantity
            + ",\"blocks\":"
            + blocks(blocks)
            + ",\"kind\":\"ADMINISTRATIVE\",\"reason\":\"verification error\"}");
  }

  /** An event of any stream and type with any payload. */
  StoredEvent raw(String aggregateId, String type, String json) {
    long sequence = sequences.merge(aggregateId, 1L, Long::sum) - 1;
    return new StoredEvent(
        ++globalIndex,
        UUID.randomUUID().toString(),
        aggregateId,
        sequence,
        type.contains(".") ? type : TYPE_PREFIX + type,
        TIME,
        json.getBytes(StandardCharsets.UTF_8));
  }

  private StoredEvent event(String batchId, String type, String json) {
    return raw("batch:" + batchId, type, json);
  }

  /** "1-10,21-25" as [{"first":1,"last":10},{"first":21,"last":25}]. */
  static String blocks(String blocks) {
    if (blocks.isEmpty()) {
      return "[]";
    }
    return List.of(blocks.split(",")).stream()
        .map(
            block -> {
              String[] ends = block.split("-");
              return "{\"first\":" + ends[0] + ",\"last\":" + ends[1] + "}";
            })
        .collect(Collectors.joining(",", "[", "]"));
  }
}
