package org.carbonledger.projections;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.carbonledger.store.DatabaseKind;
import org.carbonledger.store.ValueLists;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts many rows into one table, in the current transaction: with {@code COPY ... FROM STDIN} on
 * PostgreSQL, as a batched {@code INSERT} elsewhere (H2, the embedded default).
 *
 * <p>Why: the projections write their rows once per processor batch (up to 20,000 events), and in a
 * replay the multi-row inserts of account movements and holding blocks were the largest part of
 * PostgreSQL's time: the driver encoded every value as a bound parameter, and the server parsed and
 * planned a statement of up to 128 rows of them again and again (docs/performance.md). COPY sends
 * the rows as text in one stream that the server reads without planning anything. A COPY costs one
 * more round trip than a prepared insert, so a few rows (a processor batch that keeps up with the
 * commands) are inserted as before.
 *
 * <p>COPY takes rows whose values are {@code null}, {@link String}, {@link Long}, {@link Integer},
 * {@link LocalDate} of the years 1 to 9999, and {@link OffsetDateTime} of those years in whole
 * microseconds, for {@code TIMESTAMP WITH TIME ZONE} columns only: everything the projections
 * store. Rows holding anything else (a year beyond 9999, a time finer than PostgreSQL keeps) are
 * inserted as elsewhere, so that what is stored does not depend on the path taken.
 */
public final class BulkInsert {

  /** From how many rows on COPY is used. */
  static final int COPY_FROM_ROWS = 64;

  /** About how much COPY text is written before it is sent. */
  private static final int COPY_CHUNK_CHARS = 64 * 1_024;

  private BulkInsert() {}

  /**
   * @param jdbc runs on the transaction's own connection
   * @param table the table, named by the code, never by input
   * @param columns its columns, in the order of each row's values
   * @param rows the rows; each as long as {@code columns}
   * @throws org.springframework.dao.DataAccessException if the database refuses any row; then none
   *     of them is kept once the transaction rolls back
   */
  public static void into(
      JdbcTemplate jdbc, String table, List<String> columns, List<Object[]> rows) {
    into(jdbc, table, columns, rows, COPY_FROM_ROWS);
  }

  /** {@link #into(JdbcTemplate, String, List, List)}, with COPY from {@code copyFromRows} rows. */
  static void into(
      JdbcTemplate jdbc,
      String table,
      List<String> columns,
      List<Object[]> rows,
      int copyFromRows) {
    if (rows.isEmpty()) {
      return;
    }
    for (Object[] row : rows) {
      if (row.length != columns.size()) {
        throw new IllegalArgumentException(
            "a row of " + row.length + " values for " + columns.size() + " columns of " + table);
      }
    }
    String names = String.join(", ", columns);
    // Only enough rows are worth asking the connection which database it is: a processor batch that
    // keeps up goes straight to the insert. The rest is decided, and COPY run, on the
    // transaction's connection; the insert runs after it, so that without a transaction it does
    // not borrow a second connection while holding one.
    boolean copied =
        rows.size() >= copyFromRows
            && jdbc.execute(
                (ConnectionCallback<Boolean>)
                    connection -> {
                      if (!DatabaseKind.isPostgres(connection) || !copyable(rows)) {
                        return false;
                      }
                      copy(
                          connection.unwrap(PGConnection.class),
                          "COPY " + table + " (" + names + ") FROM STDIN",
                          rows);
                      return true;
                    });
    if (!copied) {
      jdbc.batchUpdate(
          "INSERT INTO "
              + table
              + " ("
              + names
              + ") VALUES ("
              + ValueLists.placeholders(columns.size(), "?")
              + ")",
          rows);
    }
  }

  /**
   * Sends the rows' text a chunk at a time, each as soon as it is written, so that PostgreSQL reads
   * and inserts one chunk while the next is being written: in a replay the text of a processor
   * batch's account movements was 3 to 4 MB, written whole before the first byte was sent.
   *
   * @param rows rows that are {@link #copyable}
   */
  static void copy(PGConnection connection, String sql, List<Object[]> rows) throws SQLException {
    CopyIn copy = connection.getCopyAPI().copyIn(sql);
    try {
      StringBuilder chunk = new StringBuilder(COPY_CHUNK_CHARS + 1_024);
      for (Object[] row : rows) {
        line(chunk, row);
        if (chunk.length() >= COPY_CHUNK_CHARS) {
          send(copy, chunk);
        }
      }
      send(copy, chunk);
      long copied = copy.endCopy();
      if (copied != rows.size()) {
        throw new IllegalStateException("COPY wrote " + copied + " of " + rows.size() + " rows");
      }
    } catch (SQLException | RuntimeException | Error e) {
      // The text is written while the COPY is open: whatever stops it (an OutOfMemoryError
      // included) must end the COPY, or the connection stays locked by it and the rollback that
      // follows waits for it forever.
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException cancelling) {
          e.addSuppressed(cancelling);
        }
      }
      throw e;
    }
  }

  private static void send(CopyIn copy, StringBuilder chunk) throws SQLException {
    if (chunk.length() > 0) {
      byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(bytes, 0, bytes.length);
      chunk.setLength(0);
    }
  }

  /**
   * The rows in COPY's text format: tab-separated, one line each, {@code \N} for null; or null if a
   * value has no text here.
   */
  static String text(List<Object[]> rows) {
    if (!copyable(rows)) {
      return null;
    }
    StringBuilder text = new StringBuilder(rows.size() * 200);
    rows.forEach(row -> line(text, row));
    return text.toString();
  }

  /** Whether every value of the rows has COPY text that PostgreSQL stores as JDBC binds it. */
  public static boolean copyable(List<Object[]> rows) {
    for (Object[] row : rows) {
      for (Object value : row) {
        if (!copyable(value)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean copyable(Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Long
        || value instanceof Integer) {
      return true;
    }
    if (value instanceof LocalDate date) {
      return ordinary(date.getYear());
    }
    if (value instanceof OffsetDateTime time) {
      OffsetDateTime utc = time.withOffsetSameInstant(ZoneOffset.UTC);
      // Finer than a microsecond, PostgreSQL and the driver could round differently.
      return ordinary(utc.getYear()) && utc.getNano() % 1_000 == 0;
    }
    return false;
  }

  /** One row's line of COPY text; its values must be {@link #copyable}. */
  private static void line(StringBuilder text, Object[] row) {
    for (int i = 0; i < row.length; i++) {
      if (i > 0) {
        text.append('\t');
      }
      value(text, row[i]);
    }
    text.append('\n');
  }

  private static void value(StringBuilder text, Object value) {
    if (value == null) {
      text.append("\\N");
    } else if (value instanceof String string) {
      escaped(text, string);
    } else if (value instanceof LocalDate date) {
      text.append(date);
    } else if (value instanceof OffsetDateTime time) {
      OffsetDateTime utc = time.withOffsetSameInstant(ZoneOffset.UTC);
      // ISO 8601 in UTC, which PostgreSQL reads whatever its DateStyle. Written by hand: a
      // DateTimeFormatter was a quarter of the cost of the text in a replay.
      digits(text, utc.getYear(), 4).append('-');
      digits(text, utc.getMonthValue(), 2).append('-');
      digits(text, utc.getDayOfMonth(), 2).append('T');
      digits(text, utc.getHour(), 2).append(':');
      digits(text, utc.getMinute(), 2).append(':');
      digits(text, utc.getSecond(), 2).append('.');
      digits(text, utc.getNano() / 1_000, 6).append('Z');
    } else {
      // Long or Integer: copyable() admitted nothing else.
      text.append(value);
    }
  }

  /** Years that ISO 8601 writes with four digits and no sign, as PostgreSQL reads them. */
  private static boolean ordinary(int year) {
    return year >= 1 && year <= 9999;
  }

  /** {@code value}, not negative, in at least {@code width} decimal digits. */
  private static StringBuilder digits(StringBuilder text, int value, int width) {
    for (int limit = 10, digits = 1; digits < width; limit *= 10, digits++) {
      if (value < limit) {
        text.append('0');
      }
    }
    return text.append(value);
  }

  /** Backslash, tab, newline and carriage return would otherwise end or escape the value. */
  private static void escaped(StringBuilder text, String value) {
    int from = 0;
    for (int i = 0; i < value.length(); i++) {
      String escape =
          switch (value.charAt(i)) {
            case '\\' -> "\\\\";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> null;
          };
      if (escape != null) {
        text.append(value, from, i).append(escape);
        from = i + 1;
      }
    }
    text.append(value, from, value.length());
  }
}
