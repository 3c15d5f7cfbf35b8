package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.projections.credits.RegisterFilter;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.junit.jupiter.api.Test;

/** Page requests, cursors and the stored forms of lists, without a database. */
class PagingTest {

  @Test
  void aPageHoldsOneToFiveHundredItems() {
    assertThat(PageRequest.first(1).limit()).isEqualTo(1);
    assertThat(PageRequest.first(500).limit()).isEqualTo(500);
    assertThat(PageRequest.of(null, null)).isEqualTo(new PageRequest(50, null));
    for (int limit : new int[] {0, -5, 501, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> new PageRequest(limit, null))
          .isInstanceOfSatisfying(
              LedgerRejection.class,
              rejection -> {
                assertThat(rejection.code()).isEqualTo(RejectionCode.INVALID_ARGUMENT);
                assertThat(rejection.field()).contains("limit");
              });
    }
  }

  @Test
  void aPageReadWithOneExtraRowNamesItsLastItemAsTheNextCursor() {
    Page<String> full = Page.of(List.of("a", "b", "c"), 2, item -> Cursor.encode("letters", item));
    assertThat(full.items()).containsExactly("a", "b");
    assertThat(Cursor.decode("letters", full.next())).isEqualTo("b");
    assertThat(full.hasNext()).isTrue();

    Page<String> last = Page.of(List.of("a", "b"), 2, item -> Cursor.encode("letters", item));
    assertThat(last.items()).containsExactly("a", "b");
    assertThat(last.next()).isNull();
    assertThatThrownBy(() -> PageRequest.first(2).next(last))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCursorOnlyOpensForTheListThatMadeIt() {
    String cursor = Cursor.encode("statement", 41);
    assertThat(Cursor.decodeLong("statement", cursor, -1)).isEqualTo(41);
    assertThat(Cursor.decodeLong("statement", null, -1)).isEqualTo(-1);
    assertThat(Cursor.decode("accounts", null)).isNull();
    for (String bad : List.of(cursor, "%%%", Cursor.encode("accounts", ""))) {
      assertThatThrownBy(() -> Cursor.decode("accounts", bad))
          .isInstanceOfSatisfying(
              LedgerRejection.class, rejection -> assertThat(rejection.field()).contains("after"));
    }
    assertThatThrownBy(() -> Cursor.decodeLong("statement", Cursor.encode("statement", "x"), -1))
        .isInstanceOf(LedgerRejection.class);
    assertThat(cursor).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void serialBlocksAndLabelsAreStoredAsCommaSeparatedLists() {
    List<SerialBlock> blocks = List.of(new SerialBlock(21, 25), new SerialBlock(1, 10));
    assertThat(ProjectionSql.blocks(blocks)).isEqualTo("21-25,1-10");
    assertThat(ProjectionSql.blocks("21-25,1-10")).isEqualTo(blocks);
    assertThat(ProjectionSql.labels(List.of("WHCI-P-20260101-20260331-1-1-10")))
        .isEqualTo("WHCI-P-20260101-20260331-1-1-10");
    assertThat(ProjectionSql.labels("A-1-2,B-3-4")).containsExactly("A-1-2", "B-3-4");
    assertThat(ProjectionSql.stored(Instant.parse("2026-04-12T01:02:03.123456789Z")))
        .isEqualTo(Instant.parse("2026-04-12T01:02:03.123456Z"));
  }

  @Test
  void aRegisterFilterRefusesWhatCannotMatchAndIgnoresABlankBeneficiary() {
    assertThat(RegisterFilter.all().withBeneficiary("   ").beneficiary()).isNull();
    assertThatThrownBy(() -> RegisterFilter.all().withVintageYear(10_000))
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> assertThat(rejection.field()).contains("vintageYear"));
    Instant now = Instant.parse("2026-04-12T00:00:00Z");
    assertThatThrownBy(() -> RegisterFilter.all().retiredBetween(now, now))
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> assertThat(rejection.field()).contains("retiredBefore"));
  }
}
