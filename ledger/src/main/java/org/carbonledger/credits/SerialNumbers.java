package org.carbonledger.credits;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The human-readable serial numbers of credits (see docs/spec/02-serial-numbers.md).
 *
 * <p>A serial block reads {@code PREFIX-PROJECT-VINTAGESTART-VINTAGEEND-BATCH-FIRST-LAST}, for
 * example {@code WHCI-WH-CYCLING-01-20260101-20260331-1-1-28571}: the registry, the project, the
 * monitoring period, the batch sequence within the project, and the first and last serial. One
 * credit is a block whose first and last serial are equal. Like Verra's ranges, the text alone says
 * which credits it covers and where they came from.
 */
public final class SerialNumbers {

  /** The registry prefix: Wuhan carbon-inclusive (武汉碳普惠). */
  public static final String REGISTRY_PREFIX = "WHCI";

  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private SerialNumbers() {}

  /** The label of a block of a batch. */
  public static String label(
      String prefix,
      String projectId,
      LocalDate vintageStart,
      LocalDate vintageEnd,
      int batchSequence,
      SerialBlock block) {
    return prefix
        + "-"
        + projectId
        + "-"
        + DAY.format(vintageStart)
        + "-"
        + DAY.format(vintageEnd)
        + "-"
        + batchSequence
        + "-"
        + block.first()
        + "-"
        + block.last();
  }

  /** The labels of blocks of one batch, in the order given. */
  public static List<String> labels(
      String prefix,
      String projectId,
      LocalDate vintageStart,
      LocalDate vintageEnd,
      int batchSequence,
      List<SerialBlock> blocks) {
    return blocks.stream()
        .map(block -> label(prefix, projectId, vintageStart, vintageEnd, batchSequence, block))
        .toList();
  }

  /**
   * Reads a label back. The project id may itself contain hyphens, so the fields are taken from
   * both ends: the prefix never contains one, and the last five fields are numbers.
   *
   * @throws IllegalArgumentException if the text is not a serial block label
   */
  public static Parsed parse(String label) {
    String[] parts = label.split("-", -1);
    if (parts.length < 7) {
      throw new IllegalArgumentException("not a serial block label: " + label);
    }
    int n = parts.length;
    try {
      String projectId = String.join("-", java.util.Arrays.copyOfRange(parts, 1, n - 5));
      return new Parsed(
          parts[0],
          projectId,
          LocalDate.parse(parts[n - 5], DAY),
          LocalDate.parse(parts[n - 4], DAY),
          Integer.parseInt(parts[n - 3]),
          new SerialBlock(Long.parseLong(parts[n - 2]), Long.parseLong(parts[n - 1])));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a serial block label: " + label, e);
    }
  }

  /** The fields of a serial block label. */
  public record Parsed(
      String prefix,
      String projectId,
      LocalDate vintageStart,
      LocalDate vintageEnd,
      int batchSequence,
      SerialBlock block) {}
}
