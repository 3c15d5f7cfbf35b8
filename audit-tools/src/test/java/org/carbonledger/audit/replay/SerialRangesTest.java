package org.carbonledger.audit.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The merged ranges that keep a batch's retired and cancelled serials. */
class SerialRangesTest {

  private final SerialRanges ranges = new SerialRanges();

  @Test
  void adjacentRangesAreKeptAsOne() {
    ranges.add(1, 10);
    ranges.add(11, 15);
    ranges.add(21, 25);

    assertThat(ranges.ranges()).isEqualTo(2);
    assertThat(ranges.endOfRangeHolding(3)).isEqualTo(15);
    assertThat(ranges.endOfRangeHolding(21)).isEqualTo(25);
  }

  @Test
  void aRangeThatFillsAGapJoinsItsNeighbours() {
    ranges.add(1, 10);
    ranges.add(21, 25);
    ranges.add(31, 40);
    ranges.add(11, 30);

    assertThat(ranges.ranges()).isEqualTo(1);
    assertThat(ranges.endOfRangeHolding(1)).isEqualTo(40);
  }

  @Test
  void aSerialOutsideEveryRangeIsNotInTheSet() {
    ranges.add(5, 10);

    assertThat(ranges.endOfRangeHolding(4)).isEqualTo(-1);
    assertThat(ranges.endOfRangeHolding(11)).isEqualTo(-1);
    assertThat(ranges.nextAfter(1)).isEqualTo(5);
    assertThat(ranges.nextAfter(5)).isEqualTo(Long.MAX_VALUE);
  }
}
