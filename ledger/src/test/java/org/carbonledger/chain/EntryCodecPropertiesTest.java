package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the canonical encoding over random entries. */
class EntryCodecPropertiesTest {

  @Property
  void decodingAnEncodingGivesTheEntryBack(@ForAll("entries") Entry entry) {
    assertThat(EntryCodec.decode(EntryCodec.encode(entry))).isEqualTo(entry);
  }

  @Property
  void everyProperPrefixOfAnEncodingIsRejected(
      @ForAll("entries") Entry entry, @ForAll @IntRange(min = 0, max = 10_000) int cut) {
    byte[] bytes = EntryCodec.encode(entry);
    byte[] truncated = Arrays.copyOf(bytes, cut % bytes.length);
    assertThatThrownBy(() -> EntryCodec.decode(truncated)).isInstanceOf(ChainException.class);
  }

  /**
   * The decoder accepts canonical bytes only: whenever altered bytes still decode, they are the
   * encoding of what they decode to. So two different byte strings never decode to one entry, and
   * an entry hash identifies the stored bytes.
   */
  @Property
  void whateverDecodesIsCanonical(
      @ForAll("entries") Entry entry,
      @ForAll @IntRange(min = 0, max = 100_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] bytes = EntryCodec.encode(entry);
    bytes[position % bytes.length] ^= (byte) xor;
    Entry decoded;
    try {
      decoded = EntryCodec.decode(bytes);
    } catch (ChainException e) {
      assertThat(e.failure()).isInstanceOf(ChainFailure.MalformedEntry.class);
      return;
    }
    assertThat(EntryCodec.encode(decoded)).isEqualTo(bytes);
    assertThat(decoded).isNotEqualTo(entry);
  }

  @Provide
  Arbitrary<Entry> entries() {
    Arbitrary<String> required = text().filter(s -> !s.isEmpty());
    Arbitrary<String> optional = text();
    Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    Arbitrary<byte[]> hash = Arbitraries.bytes().array(byte[].class).ofSize(32);
    return Combinators.combine(
            Combinators.combine(required, required, required, Arbitraries.longs().greaterOrEqual(0))
                .as(Head::new),
            required,
            payload,
            Arbitraries.longs(),
            optional,
            optional,
            hash)
        .as(
            (head, eventType, bytes, timestamp, actor, key, previous) ->
                new Entry(
                    head.origin,
                    head.aggregateType,
                    head.streamId,
                    head.sequence,
                    eventType,
                    bytes,
                    timestamp,
                    actor,
                    key,
                    previous));
  }

  /** Well-formed Unicode text, including supplementary characters and Chinese. */
  private static Arbitrary<String> text() {
    Arbitrary<Integer> codePoint =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0x20, 0x7E),
            Arbitraries.integers().between(0x4E00, 0x9FFF),
            Arbitraries.integers().between(0, 0x10FFFF).filter(c -> c < 0xD800 || c > 0xDFFF));
    return codePoint
        .list()
        .ofMaxSize(12)
        .map(
            points -> {
              StringBuilder text = new StringBuilder();
              points.forEach(text::appendCodePoint);
              return text.toString();
            });
  }

  private record Head(String origin, String aggregateType, String streamId, long sequence) {}
}
