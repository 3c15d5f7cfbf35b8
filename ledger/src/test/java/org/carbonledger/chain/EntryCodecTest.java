package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The canonical entry encoding: its exact bytes, its round trip and its strict decoding. */
class EntryCodecTest {

  private static Entry small() {
    return new Entry(
        "o", "A", "s:1", 2, "E", new byte[] {'{', '}'}, -1, "", "k", Hashing.zeroHash());
  }

  @Test
  void encodesEveryFieldAsTagLengthValueAfterThePrefix() {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes("carbon-ledger/entry/v1\0".getBytes(StandardCharsets.US_ASCII));
    expected.writeBytes(TestVectors.hex("01" + "00000001" + "6f")); // origin "o"
    expected.writeBytes(TestVectors.hex("02" + "00000001" + "41")); // aggregate type "A"
    expected.writeBytes(TestVectors.hex("03" + "00000003" + "733a31")); // stream id "s:1"
    expected.writeBytes(TestVectors.hex("04" + "00000008" + "0000000000000002")); // sequence 2
    expected.writeBytes(TestVectors.hex("05" + "00000001" + "45")); // event type "E"
    expected.writeBytes(TestVectors.hex("06" + "00000002" + "7b7d")); // payload "{}"
    expected.writeBytes(TestVectors.hex("07" + "00000008" + "ffffffffffffffff")); // timestamp -1
    expected.writeBytes(TestVectors.hex("08" + "00000000")); // actor ""
    expected.writeBytes(TestVectors.hex("09" + "00000001" + "6b")); // idempotency key "k"
    expected.writeBytes(TestVectors.hex("0a" + "00000020" + "00".repeat(32))); // previous hash

    assertThat(EntryCodec.encode(small())).isEqualTo(expected.toByteArray());
    assertThat(small().hash()).isEqualTo(Hashing.sha256(expected.toByteArray()));
  }

  @Test
  void decodeIsTheInverseOfEncode() {
    Entry entry = ChainFixtures.entry("batch:P-B1", 7, Hashing.sha256(new byte[] {1}));
    assertThat(EntryCodec.decode(EntryCodec.encode(entry))).isEqualTo(entry);
    assertThat(EntryCodec.decode(EntryCodec.encode(small()))).isEqualTo(small());
  }

  @Test
  void stringsAreUtf8WithoutNormalization() {
    // "é" precomposed (U+00E9) and decomposed (e + U+0301) are different entries.
    Entry precomposed = withActor("caf\u00e9");
    Entry decomposed = withActor("cafe\u0301");
    assertThat(precomposed.canonicalBytes()).isNotEqualTo(decomposed.canonicalBytes());
    assertThat(EntryCodec.decode(decomposed.canonicalBytes())).isEqualTo(decomposed);
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] bytes = append(small().canonicalBytes(), (byte) 0);
    assertMalformed(bytes, bytes.length - 1, "trailing");
  }

  @Test
  void rejectsAWrongPrefix() {
    byte[] bytes = small().canonicalBytes();
    bytes[0] = 'C';
    assertMalformed(bytes, 0, "prefix");
    assertMalformed(new byte[0], 0, "prefix");
  }

  @Test
  void rejectsTruncation() {
    byte[] bytes = small().canonicalBytes();
    for (int length = EntryCodec.PREFIX.length; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> EntryCodec.decode(truncated))
          .isInstanceOf(ChainException.class)
          .extracting(e -> ((ChainException) e).failure())
          .isInstanceOf(ChainFailure.MalformedEntry.class);
    }
  }

  @Test
  void rejectsALengthBeyondTheEnd() {
    byte[] bytes = small().canonicalBytes();
    int originLength = EntryCodec.PREFIX.length + 1;
    ByteBuffer.wrap(bytes).putInt(originLength, 0xFFFFFFFF);
    assertMalformed(bytes, EntryCodec.PREFIX.length, "length 4294967295 exceeds");
  }

  @Test
  void rejectsFieldsOutOfOrder() {
    byte[] bytes = small().canonicalBytes();
    bytes[EntryCodec.PREFIX.length] = 0x02;
    assertMalformed(bytes, EntryCodec.PREFIX.length, "expected tag 0x01 (origin) but found 0x02");
  }

  @Test
  void rejectsAWrongFixedLength() {
    // A sequence of 4 bytes instead of 8, with the rest shifted accordingly.
    byte[] bytes = rewriteField(small().canonicalBytes(), 0x04, TestVectors.hex("00000002"));
    int sequenceAt = offsetOfTag(bytes, 0x04);
    assertMalformed(bytes, sequenceAt, "sequence must be 8 bytes, not 4");

    byte[] shortHash = rewriteField(small().canonicalBytes(), 0x0A, new byte[31]);
    assertMalformed(shortHash, offsetOfTag(shortHash, 0x0A), "previous hash must be 32 bytes");
  }

  @Test
  void rejectsInvalidUtf8() {
    // Overlong encoding of '/', an encoded surrogate (CESU-8) and a lone continuation byte.
    for (String badHex : new String[] {"c0af", "eda080", "80", "f4908080"}) {
      byte[] bytes = rewriteField(small().canonicalBytes(), 0x03, TestVectors.hex(badHex));
      int valueAt = offsetOfTag(bytes, 0x03) + 5;
      assertMalformed(bytes, valueAt, "stream id is not valid UTF-8");
    }
  }

  @Test
  void rejectsEmptyRequiredStringsAndNegativeSequences() {
    byte[] emptyStream = rewriteField(small().canonicalBytes(), 0x03, new byte[0]);
    assertMalformed(emptyStream, offsetOfTag(emptyStream, 0x03) + 5, "stream id is empty");

    byte[] negative =
        rewriteField(small().canonicalBytes(), 0x04, TestVectors.hex("8000000000000000"));
    assertMalformed(negative, offsetOfTag(negative, 0x04), "sequence is negative");
  }

  @Test
  void theConstructorRefusesWhatCannotBeEncoded() {
    assertThatThrownBy(() -> withActor("\ud800")).hasMessageContaining("well-formed");
    // A lone low surrogate, a pair in the wrong order, and a high surrogate at the end.
    assertThatThrownBy(() -> withActor("a\udc00b")).hasMessageContaining("well-formed");
    assertThatThrownBy(() -> withActor("\udc00\ud800")).hasMessageContaining("well-formed");
    assertThatThrownBy(() -> withActor("ok\ud83c")).hasMessageContaining("well-formed");
    assertThat(withActor("runner \ud83c\udfc3").actor()).isEqualTo("runner \ud83c\udfc3");
    assertThatThrownBy(
            () -> new Entry("o", "A", "s", -1, "E", new byte[0], 0, "", "", Hashing.zeroHash()))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> new Entry("o", "A", "s", 0, "E", new byte[0], 0, "", "", new byte[31]))
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(
            () -> new Entry("o", "A", "", 0, "E", new byte[0], 0, "", "", Hashing.zeroHash()))
        .hasMessageContaining("streamId must not be empty");
  }

  @Test
  void entriesAreImmutable() {
    byte[] payload = {1, 2, 3};
    Entry entry = new Entry("o", "A", "s", 0, "E", payload, 0, "", "", Hashing.zeroHash());
    payload[0] = 9;
    entry.payload()[1] = 9;
    entry.previousHash()[0] = 9;
    assertThat(entry.payload()).containsExactly(1, 2, 3);
    assertThat(entry.previousHash()).isEqualTo(Hashing.zeroHash());
  }

  private static Entry withActor(String actor) {
    return new Entry("o", "A", "s", 0, "E", new byte[0], 0, actor, "", Hashing.zeroHash());
  }

  private static void assertMalformed(byte[] bytes, int offset, String reasonFragment) {
    assertThatThrownBy(() -> EntryCodec.decode(bytes))
        .isInstanceOf(ChainException.class)
        .extracting(e -> ((ChainException) e).failure())
        .isInstanceOfSatisfying(
            ChainFailure.MalformedEntry.class,
            failure -> {
              assertThat(failure.reason()).contains(reasonFragment);
              assertThat(failure.offset()).isEqualTo(offset);
            });
  }

  /** The offset of the field with a tag in a well-formed encoding. */
  static int offsetOfTag(byte[] bytes, int tag) {
    int offset = EntryCodec.PREFIX.length;
    while ((bytes[offset] & 0xFF) != tag) {
      offset += 5 + ByteBuffer.wrap(bytes, offset + 1, 4).getInt();
    }
    return offset;
  }

  /** Replaces the value of one field, fixing its length prefix so that only the value is odd. */
  static byte[] rewriteField(byte[] bytes, int tag, byte[] value) {
    int at = offsetOfTag(bytes, tag);
    int oldLength = ByteBuffer.wrap(bytes, at + 1, 4).getInt();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, at + 1);
    out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
    out.writeBytes(value);
    int rest = at + 5 + oldLength;
    out.write(bytes, rest, bytes.length - rest);
    return out.toByteArray();
  }

  private static byte[] append(byte[] bytes, byte extra) {
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    longer[bytes.length] = extra;
    return longer;
  }
}
