package org.carbonledger.store;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import org.axonframework.common.DateTimeUtils;

/**
 * Reads the timestamps of stored events, which Axon keeps as text such as {@code
 * 2026-11-21T18:10:00.123Z} ({@link DateTimeUtils#formatInstant}).
 *
 * <p>Why not Axon's own {@link DateTimeUtils#parseInstant}: it runs a general ISO-8601 {@code
 * DateTimeFormatter} for every event read, twice per event, and that was 12% of the projection
 * thread's CPU in a replay (docs/performance.md). Every timestamp Axon writes has exactly the shape
 * above, which this class reads by hand; anything else (another offset, other digits of fraction, a
 * lower-case letter, a date that does not exist) goes to Axon's parser, so the result, or the
 * error, is always the one Axon would give.
 */
public final class EventTimestamps {

  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ}. */
  private static final int LENGTH = 24;

  private EventTimestamps() {}

  /**
   * @param text a stored event's timestamp, not null
   * @return the instant it names, equal to {@link DateTimeUtils#parseInstant}'s
   * @throws java.time.format.DateTimeParseException if Axon's parser refuses it
   */
  public static Instant parse(CharSequence text) {
    if (text.length() == LENGTH
        && text.charAt(4) == '-'
        && text.charAt(7) == '-'
        && text.charAt(10) == 'T'
        && text.charAt(13) == ':'
        && text.charAt(16) == ':'
        && text.charAt(19) == '.'
        && text.charAt(23) == 'Z') {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 2);
      int day = digits(text, 8, 2);
      int hour = digits(text, 11, 2);
      int minute = digits(text, 14, 2);
      int second = digits(text, 17, 2);
      int millis = digits(text, 20, 3);
      if (year >= 0
          && month >= 0
          && day >= 0
          && hour >= 0
          && hour <= 23
          && minute >= 0
          && minute <= 59
          && second >= 0
          && second <= 59
          && millis >= 0) {
        try {
          long epochDay = LocalDate.of(year, month, day).toEpochDay();
          return Instant.ofEpochSecond(
              epochDay * 86_400 + hour * 3_600L + minute * 60L + second, millis * 1_000_000L);
        } catch (DateTimeException e) {
          // Not a real date (say 30 February): Axon's parser gives the error.
        }
      }
    }
    return DateTimeUtils.parseInstant(text);
  }

  /** The decimal number in {@code text[from, from + count)}, or -1 if any of it is not a digit. */
  private static int digits(CharSequence text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
