package org.carbonledger.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SerialBlocksTest {

  private static SerialBlock block(long first, long last) {
    return new SerialBlock(first, last);
  }

  private static SerialBlocks holding(SerialBlock... blocks) {
    SerialBlocks set = new SerialBlocks();
    set.add(List.of(blocks));
    return set;
  }

  @Nested
  class ASerialBlock {

    @Test
    void countsBothEnds() {
      assertThat(block(1, 1).count()).isEqualTo(1);
      assertThat(block(1, 28_571).count()).isEqualTo(28_571);
      assertThat(block(500_001, 501_000).count()).isEqualTo(1_000);
    }

    @Test
    void isBuiltFromAFirstSerialAndACount() {
      assertThat(SerialBlock.ofCount(1, 100)).isEqualTo(block(1, 100));
      assertThat(SerialBlock.ofCount(42, 1)).isEqualTo(block(42, 42));
    }

    @Test
    void ofNoCreditsDoesNotExist() {
      assertThatThrownBy(() -> SerialBlock.ofCount(10, 0))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whoseCountRunsPastTheLargestSerialIsRefused() {
      assertThatThrownBy(() -> SerialBlock.ofCount(Long.MAX_VALUE, 2))
          .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void mayEndOnTheLargestSerial() {
      assertThat(SerialBlock.ofCount(Long.MAX_VALUE, 1).count()).isEqualTo(1);
    }

    @Test
    void startsAtSerialOneOrLater() {
      assertThatThrownBy(() -> block(0, 5)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> block(-3, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverEndsBeforeItStarts() {
      assertThatThrownBy(() -> block(10, 9)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containsOnlyBlocksWhollyInsideIt() {
      assertThat(block(10, 20).contains(block(10, 20))).isTrue();
      assertThat(block(10, 20).contains(block(12, 15))).isTrue();
      assertThat(block(10, 20).contains(block(9, 15))).isFalse();
      assertThat(block(10, 20).contains(block(15, 21))).isFalse();
    }

    @Test
    void overlapsABlockSharingEvenOneSerial() {
      assertThat(block(10, 20).overlaps(block(20, 30))).isTrue();
      assertThat(block(10, 20).overlaps(block(1, 10))).isTrue();
      assertThat(block(10, 20).overlaps(block(12, 13))).isTrue();
      assertThat(block(10, 20).overlaps(block(21, 30))).isFalse();
      assertThat(block(10, 20).overlaps(block(1, 9))).isFalse();
    }

    @Test
    void sortsByItsFirstSerialAndPrintsAsARange() {
      assertThat(List.of(block(50, 60), block(1, 10), block(11, 20)).stream().sorted().toList())
          .containsExactly(block(1, 10), block(11, 20), block(50, 60));
      assertThat(block(1, 28_571)).hasToString("1-28571");
    }
  }

  @Nested
  class ASetOfBlocks {

    @Test
    void startsEmpty() {
      SerialBlocks set = new SerialBlocks();
      assertThat(set.isEmpty()).isTrue();
      assertThat(set.total()).isZero();
      assertThat(set.blocks()).isEmpty();
    }

    @Test
    void keepsDisjointBlocksLowestFirst() {
      SerialBlocks set = holding(block(50, 60), block(1, 10));
      assertThat(set.blocks()).containsExactly(block(1, 10), block(50, 60));
      assertThat(set.total()).isEqualTo(21);
    }

    @Test
    void mergesABlockThatTouchesTheOneBelow() {
      SerialBlocks set = holding(block(1, 10));
      set.add(List.of(block(11, 20)));
      assertThat(set.blocks()).containsExactly(block(1, 20));
      assertThat(set.total()).isEqualTo(20);
    }

    @Test
    void mergesABlockThatTouchesTheOneAbove() {
      SerialBlocks set = holding(block(11, 20));
      set.add(List.of(block(1, 10)));
      assertThat(set.blocks()).containsExactly(block(1, 20));
    }

    @Test
    void mergesABlockThatFillsAGapIntoOneRange() {
      SerialBlocks set = holding(block(1, 10), block(21, 30));
      set.add(List.of(block(11, 20)));
      assertThat(set.blocks()).containsExactly(block(1, 30));
      assertThat(set.total()).isEqualTo(30);
    }

    @Test
    void mergesAdjacentBlocksAddedTogether() {
      SerialBlocks set = holding(block(1, 5), block(6, 10), block(12, 12));
      assertThat(set.blocks()).containsExactly(block(1, 10), block(12, 12));
      assertThat(set.total()).isEqualTo(11);
    }

    @Test
    void doesNotMergeBlocksWithAGapBetweenThem() {
      SerialBlocks set = holding(block(1, 10), block(12, 20));
      assertThat(set.blocks()).containsExactly(block(1, 10), block(12, 20));
    }

    @Test
    void refusesToAddSerialsItAlreadyHasAndStaysUnchanged() {
      SerialBlocks set = holding(block(10, 20));
      assertThatThrownBy(() -> set.add(List.of(block(30, 40), block(20, 25))))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> set.add(List.of(block(1, 10))))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> set.add(List.of(block(12, 14))))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> set.add(List.of(block(1, 100))))
          .isInstanceOf(IllegalStateException.class);
      assertThat(set.blocks()).containsExactly(block(10, 20));
      assertThat(set.total()).isEqualTo(11);
    }

    @Test
    void refusesToAddOverlappingBlocksInOneChange() {
      SerialBlocks set = new SerialBlocks();
      assertThatThrownBy(() -> set.add(List.of(block(1, 10), block(5, 15))))
          .isInstanceOf(IllegalStateException.class);
      assertThat(set.isEmpty()).isTrue();
    }

    @Test
    void removingTheMiddleOfABlockSplitsItExactly() {
      SerialBlocks set = holding(block(1, 100));
      set.remove(List.of(block(20, 30)));
      assertThat(set.blocks()).containsExactly(block(1, 19), block(31, 100));
      assertThat(set.total()).isEqualTo(89);
    }

    @Test
    void removingTheStartOrEndOfABlockShortensIt() {
      SerialBlocks set = holding(block(1, 100));
      set.remove(List.of(block(1, 10), block(91, 100)));
      assertThat(set.blocks()).containsExactly(block(11, 90));
      assertThat(set.total()).isEqualTo(80);
    }

    @Test
    void removingEverythingLeavesItEmpty() {
      SerialBlocks set = holding(block(1, 10), block(20, 30));
      set.remove(List.of(block(20, 30), block(1, 10)));
      assertThat(set.isEmpty()).isTrue();
      assertThat(set.total()).isZero();
    }

    @Test
    void refusesToRemoveSerialsItDoesNotHoldAndStaysUnchanged() {
      SerialBlocks set = holding(block(1, 10), block(20, 30));
      assertThatThrownBy(() -> set.remove(List.of(block(1, 5), block(8, 22))))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> set.remove(List.of(block(31, 31))))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> set.remove(List.of(block(1, 5), block(4, 6))))
          .isInstanceOf(IllegalStateException.class);
      assertThat(set.blocks()).containsExactly(block(1, 10), block(20, 30));
      assertThat(set.total()).isEqualTo(21);
    }

    @Test
    void containsAllOnlyWhenEverySerialIsHeld() {
      SerialBlocks set = holding(block(1, 10), block(20, 30));
      assertThat(set.containsAll(block(1, 10))).isTrue();
      assertThat(set.containsAll(block(22, 25))).isTrue();
      assertThat(set.containsAll(block(5, 25))).isFalse();
      assertThat(set.containsAll(block(11, 19))).isFalse();
      assertThat(set.containsAll(block(30, 31))).isFalse();
      assertThat(new SerialBlocks().containsAll(block(1, 1))).isFalse();
    }

    @Test
    void theLowestSerialsComeFirstAndSplitTheLastBlockTheyReach() {
      SerialBlocks set = holding(block(3, 5), block(11, 100));
      assertThat(set.lowest(2)).containsExactly(block(3, 4));
      assertThat(set.lowest(3)).containsExactly(block(3, 5));
      assertThat(set.lowest(10)).containsExactly(block(3, 5), block(11, 17));
      assertThat(set.lowest(93)).containsExactly(block(3, 5), block(11, 100));
      assertThat(set.blocks()).containsExactly(block(3, 5), block(11, 100));
    }

    @Test
    void refusesToTakeMoreThanItHoldsOrNothing() {
      SerialBlocks set = holding(block(1, 10));
      assertThatThrownBy(() -> set.lowest(11)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> set.lowest(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void printsItsBlocks() {
      assertThat(holding(block(1, 10), block(20, 30))).hasToString("[1-10, 20-30]");
    }
  }

  @Nested
  class ASerialNumberLabel {

    private static final LocalDate START = LocalDate.of(2026, 1, 1);
    private static final LocalDate END = LocalDate.of(2026, 3, 31);

    @Test
    void readsPrefixProjectVintageBatchAndRange() {
      assertThat(
              SerialNumbers.label(
                  SerialNumbers.REGISTRY_PREFIX, "WHCYCLING", START, END, 1, block(1, 28_571)))
          .isEqualTo("WHCI-WHCYCLING-20260101-20260331-1-1-28571");
    }

    @Test
    void keepsTheHyphensOfAProjectId() {
      assertThat(SerialNumbers.label("WHCI", "WH-CYCLING-01", START, END, 1, block(1, 28_571)))
          .isEqualTo("WHCI-WH-CYCLING-01-20260101-20260331-1-1-28571");
    }

    @Test
    void ofOneCreditHasEqualFirstAndLastSerials() {
      assertThat(SerialNumbers.label("WHCI", "P", START, END, 2, block(7, 7)))
          .isEqualTo("WHCI-P-20260101-20260331-2-7-7");
    }

    @Test
    void parsesBackToTheSameFields() {
      SerialNumbers.Parsed parsed =
          SerialNumbers.parse("WHCI-WHCYCLING-20260101-20260331-1-1-28571");
      assertThat(parsed)
          .isEqualTo(
              new SerialNumbers.Parsed("WHCI", "WHCYCLING", START, END, 1, block(1, 28_571)));
    }

    @Test
    void parsesAProjectIdWithHyphensWhole() {
      SerialNumbers.Parsed parsed =
          SerialNumbers.parse("WHCI-WH-CYCLING-01-20260101-20260331-12-500001-501000");
      assertThat(parsed)
          .isEqualTo(
              new SerialNumbers.Parsed(
                  "WHCI", "WH-CYCLING-01", START, END, 12, block(500_001, 501_000)));
    }

    @Test
    void roundTripsForProjectIdsOfEveryShape() {
      for (String projectId :
          List.of(
              "P",
              "WH-CYCLING-01",
              "2026-01-01",
              "a-b-c-d-e-f-g",
              "wh.metro_line-2",
              "P-B1",
              "x-".repeat(39) + "y")) {
        for (SerialBlock serials :
            List.of(block(1, 1), block(1, 28_571), block(9_999_999_999L, Long.MAX_VALUE))) {
          String label = SerialNumbers.label("WHCI", projectId, START, END, 3, serials);
          assertThat(SerialNumbers.parse(label))
              .as(label)
              .isEqualTo(new SerialNumbers.Parsed("WHCI", projectId, START, END, 3, serials));
          assertThat(
                  SerialNumbers.label(
                      SerialNumbers.parse(label).prefix(),
                      SerialNumbers.parse(label).projectId(),
                      SerialNumbers.parse(label).vintageStart(),
                      SerialNumbers.parse(label).vintageEnd(),
                      SerialNumbers.parse(label).batchSequence(),
                      SerialNumbers.parse(label).block()))
              .isEqualTo(label);
        }
      }
    }

    @Test
    void refusesTextWithTooFewFields() {
      assertThatThrownBy(() -> SerialNumbers.parse("WHCI-20260101-20260331-1-1-10"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a serial block label");
      assertThatThrownBy(() -> SerialNumbers.parse(""))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesADateThatIsNotADate() {
      assertThatThrownBy(() -> SerialNumbers.parse("WHCI-P-20261301-20260331-1-1-10"))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesSerialsThatAreNotNumbers() {
      assertThatThrownBy(() -> SerialNumbers.parse("WHCI-P-20260101-20260331-1-1-ten"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> SerialNumbers.parse("WHCI-P-20260101-20260331-one-1-10"))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesARangeThatEndsBeforeItStarts() {
      assertThatThrownBy(() -> SerialNumbers.parse("WHCI-P-20260101-20260331-1-10-9"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a serial block label");
    }
  }
}
