package org.carbonledger.projections;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.carbonledger.credits.SerialBlock;

/**
 * How the projections' tables store values (docs/spec/04-projections.md): times as {@code TIMESTAMP
 * WITH TIME ZONE} in UTC, days as {@code DATE}, lists of serial blocks as {@code first-last} joined
 * by commas, lists of labels joined by commas.
 */
public final class ProjectionSql {

  private static final String LIST_SEPARATOR = ",";

  private ProjectionSql() {}

  /**
   * An event's time as a JDBC parameter for a {@code TIMESTAMP WITH TIME ZONE} column, truncated to
   * whole microseconds (the precision of PostgreSQL's timestamps), so that no database rounds it
   * its own way.
   */
  public static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(stored(instant), ZoneOffset.UTC);
  }

  /** An instant as the projections store it: truncated to whole microseconds. */
  public static Instant stored(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  public static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  public static LocalDate date(ResultSet row, String column) throws SQLException {
    return row.getObject(column, LocalDate.class);
  }

  public static Long nullableLong(ResultSet row, String column) throws SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? null : value;
  }

  /** Serial blocks as stored: {@code 1-10,21-30}, in the given order. */
  public static String blocks(List<SerialBlock> blocks) {
    if (blocks.isEmpty()) {
      throw new IllegalStateException("a movement moves at least one serial block");
    }
    return String.join(LIST_SEPARATOR, blocks.stream().map(SerialBlock::toString).toList());
  }

  /** Serial blocks as {@link #blocks(List)} stores them. */
  public static List<SerialBlock> blocks(String text) {
    List<SerialBlock> blocks = new ArrayList<>();
    for (String block : text.split(LIST_SEPARATOR)) {
      int dash = block.indexOf('-');
      blocks.add(
          new SerialBlock(
              Long.parseLong(block.substring(0, dash)), Long.parseLong(block.substring(dash + 1))));
    }
    return List.copyOf(blocks);
  }

  /** Labels (serial numbers) as stored: joined by commas, in the given order. */
  public static String labels(List<String> labels) {
    for (String label : labels) {
      if (label.contains(LIST_SEPARATOR)) {
        throw new IllegalStateException("a serial number label contains a comma: " + label);
      }
    }
    return String.join(LIST_SEPARATOR, labels);
  }

  /** Labels as {@link #labels(List)} stores them. */
  public static List<String> labels(String text) {
    return text.isEmpty() ? List.of() : List.copyOf(Arrays.asList(text.split(LIST_SEPARATOR)));
  }
}
