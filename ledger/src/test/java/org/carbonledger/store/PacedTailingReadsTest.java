package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.carbonledger.store.PollingEventStore.PacedTailingReads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PacedTailingReadsTest {

  private static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(20);

  private final InMemoryEventStorageEngine engine = new InMemoryEventStorageEngine();
  private final List<Long> sleeps = new ArrayList<>();
  private long now = 1_000_000_000L;
  private boolean interruptSleeps;

  private final PacedTailingReads paced =
      new PacedTailingReads(
          engine,
          INTERVAL,
          () -> now,
          nanos -> {
            if (interruptSleeps) {
              throw new InterruptedException("stopping");
            }
            sleeps.add(nanos);
            now += nanos;
          });

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void theFirstTailingReadDoesNotWait() {
    append("a", 0);

    assertThat(paced.readEvents(null, true)).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aTailingReadSoonAfterAnotherWaitsOutTheRestOfTheInterval() {
    append("a", 0);
    paced.readEvents(null, true).count();
    now += TimeUnit.MILLISECONDS.toNanos(5);

    assertThat(paced.readEvents(null, true)).hasSize(1);
    assertThat(sleeps).containsExactly(TimeUnit.MILLISECONDS.toNanos(15));
  }

  @Test
  void aTailingReadAfterTheIntervalDoesNotWait() {
    paced.readEvents(null, true).count();
    now += INTERVAL;

    paced.readEvents(null, true).count();
    assertThat(sleeps).isEmpty();
  }

  @Test
  void consecutiveTailingReadsStartAnIntervalApart() {
    paced.readEvents(null, true).count();
    paced.readEvents(null, true).count();
    paced.readEvents(null, true).count();

    assertThat(sleeps).containsExactly(INTERVAL, INTERVAL);
  }

  @Test
  void readsThatMayNotBlockAreNeverDelayed() {
    append("a", 0);
    paced.readEvents(null, true).count();

    // A processor that is behind reads on a stream of its own, which may not block.
    assertThat(paced.readEvents(null, false)).hasSize(1);
    assertThat(paced.readEvents(null, false)).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void anInterruptedWaitReadsNothingAndLeavesTheThreadInterrupted() {
    append("a", 0);
    paced.readEvents(null, true).count();
    interruptSleeps = true;

    assertThat(paced.readEvents(null, true)).isEmpty();
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void onceStoppedATailingReadReadsNothingWhileOtherReadsGoOn() {
    append("a", 0);
    paced.readEvents(null, true).count();

    paced.stop();

    assertThat(paced.readEvents(null, true)).isEmpty();
    assertThat(paced.readEvents(null, false)).hasSize(1);
  }

  @Test
  void everythingElseGoesStraightToTheEngine() {
    append("a", 0);
    append("a", 1);
    append("b", 0);

    assertThat(paced.readEvents("a", 0).asStream()).hasSize(2);
    assertThat(paced.lastSequenceNumberFor("a")).contains(1L);
    assertThat(paced.readSnapshot("a")).isEmpty();
    paced.storeSnapshot(new GenericDomainEventMessage<>("Test", "a", 1, "snapshot"));
    assertThat(paced.readSnapshot("a")).get().extracting(m -> m.getPayload()).isEqualTo("snapshot");
    assertThat(paced.createTokenAt(Instant.EPOCH)).isEqualTo(engine.createTokenAt(Instant.EPOCH));
    assertThat(paced.createHeadToken()).isEqualTo(engine.createHeadToken());
    assertThat(paced.createTailToken()).isEqualTo(engine.createTailToken());
    assertThat(sleeps).isEmpty();
  }

  private void append(String aggregate, long sequence) {
    paced.appendEvents(
        List.of(new GenericDomainEventMessage<>("Test", aggregate, sequence, "payload")));
  }
}
