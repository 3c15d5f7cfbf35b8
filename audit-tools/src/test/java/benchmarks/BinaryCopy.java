package benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import org.postgresql.copy.CopyManager;

/**
 * Rows in PostgreSQL's binary COPY format ({@code COPY ... FROM STDIN (FORMAT binary)}): a header,
 * then per row a field count and each field as its length and its bytes in the type's binary form
 * (big-endian integers, UTF-8 text, raw bytea, dates and timestamps counted from 2000-01-01), then
 * a trailer. Bytea needs no hex or escaping this way, which halves what is sent for the signed
 * entries.
 */
final class BinaryCopy {

  /**
   * PostgreSQL's epoch for dates and timestamps, 2000-01-01, in days and microseconds of Java's.
   */
  private static final long POSTGRES_EPOCH_DAYS = LocalDate.of(2000, 1, 1).toEpochDay();

  private static final long POSTGRES_EPOCH_MICROS = POSTGRES_EPOCH_DAYS * 86_400_000_000L;

  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
  };

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);
  private final DataOutputStream out = new DataOutputStream(buffer);
  private long rows;

  BinaryCopy() {
    try {
      out.write(SIGNATURE);
      out.writeInt(0); // flags
      out.writeInt(0); // header extension length
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  BinaryCopy row(int fields) {
    rows++;
    try {
      out.writeShort(fields);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  BinaryCopy text(String value) {
    return bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  BinaryCopy bytes(byte[] value) {
    try {
      if (value == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(value.length);
        out.write(value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  BinaryCopy int8(long value) {
    try {
      out.writeInt(8);
      out.writeLong(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  BinaryCopy int4(int value) {
    try {
      out.writeInt(4);
      out.writeInt(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * A {@code TIMESTAMP WITH TIME ZONE} (or {@code TIMESTAMP}): microseconds since PostgreSQL's
   * epoch, so the instant is truncated to whole microseconds as PostgreSQL stores it.
   */
  BinaryCopy timestamp(Instant value) {
    if (value == null) {
      return bytes(null);
    }
    long micros =
        Math.addExact(
            Math.multiplyExact(value.getEpochSecond(), 1_000_000L), value.getNano() / 1_000);
    return int8(micros - POSTGRES_EPOCH_MICROS);
  }

  /** A {@code DATE}: days since PostgreSQL's epoch; null is SQL NULL. */
  BinaryCopy date(LocalDate value) {
    if (value == null) {
      return bytes(null);
    }
    return int4(Math.toIntExact(value.toEpochDay() - POSTGRES_EPOCH_DAYS));
  }

  long rows() {
    return rows;
  }

  /** Sends the rows with {@code COPY table (columns) FROM STDIN (FORMAT binary)}. */
  void copyInto(CopyManager copy, String tableAndColumns) throws SQLException {
    if (rows == 0) {
      return;
    }
    try {
      out.writeShort(-1); // trailer
      out.flush();
      copy.copyIn(
          "COPY " + tableAndColumns + " FROM STDIN (FORMAT binary)",
          new ByteArrayInputStream(buffer.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
