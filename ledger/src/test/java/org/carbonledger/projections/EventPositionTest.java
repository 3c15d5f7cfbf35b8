package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A projection keys its rows by the event's own global position. A gap-aware token's position is
 * the highest index it has seen, which for an event that fills a gap is another event's: two events
 * then shared a position, and the processor failed on a duplicate key for good.
 */
class EventPositionTest {

  private JdbcTemplate jdbc;

  @BeforeEach
  void anEventStoreHoldingEvents7And11() {
    Map<String, Long> stored = Map.of("event-7", 7L, "event-11", 11L);
    // A data source of its own per test, because positions are remembered per data source.
    jdbc =
        new JdbcTemplate(new SimpleDriverDataSource()) {
          @Override
          @SuppressWarnings("unchecked")
          public <T> List<T> queryForList(String sql, Class<T> type, Object... args) {
            assertThat(sql).contains("FROM domain_event_entry WHERE event_identifier = ?");
            Long found = stored.get((String) args[0]);
            return found == null ? List.of() : List.of((T) found);
          }
        };
  }

  @Test
  void anEventThatAdvancesTheTokenIsAtTheTokensPosition() {
    handle("event-10", gapAware(10));
    assertThat(handle("event-11", gapAware(11))).isEqualTo(11);
    assertThat(handle("event-15", gapAware(15, 13, 14))).isEqualTo(15);
  }

  @Test
  void anEventThatFillsAGapIsAtTheGapNotAtTheTokensPosition() {
    handle("event-12", gapAware(12, 7, 9));
    assertThat(handle("event-7", gapAware(12, 9))).isEqualTo(7);
    assertThat(handle("event-9", gapAware(12))).isEqualTo(9);
  }

  @Test
  void everyHandlerOfOneEventGetsTheSamePosition() {
    handle("event-12", gapAware(12, 7));
    TrackingToken filled = gapAware(12);
    assertThat(handle("event-7", filled)).isEqualTo(7);
    assertThat(handle("event-7", filled)).isEqualTo(7);
  }

  @Test
  void theFirstEventAThreadSeesIsLookedUpByItsIdentifier() {
    assertThat(handle("event-7", gapAware(12, 9))).isEqualTo(7);
  }

  @Test
  void aGapThatLeftTheTokensWindowIsLookedUpRatherThanGuessed() {
    handle("event-10", gapAware(10, 3, 7));
    // Gap 3 left the window while event 11 arrived: the index advanced and a gap closed at once.
    assertThat(handle("event-11", gapAware(11, 7))).isEqualTo(11);
  }

  @Test
  void aGlobalSequenceTokenIsAlwaysAtItsEventsPosition() {
    assertThat(handle("event-4", new GlobalSequenceTrackingToken(4))).isEqualTo(4);
  }

  private long handle(String eventId, TrackingToken token) {
    DefaultUnitOfWork<?> unit =
        DefaultUnitOfWork.startAndGet(
            new GenericEventMessage<>(
                new org.axonframework.messaging.GenericMessage<>(
                    eventId, "payload", java.util.Map.of()),
                java.time.Instant::now));
    try {
      return Projections.eventPosition(token, jdbc);
    } finally {
      unit.rollback();
    }
  }

  private static GapAwareTrackingToken gapAware(long index, long... gaps) {
    Set<Long> set = new TreeSet<>();
    for (long gap : gaps) {
      set.add(gap);
    }
    return GapAwareTrackingToken.newInstance(index, set);
  }
}
