package org.carbonledger.audit.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.carbonledger.audit.replay.BatchChange.Claim;
import org.carbonledger.audit.replay.BatchChange.Issued;
import org.carbonledger.audit.replay.BatchChange.Kind;
import org.carbonledger.audit.replay.BatchChange.Moved;

/**
 * Reads the JSON payloads of the four batch events with Jackson's tree model, following the
 * documented fields rather than the ledger's classes: a verifier must not trust the code that wrote
 * the data.
 *
 * <pre>
 * BatchIssued        {"batchId","projectId","batchSequence","vintageStart","vintageEnd",
 *                     "verificationReportId","verifier","accountId","quantity",
 *                     "serials":{"first","last"},"serialPrefix", ...}
 * CreditsTransferred {"batchId","transferId","fromAccountId","toAccountId","quantity",
 *                     "blocks":[{"first","last"}, ...], ...}
 * CreditsRetired     {"batchId","retirementId","accountId","quantity","blocks":[...],
 *                     "beneficiary","reason","details"?,"purpose","consumptionPeriodStart"?,
 *                     "consumptionPeriodEnd"?,"jurisdictionOfUse","footprintId"?, ...}
 * CreditsCancelled   {"batchId","cancellationId","accountId","quantity","blocks":[...], ...}
 * </pre>
 *
 * <p>A field marked {@code ?} is optional: absent or {@code null} when the event has none. A
 * retirement's claim is read because the public register shows it (docs/spec/04-projections.md
 * §4.2.8); a retirement that does not state its beneficiary, reason, purpose and jurisdiction of
 * use is not one the register could show, so it is malformed like one without serials.
 */
final class BatchEventJson {

  /** A payload that is not what its type says it is. */
  static final class MalformedPayload extends Exception {
    MalformedPayload(String message) {
      super(message);
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private BatchEventJson() {}

  /**
   * The event type a stored payload type names: the simple name of its class, so that {@code
   * org.carbonledger.credits.BatchEvent$BatchIssued} is {@code BatchIssued}.
   */
  static String simpleName(String payloadType) {
    int cut = Math.max(payloadType.lastIndexOf('.'), payloadType.lastIndexOf('$'));
    return payloadType.substring(cut + 1);
  }

  /** Whether the replay reads events of this payload type. */
  static boolean isBatchEvent(String payloadType) {
    String name = simpleName(payloadType);
    return name.equals("BatchIssued")
        || name.equals(Kind.TRANSFER.eventType)
        || name.equals(Kind.RETIREMENT.eventType)
        || name.equals(Kind.CANCELLATION.eventType);
  }

  /**
   * Reads one payload.
   *
   * @param payloadType the stored {@code payload_type}; {@link #isBatchEvent} must hold for it
   * @throws MalformedPayload when the payload is no JSON object or misses or mistypes a field
   */
  static BatchChange parse(String payloadType, byte[] payload) throws MalformedPayload {
    JsonNode json;
    try {
      json = MAPPER.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new MalformedPayload("the payload is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedPayload("the payload cannot be read: " + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw new MalformedPayload("the payload is not a JSON object");
    }
    String name = simpleName(payloadType);
    return switch (name) {
      case "BatchIssued" ->
          new Issued(
              text(json, "batchId"),
              text(json, "projectId"),
              smallNumber(json, "batchSequence"),
              date(json, "vintageStart"),
              date(json, "vintageEnd"),
              text(json, "verificationReportId"),
              text(json, "verifier"),
              text(json, "accountId"),
              number(json, "quantity"),
              range(json.get("serials"), "serials"),
              text(json, "serialPrefix"));
      case "CreditsTransferred" ->
          new Moved(
              Kind.TRANSFER,
              text(json, "batchId"),
              text(json, "transferId"),
              text(json, "fromAccountId"),
              text(json, "toAccountId"),
              number(json, "quantity"),
              blocks(json),
              null);
      case "CreditsRetired" ->
          new Moved(
              Kind.RETIREMENT,
              text(json, "batchId"),
              text(json, "retirementId"),
              text(json, "accountId"),
              null,
              number(json, "quantity"),
              blocks(json),
              new Claim(
                  text(json, "beneficiary"),
                  text(json, "reason"),
                  optionalText(json, "details"),
                  text(json, "purpose"),
                  optionalDate(json, "consumptionPeriodStart"),
                  optionalDate(json, "consumptionPeriodEnd"),
                  text(json, "jurisdictionOfUse"),
                  optionalText(json, "footprintId")));
      case "CreditsCancelled" ->
          new Moved(
              Kind.CANCELLATION,
              text(json, "batchId"),
              text(json, "cancellationId"),
              text(json, "accountId"),
              null,
              number(json, "quantity"),
              blocks(json),
              null);
      default -> throw new IllegalArgumentException("not a batch event: " + payloadType);
    };
  }

  private static String text(JsonNode json, String field) throws MalformedPayload {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual()) {
      throw new MalformedPayload("\"" + field + "\" is missing or not text");
    }
    return value.textValue();
  }

  /** The text of an optional field: null when it is absent or {@code null}. */
  private static String optionalText(JsonNode json, String field) throws MalformedPayload {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : text(json, field);
  }

  private static long number(JsonNode json, String field) throws MalformedPayload {
    JsonNode value = json.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new MalformedPayload("\"" + field + "\" is missing or not a whole number");
    }
    return value.longValue();
  }

  private static int smallNumber(JsonNode json, String field) throws MalformedPayload {
    long value = number(json, field);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new MalformedPayload("\"" + field + "\" is out of range: " + value);
    }
    return (int) value;
  }

  private static LocalDate date(JsonNode json, String field) throws MalformedPayload {
    String text = text(json, field);
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new MalformedPayload("\"" + field + "\" is not a date: " + text);
    }
  }

  /** The date of an optional field: null when it is absent or {@code null}. */
  private static LocalDate optionalDate(JsonNode json, String field) throws MalformedPayload {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : date(json, field);
  }

  private static List<SerialRange> blocks(JsonNode json) throws MalformedPayload {
    JsonNode blocks = json.get("blocks");
    if (blocks == null || !blocks.isArray()) {
      throw new MalformedPayload(
          "\"blocks\" is missing or not a list: the event must list the"
              + " serial blocks that moved");
    }
    List<SerialRange> ranges = new ArrayList<>(blocks.size());
    for (JsonNode block : blocks) {
      ranges.add(range(block, "blocks"));
    }
    return ranges;
  }

  private static SerialRange range(JsonNode block, String field) throws MalformedPayload {
    if (block == null || !block.isObject()) {
      throw new MalformedPayload("\"" + field + "\" holds no serial block {\"first\",\"last\"}");
    }
    long first = number(block, "first");
    long last = number(block, "last");
    if (first < 1 || last < first) {
      throw new MalformedPayload(
          "\""
              + field
              + "\" holds the serial block "
              + first
              + ".."
              + last
              + ", which does not run from a serial of at least 1 to one not below it");
    }
    return new SerialRange(first, last);
  }
}
