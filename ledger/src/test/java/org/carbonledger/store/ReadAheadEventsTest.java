package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadEventsTest {

  private static final int BATCH = 3;

  /** More may follow a batch as long as the batch was full. */
  private static final BiPredicate<TrackingToken, List<? extends TrackedEventData<?>>> FULL =
      (after, batch) -> batch.size() == BATCH;

  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void theStreamHoldsEveryStoredEventAfterTheTokenInOrder() {
    Store store = new Store(10);

    try (Stream<TrackedEventData<?>> events =
        ReadAheadEvents.stream(new GlobalSequenceTrackingToken(2), store, FULL, executor, 1)) {
      assertThat(events.map(ReadAheadEventsTest::position))
          .containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }
  }

  @Test
  void theBatchAfterAFullOneIsReadOnAnotherThreadBeforeItIsAskedFor() throws Exception {
    Store store = new Store(10);
    Iterator<TrackedEventData<?>> events =
        ReadAheadEvents.stream(null, store, FULL, executor, 1).iterator();

    assertThat(position(events.next())).isEqualTo(1);
    store.awaitReads(2);

    assertThat(store.reads).containsExactly(new Read(0, true), new Read(3, false));
  }

  @Test
  void readsGoOnUntilTheDepthIsWaitingAndResumeAsTheConsumerTakesABatch() throws Exception {
    Store store = new Store(30);
    Iterator<TrackedEventData<?>> events =
        ReadAheadEvents.stream(null, store, FULL, executor, 3).iterator();

    assertThat(position(events.next())).isEqualTo(1);
    store.awaitReads(4);
    Thread.sleep(50);
    assertThat(store.reads)
        .as("three batches wait beyond the consumer's, and no more is read")
        .containsExactly(
            new Read(0, true), new Read(3, false), new Read(6, false), new Read(9, false));

    for (long expected = 2; expected <= 4; expected++) {
      assertThat(position(events.next())).isEqualTo(expected);
    }
    store.awaitReads(5);
    assertThat(store.reads).hasSize(5).last().isEqualTo(new Read(12, false));
  }

  @Test
  void everyEventArrivesOnceAndInOrderWhateverTheDepth() {
    for (int depth : new int[] {1, 2, 5, 40}) {
      Store store = new Store(100);
      try (Stream<TrackedEventData<?>> events =
          ReadAheadEvents.stream(null, store, FULL, executor, depth)) {
        assertThat(events.map(ReadAheadEventsTest::position))
            .as("depth %d", depth)
            .containsExactlyElementsOf(positions(1, 100));
      }
    }
  }

  @Test
  void aFailedReadStopsTheReadsAheadAndFailsTheConsumerAfterTheBatchesBeforeIt() throws Exception {
    Store store = new Store(30);
    store.failFrom = 9;
    store.failure = new IllegalStateException("the database went away");
    var events = ReadAheadEvents.stream(null, store, FULL, executor, 5).spliterator();
    List<Long> read = new ArrayList<>();
    events.tryAdvance(event -> read.add(position(event)));
    store.awaitReads(4);
    Thread.sleep(50);
    assertThat(store.reads).extracting(Read::after).containsExactly(0L, 3L, 6L, 9L);

    for (int i = 0; i < 8; i++) {
      events.tryAdvance(event -> read.add(position(event)));
    }
    assertThat(read).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThatThrownBy(() -> events.tryAdvance(event -> read.add(position(event))))
        .isSameAs(store.failure);

    store.failFrom = Long.MAX_VALUE;
    events.forEachRemaining(event -> read.add(position(event)));
    assertThat(read).containsExactlyElementsOf(positions(1, 30));
  }

  @Test
  void aDepthBelowOneIsRefused() {
    assertThatThrownBy(() -> ReadAheadEvents.stream(null, new Store(1), FULL, executor, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nothingIsReadAheadOfABatchThatWasNotFull() throws Exception {
    Store store = new Store(2);
    Iterator<TrackedEventData<?>> events =
        ReadAheadEvents.stream(null, store, FULL, executor, 1).iterator();

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
        ReadAheadEvents.stream(null, store, FULL, executor, 1).iterator();
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
  void aStreamToTheHeadEndsAfterTheFirstBatchThatShowsNothingMoreWaiting() {
    Store store = new Store(8);

    try (Stream<TrackedEventData<?>> events =
        ReadAheadEvents.toHead(null, store, FULL, executor, 1)) {
      assertThat(events.map(ReadAheadEventsTest::position))
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }
    // Events 7 and 8 did not fill a batch, so the stream ends without reading after 8 again, which
    // a stream that reads until it finds nothing would do.
    assertThat(store.reads).extracting(Read::after).containsExactly(0L, 3L, 6L);
  }

  @Test
  void aStreamToTheHeadOfAStoreThatEndsOnAFullBatchEndsAtTheEmptyReadAfterIt() {
    Store store = new Store(6);

    try (Stream<TrackedEventData<?>> events =
        ReadAheadEvents.toHead(null, store, FULL, executor, 1)) {
      assertThat(events.map(ReadAheadEventsTest::position)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }
    assertThat(store.reads).extracting(Read::after).containsExactly(0L, 3L, 6L);
  }

  @Test
  void aStreamToTheHeadThatStopsShortOfAnIndexNotCommittedYetLeavesTheRestToTheNextRead() {
    // Indexes 1 to 7 are taken; the transaction holding 5 has not committed yet.
    TreeSet<Long> committed = new TreeSet<>(List.of(1L, 2L, 3L, 4L, 6L, 7L));
    Function<TrackingToken, List<? extends TrackedEventData<?>>> store =
        after -> {
          long from = after == null ? -1 : ((GapAwareTrackingToken) after).getIndex();
          return eventsAt(
              committed.subSet(from + 1, true, from + BATCH, true).stream()
                  .mapToLong(Long::longValue)
                  .toArray());
        };
    BiPredicate<TrackingToken, List<? extends TrackedEventData<?>>> filled =
        ReadAheadEvents.indexRangeFilled(BATCH);

    List<TrackedEventData<?>> first;
    try (Stream<TrackedEventData<?>> events =
        ReadAheadEvents.toHead(null, store, filled, executor, 1)) {
      first = events.toList();
    }
    committed.add(5L);
    List<TrackedEventData<?>> second;
    try (Stream<TrackedEventData<?>> events =
        ReadAheadEvents.toHead(
            first.get(first.size() - 1).trackingToken(), store, filled, executor, 1)) {
      second = events.toList();
    }

    assertThat(first).extracting(ReadAheadEventsTest::index).containsExactly(1L, 2L, 3L, 4L);
    assertThat(second).extracting(ReadAheadEventsTest::index).containsExactly(5L, 6L, 7L);
  }

  @Test
  void aReadAheadThatFailsFailsTheConsumerWithItsExceptionWhenItReachesThatBatch() {
    Store store = new Store(10);
    IllegalStateException failure = new IllegalStateException("the database went away");
    store.failFrom = 3;
    store.failure = failure;
    Iterator<TrackedEventData<?>> events =
        ReadAheadEvents.stream(null, store, FULL, executor, 1).iterator();

    List<Long> read = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      read.add(position(events.next()));
    }

    assertThat(read).containsExactly(1L, 2L, 3L);
    assertThatThrownBy(events::next).isSameAs(failure);
  }

  @Test
  void afterAFailedReadTheNextAttemptReadsAgain() {
    Store store = new Store(10);
    store.failFrom = 3;
    store.failure = new IllegalStateException("the database went away");
    Stream<TrackedEventData<?>> stream = ReadAheadEvents.stream(null, store, FULL, executor, 1);
    var events = stream.spliterator();
    List<Long> read = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      events.tryAdvance(event -> read.add(position(event)));
    }
    assertThatThrownBy(() -> events.tryAdvance(event -> read.add(position(event))))
        .isSameAs(store.failure);

    store.failFrom = Long.MAX_VALUE;
    events.forEachRemaining(event -> read.add(position(event)));

    assertThat(read).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void aClosedStreamEndsAndItsReadAheadIsCancelled() throws Exception {
    Store store = new Store(10);
    CountDownLatch release = new CountDownLatch(1);
    store.blockFrom = 3;
    store.release = release;
    Stream<TrackedEventData<?>> stream = ReadAheadEvents.stream(null, store, FULL, executor, 1);
    Iterator<TrackedEventData<?>> events = stream.iterator();
    events.next();
    store.awaitReads(2);

    stream.close();

    assertThat(events.hasNext()).as("a closed stream ends").isFalse();
    release.countDown();
    executor.shutdown();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(store.reads).as("nothing more was read").hasSize(2);
  }

  @Test
  void aRangeOfIndexesUsedUpMeansMoreMayFollowEvenIfAnIndexWasNeverUsed() {
    BiPredicate<TrackingToken, List<? extends TrackedEventData<?>>> filled =
        ReadAheadEvents.indexRangeFilled(100);
    GapAwareTrackingToken after = GapAwareTrackingToken.newInstance(199, List.of());

    // Indexes 200 to 299 were asked for; 250 belongs to a transaction that rolled back.
    assertThat(filled.test(after, eventsAt(200, 249, 251, 299))).isTrue();
    // The store ended at 280: nothing is waiting.
    assertThat(filled.test(after, eventsAt(200, 249, 251, 280))).isFalse();
    assertThat(filled.test(after, List.of())).isFalse();
    // From the start of the store, Axon asks for indexes 0 to 99.
    assertThat(filled.test(null, eventsAt(0, 1, 2, 99))).isTrue();
    assertThat(filled.test(null, eventsAt(0, 1, 2, 98))).isFalse();
  }

  private static List<TrackedEventData<?>> eventsAt(long... indexes) {
    List<TrackedEventData<?>> events = new ArrayList<>();
    for (long index : indexes) {
      events.add(event(GapAwareTrackingToken.newInstance(index, List.of()), index));
    }
    return events;
  }

  private static TrackedEventData<?> event(TrackingToken token, long position) {
    return new TrackedDomainEventData<>(
        token,
        new GenericDomainEventEntry<>(
            "Batch",
            "batch-1",
            position,
            "event-" + position,
            "2026-11-21T18:10:00.000Z",
            "Payload",
            null,
            new byte[0],
            new byte[0]));
  }

  private static long index(TrackedEventData<?> event) {
    return ((GapAwareTrackingToken) event.trackingToken()).getIndex();
  }

  private static List<Long> positions(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().toList();
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
        batch.add(event(new GlobalSequenceTrackingToken(position), position));
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
