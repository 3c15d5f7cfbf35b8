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
 * order, with the token and the time Axon's own reading would give it.
 */
@SpringBootTest
@ActiveProfiles("postgres")
class EventReadingPostgresIT {

  /** Axon's default fetch size, which the service keeps: 250 events are three reads and more. */
  private static final int EVENTS = 250;

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "event_reading");
  }

  @Autowired CommandGateway commands;
  @Autowired JdbcTemplate jdbc;
  @Autowired EventStorageEngine engine;

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
