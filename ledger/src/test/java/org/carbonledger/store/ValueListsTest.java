package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValueListsTest {

  @Test
  void aListIsPaddedWithItsLastItemToTheNextPowerOfTwo() {
    assertThat(ValueLists.padded(List.of("a", "b", "c"))).containsExactly("a", "b", "c", "c");
    assertThat(ValueLists.padded(List.of(1, 2, 3, 4, 5))).containsExactly(1, 2, 3, 4, 5, 5, 5, 5);
  }

  @Test
  void aListWhoseSizeIsAPowerOfTwoIsReturnedAsItIs() {
    List<String> one = List.of("a");
    List<String> four = List.of("a", "b", "c", "d");
    assertThat(ValueLists.padded(one)).isSameAs(one);
    assertThat(ValueLists.padded(four)).isSameAs(four);
  }

  @Test
  void anEmptyListCannotBePadded() {
    assertThatThrownBy(() -> ValueLists.padded(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void placeholdersAreSeparatedByCommas() {
    assertThat(ValueLists.placeholders(3, "?")).isEqualTo("?, ?, ?");
    assertThat(ValueLists.placeholders(2, "(?, ?)")).isEqualTo("(?, ?), (?, ?)");
  }
}
