package org.carbonledger.registry;

import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * Argument checks for commands, each naming the offending field in its rejection.
 *
 * <p>Commands are checked when they are built, so a malformed command never reaches an aggregate.
 * Events are not checked this way: they are facts already recorded and must always load, even if
 * the rules for new commands later become stricter.
 */
public final class Require {

  /** Identifiers: letters, digits, dot, underscore and hyphen, 1 to 100 characters. */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  /**
   * ISO 3166-1 alpha-2 country, optionally with an ISO 3166-2 subdivision: {@code CN}, {@code
   * CN-HB} (Hubei). Only the shape is checked; the registry does not carry the ISO tables.
   */
  private static final Pattern JURISDICTION = Pattern.compile("[A-Z]{2}(-[A-Z0-9]{1,3})?");

  private Require() {}

  public static <T> T present(T value, String field) {
    if (value == null) {
      throw LedgerRejection.invalid(field, field + " is required");
    }
    return value;
  }

  public static String text(String value, String field, int maxLength) {
    present(value, field);
    if (value.isBlank()) {
      throw LedgerRejection.invalid(field, field + " must not be blank");
    }
    if (value.length() > maxLength) {
      throw LedgerRejection.invalid(
          field, field + " must be at most " + maxLength + " characters long");
    }
    return value;
  }

  public static String identifier(String value, String field) {
    present(value, field);
    if (!IDENTIFIER.matcher(value).matches()) {
      throw LedgerRejection.invalid(
          field,
          field
              + " must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter"
              + " or digit");
    }
    return value;
  }

  public static long positive(long value, String field) {
    if (value <= 0) {
      throw LedgerRejection.invalid(field, field + " must be a positive whole number");
    }
    return value;
  }

  public static String jurisdictionCode(String value, String field) {
    present(value, field);
    if (!JURISDICTION.matcher(value).matches()) {
      throw LedgerRejection.invalid(
          field, field + " must be an ISO 3166-1 or 3166-2 code such as CN or CN-HB");
    }
    return value;
  }

  /** Optional text: null is allowed, anything else must be non-blank and short enough. */
  public static String optionalText(String value, String field, int maxLength) {
    return value == null ? null : text(value, field, maxLength);
  }

  /** A period whose start is not after its end; both ends are required. */
  public static void period(LocalDate start, String startField, LocalDate end, String endField) {
    present(start, startField);
    present(end, endField);
    if (start.isAfter(end)) {
      throw LedgerRejection.invalid(endField, endField + " must not be before " + startField);
    }
  }
}
