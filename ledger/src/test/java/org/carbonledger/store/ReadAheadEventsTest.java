package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadEventsTest {

  private static final int BATCH = 3;

  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void theStreamHoldsEveryStoredEventAfterTheTokenInOrder() {
    Store store = new Store(10);

    try (Stream<TrackedEventData<?>> events =
        ReadAheadEvents.stream(new GlobalSequenceTrackingToken(2), store, BATCH, executor)) {
      assertThat(events.map(ReadAheadEventsTest::position))
          .containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }
  }

  @Test
  void theBatchAfterAFullOneIsReadOnAnotherThreadBeforeItIsAskedFor() throws Exception {
    Store store = new Store(10);
    Iterator<TrackedEventData<?>> events =
        ReadAheadEvents.stream(null, store, BATCH, executor).iterator();

    assertThat(position(events.next())).isEqualTo(1);
    store.awaitReads(2);

    assertThat(store.reads).containsExactly(new Read(0, true), new Read(3, false));
  }

  @Test
  void nothingIsReadAheadOfABatchThatWasNotFull() throws Exception {
    Store store = new Store(2);
    Iterator<TrackedEventData<?>> events =
        ReadAheadEvents.stream(null, store, BATCH, executor).iterator();

    events.next();
    events.next();
    executor.shutdown();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

    assertThat(store.reads).containsExactly(new Read(0, true));
  }

  @Test
  void eventsStoredAfterTheEndWasReachedAreFoundByTheNextRead() {
    Store store = new Store(3);
    Iterator<TrackedEventData<?>> events =
        ReadAheadEvents.stream(null, store, BATCH, executor).iterator();
    for (int i = 0; i < 3; i++) {
      events.next();
    }
    // The read ahead found nothing: the stream ends here, as Axon's would.
    assertThat(events.hasNext()).isFalse();

    store.stored = 4;

    assertThat(events.hasNext()).isTrue();
    assertThat(position(events.next())).isEqualTo(4);
  }

  @Test
  void aReadAheadThatFailsFailsTheConsumerWithItsExceptionWhenItReachesThatBatch() {
    Store store = new Store(10);
    IllegalStateException failure = new IllegalStateException("the database went away");
    store.failFrom = 3;
    store.failure = failure;
    Iterator<TrackedEventData<?>> events =
        ReadAheadEvents.stream(null, store, BATCH, executor).iterator();

    List<Long> read = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      read.add(position(events.next()));
    }

    assertThat(read).containsExactly(1L, 2L, 3L);
    assertThatThrownBy(events::next).isSameAs(failure);
  }

  @Test
  void closingTheStreamAbandonsTheReadAhead() throws Exception {
    Store store = new Store(10);
    CountDownLatch release = new CountDownLatch(1);
    store.blockFrom = 3;
    store.release = release;
    Stream<TrackedEventData<?>> stream = ReadAheadEvents.stream(null, store, BATCH, executor);
    Iterator<TrackedEventData<?>> events = stream.iterator();
    events.next();

    stream.close();
    release.countDown();
    executor.shutdown();

    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(events::next)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  private static long position(TrackedEventData<?> event) {
    return ((GlobalSequenceTrackingToken) event.trackingToken()).getGlobalIndex();
  }

  private record Read(long after, boolean onTheConsumersThread) {}

  /** Events 1 to {@code stored}, read {@value #BATCH} at a time. */
  private static final class Store
      implements Function<TrackingToken, List<? extends TrackedEventData<?>>> {
    final Thread consumer = Thread.currentThread();
    final List<Read> reads = new CopyOnWriteArrayList<>();
    volatile long stored;
    long failFrom = Long.MAX_VALUE;
    RuntimeException failure;
    long blockFrom = Long.MAX_VALUE;
    CountDownLatch release;

    Store(long stored) {
      this.stored = stored;
    }

    @Override
    public List<? extends TrackedEventData<?>> apply(TrackingToken after) {
      long from = after == null ? 0 : ((GlobalSequenceTrackingToken) after).getGlobalIndex();
      reads.add(new Read(from, Thread.currentThread() == consumer));
      if (from >= blockFrom) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (from >= failFrom) {
        throw failure;
      }
      List<TrackedEventData<?>> batch = new ArrayList<>();
      for (long position = from + 1; position <= Math.min(stored, from + BATCH); position++) {
        batch.add(
            new TrackedDomainEventData<>(
                new GlobalSequenceTrackingToken(position),
                new GenericDomainEventEntry<>(
                    "Batch",
                    "batch-1",
                    position - 1,
                    "event-" + position,
                    "2026-11-21T18:10:00.000Z",
                    "Payload",
                    null,
                    new byte[0],
                    new byte[0])));
      }
      return batch;
    }

    void awaitReads(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (reads.size() < count && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    }
  }
}
