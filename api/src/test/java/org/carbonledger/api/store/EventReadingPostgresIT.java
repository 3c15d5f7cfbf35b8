package org.carbonledger.api.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.api.PostgresSchema;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a processor that is far behind reads through the service's event storage engine, which reads
 * each next batch ahead and parses timestamps itself: every stored event, once, in the store's
 * order, with the token and the time Axon's own reading would give it. And where the event store's
 * producer, which reads with {@code mayBlock}, stops instead.
 */
// The reads are the same at any fetch size; a small one keeps the ledgers here small, and one
// other than Axon's default (100) shows that the service passes its own to the engine.
@SpringBootTest(properties = "ledger.event-store.fetch-size=" + EventReadingPostgresIT.FETCH_SIZE)
@ActiveProfiles("postgres")
class EventReadingPostgresIT {

  static final int FETCH_SIZE = 50;

  /** At the fetch size of {@value #FETCH_SIZE}, 250 events are five reads and more. */
  private static final int EVENTS = 250;

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "event_reading");
  }

  @Autowired CommandGateway commands;
  @Autowired JdbcTemplate jdbc;
  @Autowired EventStorageEngine engine;

  @Test
  void theEventStoresProducerStopsAtAnIndexNotUsedYetWhileAProcessorReadsPastIt() {
    for (int i = 0; i < FETCH_SIZE; i++) {
      commands.sendAndWait(
          new OpenAccount("before-hole-" + i, HolderType.INDIVIDUAL, "Before " + i, "CN-HB"));
    }
    // An index taken and not used, as by a transaction that has not committed (or rolled back).
    long hole =
        jdbc.queryForObject(
            "SELECT nextval(pg_get_serial_sequence('domain_event_entry', 'global_index'))",
            Long.class);
    for (int i = 0; i < 3; i++) {
      commands.sendAndWait(
          new OpenAccount("after-hole-" + i, HolderType.INDIVIDUAL, "After " + i, "CN-HB"));
    }
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM domain_event_entry WHERE global_index BETWEEN ? AND ?",
                Long.class,
                hole - (FETCH_SIZE - 1),
                hole - 1))
        .as("every index of the range below the hole holds an event")
        .isEqualTo(FETCH_SIZE - 1L);
    // A read from here asks for the indexes up to the hole: its range is not filled.
    GapAwareTrackingToken below = GapAwareTrackingToken.newInstance(hole - FETCH_SIZE, List.of());

    List<Long> producer;
    try (Stream<? extends TrackedEventMessage<?>> events = engine.readEvents(below, true)) {
      producer = events.map(EventReadingPostgresIT::index).toList();
    }
    List<Long> processor;
    try (Stream<? extends TrackedEventMessage<?>> events = engine.readEvents(below, false)) {
      processor = events.map(EventReadingPostgresIT::index).toList();
    }

    // The producer comes back from its last event's token, so it loses nothing by stopping.
    assertThat(producer).hasSize(FETCH_SIZE - 1).endsWith(hole - 1);
    assertThat(processor)
        .hasSize(FETCH_SIZE + 2)
        .contains(hole + 1, hole + 2, hole + 3)
        .doesNotContain(hole);
  }

  private static long index(TrackedEventMessage<?> event) {
    return ((GapAwareTrackingToken) event.trackingToken()).getIndex();
  }

  @Test
  void aProcessorFarBehindReadsEveryStoredEventOnceInOrderWithItsStoredTime() {
    for (int i = 0; i < EVENTS; i++) {
      commands.sendAndWait(
          new OpenAccount("reader-" + i, HolderType.INDIVIDUAL, "Reader " + i, "CN-HB"));
    }
    List<Map<String, Object>> stored =
        jdbc.queryForList(
            "SELECT global_index, event_identifier, time_stamp FROM domain_event_entry"
                + " ORDER BY global_index");
    assertThat(stored).hasSizeGreaterThanOrEqualTo(EVENTS);

    List<? extends TrackedEventMessage<?>> read;
    try (Stream<? extends TrackedEventMessage<?>> events = engine.readEvents(null, false)) {
      read = events.toList();
    }

    assertThat(read).hasSameSizeAs(stored);
    for (int i = 0; i < stored.size(); i++) {
      Map<String, Object> row = stored.get(i);
      TrackedEventMessage<?> event = read.get(i);
      assertThat(event.getIdentifier()).isEqualTo(row.get("event_identifier"));
      assertThat(((GapAwareTrackingToken) event.trackingToken()).getIndex())
          .isEqualTo(row.get("global_index"));
      assertThat(event.getTimestamp())
          .isEqualTo(DateTimeUtils.parseInstant((String) row.get("time_stamp")));
    }
  }
}
