package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;

class EventTimestampsTest {

  @Property
  void everyTimestampAxonWritesIsReadAsAxonReadsIt(@ForAll("instants") Instant instant) {
    String stored = DateTimeUtils.formatInstant(instant);

    assertThat(EventTimestamps.parse(stored)).isEqualTo(DateTimeUtils.parseInstant(stored));
  }

  @Property
  void anyTextOfTheStoredShapeGivesAxonsAnswerOrAxonsError(@ForAll("storedShapes") String text) {
    Instant axons;
    try {
      axons = DateTimeUtils.parseInstant(text);
    } catch (DateTimeParseException refused) {
      assertThatThrownBy(() -> EventTimestamps.parse(text))
          .isInstanceOf(DateTimeParseException.class);
      return;
    }
    assertThat(EventTimestamps.parse(text)).isEqualTo(axons);
  }

  @Test
  void otherShapesAreLeftToAxonsParser() {
    assertThat(EventTimestamps.parse("2026-11-21T18:10:00.123456Z"))
        .isEqualTo(Instant.parse("2026-11-21T18:10:00.123456Z"));
    assertThat(EventTimestamps.parse("2026-11-21T20:10:00.123+02:00"))
        .isEqualTo(Instant.parse("2026-11-21T18:10:00.123Z"));
    assertThat(EventTimestamps.parse("2026-11-21t18:10:00.123z"))
        .isEqualTo(Instant.parse("2026-11-21T18:10:00.123Z"));
  }

  @Test
  void aDateThatDoesNotExistIsRefusedAsAxonRefusesIt() {
    assertThatThrownBy(() -> EventTimestamps.parse("2026-02-30T00:00:00.000Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> EventTimestamps.parse("2026-11-21T24:00:00.000Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> EventTimestamps.parse("2026-11-21T18:1O:00.000Z"))
        .isInstanceOf(DateTimeParseException.class);
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs()
        .between(
            Instant.parse("0000-01-01T00:00:00Z").toEpochMilli(),
            Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli())
        .map(Instant::ofEpochMilli);
  }

  /** Digits in every place of {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, most of them out of range. */
  @Provide
  Arbitrary<String> storedShapes() {
    Arbitrary<String> two = Arbitraries.strings().numeric().ofLength(2);
    return Arbitraries.strings()
        .numeric()
        .ofLength(4)
        .flatMap(
            year ->
                two.list()
                    .ofSize(5)
                    .flatMap(
                        parts ->
                            Arbitraries.strings()
                                .numeric()
                                .ofLength(3)
                                .map(
                                    millis ->
                                        year
                                            + "-"
                                            + parts.get(0)
                                            + "-"
                                            + parts.get(1)
                                            + "T"
                                            + parts.get(2)
                                            + ":"
                                            + parts.get(3)
                                            + ":"
                                            + parts.get(4)
                                            + "."
                                            + millis
                                            + "Z")));
  }
}
