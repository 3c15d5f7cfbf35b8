package org.carbonledger.chain;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The canonical, length-prefixed binary encoding of an {@link Entry} (spec section 3.2).
 *
 * <p>The encoding is the domain-separation prefix {@code "carbon-ledger/entry/v1"} followed by a
 * 0x00 byte, then the ten envelope fields in a fixed order, each as a field tag (one byte, 0x01 to
 * 0x0A), a big-endian unsigned 32-bit length and the value bytes. Strings are UTF-8 without
 * normalization, longs are 8 bytes big-endian two's complement, byte arrays are copied as they are.
 * There is exactly one encoding of each entry, so hashing the encoding hashes the entry.
 *
 * <p>A binary encoding was chosen over canonical JSON (JCS) because the payload is already JSON
 * bytes that must be hashed exactly as stored, and a length-prefixed format can be implemented byte
 * for byte in any language without a JSON number or string canonicalizer.
 */
public final class EntryCodec {

  /** The domain-separation prefix: ASCII {@code carbon-ledger/entry/v1} and a 0x00 byte. */
  public static final byte[] PREFIX = prefix("carbon-ledger/entry/v1");

  static final int TAG_ORIGIN = 0x01;
  static final int TAG_AGGREGATE_TYPE = 0x02;
  static final int TAG_STREAM_ID = 0x03;
  static final int TAG_SEQUENCE = 0x04;
  static final int TAG_EVENT_TYPE = 0x05;
  static final int TAG_PAYLOAD = 0x06;
  static final int TAG_TIMESTAMP = 0x07;
  static final int TAG_ACTOR = 0x08;
  static final int TAG_IDEMPOTENCY_KEY = 0x09;
  static final int TAG_PREVIOUS_HASH = 0x0A;

  private EntryCodec() {}

  /**
   * Encodes an entry canonically.
   *
   * @param entry the entry, not null (its constructor has already checked every field)
   * @return the canonical bytes, a new array
   */
  public static byte[] encode(Entry entry) {
    Writer out = new Writer(PREFIX);
    out.string(TAG_ORIGIN, entry.origin());
    out.string(TAG_AGGREGATE_TYPE, entry.aggregateType());
    out.string(TAG_STREAM_ID, entry.streamId());
    out.int64(TAG_SEQUENCE, entry.sequence());
    out.string(TAG_EVENT_TYPE, entry.eventType());
    out.bytes(TAG_PAYLOAD, entry.payload());
    out.int64(TAG_TIMESTAMP, entry.timestampMicros());
    out.string(TAG_ACTOR, entry.actor());
    out.string(TAG_IDEMPOTENCY_KEY, entry.idempotencyKey());
    out.bytes(TAG_PREVIOUS_HASH, entry.previousHash());
    return out.toByteArray();
  }

  /**
   * Decodes canonical bytes, accepting nothing but the exact canonical form: the prefix, every
   * field with its expected tag in order, lengths that fit, valid UTF-8, the field constraints of
   * {@link Entry} and no trailing bytes.
   *
   * @param bytes the canonical bytes, not null
   * @return the entry
   * @throws ChainException carrying {@link ChainFailure.MalformedEntry} with the byte offset where
   *     decoding stopped
   */
  public static Entry decode(byte[] bytes) {
    Reader in = new Reader(bytes, PREFIX, "entry");
    String origin = in.string(TAG_ORIGIN, "origin", false);
    String aggregateType = in.string(TAG_AGGREGATE_TYPE, "aggregate type", false);
    String streamId = in.string(TAG_STREAM_ID, "stream id", false);
    int sequenceAt = in.offset();
    long sequence = in.int64(TAG_SEQUENCE, "sequence");
    if (sequence < 0) {
      throw in.malformed(sequenceAt, "sequence is negative: " + sequence);
    }
    String eventType = in.string(TAG_EVENT_TYPE, "event type", false);
    byte[] payload = in.bytes(TAG_PAYLOAD, "payload", -1);
    long timestamp = in.int64(TAG_TIMESTAMP, "timestamp");
    String actor = in.string(TAG_ACTOR, "actor", true);
    String idempotencyKey = in.string(TAG_IDEMPOTENCY_KEY, "idempotency key", true);
    byte[] previousHash = in.bytes(TAG_PREVIOUS_HASH, "previous hash", Hashing.HASH_BYTES);
    in.end();
    return new Entry(
        origin,
        aggregateType,
        streamId,
        sequence,
        eventType,
        payload,
        timestamp,
        actor,
        idempotencyKey,
        previousHash);
  }

  /** ASCII text followed by a 0x00 byte, which keeps every prefix from being a valid note text. */
  static byte[] prefix(String ascii) {
    byte[] text = ascii.getBytes(StandardCharsets.US_ASCII);
    return Arrays.copyOf(text, text.length + 1);
  }

  /** Writes the tag, length, value format shared by the entry and signed-entry encodings. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer(byte[] prefix) {
      out.writeBytes(prefix);
    }

    void string(int tag, String value) {
      bytes(tag, value.getBytes(StandardCharsets.UTF_8));
    }

    void int64(int tag, long value) {
      header(tag, Long.BYTES);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (value >>> shift));
      }
    }

    void bytes(int tag, byte[] value) {
      header(tag, value.length);
      out.writeBytes(value);
    }

    /** The tag, then the length as 4 big-endian bytes. */
    private void header(int tag, int length) {
      out.write(tag);
      out.write(length >>> 24);
      out.write(length >>> 16);
      out.write(length >>> 8);
      out.write(length);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** Reads the tag, length, value format strictly, reporting the offset of whatever is wrong. */
  static final class Reader {
    private final byte[] bytes;
    private final String what;
    private int offset;

    Reader(byte[] bytes, byte[] prefix, String what) {
      this.bytes = bytes;
      this.what = what;
      if (bytes.length < prefix.length
          || !Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length)) {
        throw malformed(0, "does not start with the " + what + " prefix");
      }
      this.offset = prefix.length;
    }

    int offset() {
      return offset;
    }

    String string(int tag, String name, boolean mayBeEmpty) {
      int valueAt = field(tag, name, -1);
      int length = offset - valueAt;
      if (!mayBeEmpty && length == 0) {
        throw malformed(valueAt, name + " is empty");
      }
      if (isAscii(valueAt, offset)) {
        // Most fields are ASCII, which is valid UTF-8 as it is; only the rest needs the strict
        // decoder, which refuses what a lenient one would replace.
        return new String(bytes, valueAt, length, StandardCharsets.US_ASCII);
      }
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, valueAt, length))
            .toString();
      } catch (CharacterCodingException e) {
        throw malformed(valueAt, name + " is not valid UTF-8");
      }
    }

    private boolean isAscii(int from, int to) {
      for (int i = from; i < to; i++) {
        if (bytes[i] < 0) {
          return false;
        }
      }
      return true;
    }

    long int64(int tag, String name) {
      int valueAt = field(tag, name, Long.BYTES);
      return ByteBuffer.wrap(bytes, valueAt, Long.BYTES).getLong();
    }

    /**
     * Reads one field.
     *
     * @param exactLength the required length, or -1 for any length
     * @return a copy of its value
     */
    byte[] bytes(int tag, String name, int exactLength) {
      int valueAt = field(tag, name, exactLength);
      return Arrays.copyOfRange(bytes, valueAt, offset);
    }

    /**
     * Checks one field's tag and length and moves past it.
     *
     * @param exactLength the required length, or -1 for any length
     * @return the offset of its value, which ends at the new {@link #offset()}
     */
    private int field(int tag, String name, int exactLength) {
      int fieldAt = offset;
      if (bytes.length - offset < 5) {
        throw malformed(fieldAt, "truncated before the " + name + " field");
      }
      int actualTag = bytes[offset] & 0xFF;
      if (actualTag != tag) {
        throw malformed(
            fieldAt,
            String.format("expected tag 0x%02x (%s) but found 0x%02x", tag, name, actualTag));
      }
      long length = ByteBuffer.wrap(bytes, offset + 1, Integer.BYTES).getInt() & 0xFFFFFFFFL;
      int valueAt = offset + 5;
      if (length > bytes.length - valueAt) {
        throw malformed(
            fieldAt,
            name
                + " length "
                + length
                + " exceeds the "
                + (bytes.length - valueAt)
                + " bytes that remain");
      }
      if (exactLength >= 0 && length != exactLength) {
        throw malformed(fieldAt, name + " must be " + exactLength + " bytes, not " + length);
      }
      offset = valueAt + (int) length;
      return valueAt;
    }

    void end() {
      if (offset != bytes.length) {
        throw malformed(
            offset, (bytes.length - offset) + " trailing bytes after the last " + what + " field");
      }
    }

    ChainException malformed(int at, String reason) {
      return new ChainException(new ChainFailure.MalformedEntry(at, reason));
    }
  }
}
