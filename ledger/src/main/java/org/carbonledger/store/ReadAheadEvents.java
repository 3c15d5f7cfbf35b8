package org.carbonledger.store;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;

/**
 * The stored events after a token, fetched in batches as Axon's own stream does, except that when a
 * batch shows that more events are waiting, the next one is read at once on another thread while
 * the consumer works through this one; and the one after that, up to {@code depth} batches ahead of
 * the consumer.
 *
 * <p>Why: a processor that is behind (a replay, or catching up after a pause) otherwise reads a
 * batch, handles it, reads the next, and so on, one after the other on its own thread; in a replay
 * the reads and the decoding of each row (with its timestamp) were a quarter of the projection
 * thread's CPU, while the machine's other core was idle part of the time (docs/performance.md). A
 * processor that keeps up gets batches that show nothing more waiting, and nothing is read ahead
 * for it.
 *
 * <p>Why more than one batch: Axon's tracking processor takes a processor batch of up to 20,000
 * events from the stream before it handles any, and then takes nothing until it has handled and
 * committed them all. With one batch of 1,000 read ahead, it waited for each of the next reads in
 * turn while its database connection sat idle: 8% of the projection thread's time in a replay
 * (docs/performance.md). Reading on while the processor handles and commits lets the whole next
 * processor batch be waiting for it. The price is memory: up to {@code depth} batches of stored
 * events per stream that is behind.
 *
 * <p>Each read starts from the token of the last event of the batch before, exactly the query
 * Axon's stream would run a little later; reading earlier can only leave events that commit
 * meanwhile to the read after, which is where a later read would also have put events that commit
 * after it. Gaps are tracked in the tokens as before. A read that fails fails the consumer when it
 * reaches that batch, with the same exception, and the consumer's next attempt reads again, as with
 * Axon's stream.
 *
 * <p>One consumer, like any stream; the stream may be closed from another thread (Axon's event
 * store does so when it shuts down), after which it ends.
 *
 * @param <T> the stored events' type
 */
public final class ReadAheadEvents<T extends TrackedEventData<?>>
    extends Spliterators.AbstractSpliterator<T> {

  private final Function<TrackingToken, List<? extends T>> fetch;
  private final BiPredicate<TrackingToken, List<? extends T>> moreWaiting;
  private final Executor executor;
  private final int depth;
  private final boolean endAtHead;
  private TrackingToken after;
  private boolean atHead;
  private Iterator<? extends T> batch = Collections.emptyIterator();

  /** Guards {@link #ahead}, {@link #resumeAfter} and {@link #closed}'s effect on new reads. */
  private final Object lock = new Object();

  /** The reads under way or done and not yet taken by the consumer, in the store's order. */
  private final ArrayDeque<CompletableFuture<List<? extends T>>> ahead = new ArrayDeque<>();

  /**
   * Where the reads ahead stopped because {@link #depth} were waiting, though more events were: the
   * token of the last event read. The consumer starts the next read from it when it takes one.
   */
  private TrackingToken resumeAfter;

  private volatile boolean closed;

  private ReadAheadEvents(
      TrackingToken after,
      Function<TrackingToken, List<? extends T>> fetch,
      BiPredicate<TrackingToken, List<? extends T>> moreWaiting,
      Executor executor,
      int depth,
      boolean endAtHead) {
    super(Long.MAX_VALUE, NONNULL | ORDERED | DISTINCT | CONCURRENT);
    if (depth < 1) {
      throw new IllegalArgumentException("at least one batch is read ahead, not " + depth);
    }
    this.after = after;
    this.fetch = fetch;
    this.moreWaiting = moreWaiting;
    this.executor = executor;
    this.depth = depth;
    this.endAtHead = endAtHead;
  }

  /**
   * @param after the token to read after; null for the start of the store
   * @param fetch reads the next events after a token (null: from the start), in the store's order;
   *     called on this stream's consumer thread or on {@code executor}, one call at a time
   * @param moreWaiting whether a batch, read after the given token, shows that more events may be
   *     waiting after it; if so the next batch is read ahead
   * @param executor runs the reads ahead
   * @param depth how many batches may be read ahead of the one the consumer is in, at least 1
   * @return the events, until a read finds none, as a sequential stream whose closing abandons any
   *     read ahead
   */
  public static <T extends TrackedEventData<?>> Stream<T> stream(
      TrackingToken after,
      Function<TrackingToken, List<? extends T>> fetch,
      BiPredicate<TrackingToken, List<? extends T>> moreWaiting,
      Executor executor,
      int depth) {
    return open(new ReadAheadEvents<>(after, fetch, moreWaiting, executor, depth, false));
  }

  /**
   * As {@link #stream}, except that the stream ends after the first batch that shows nothing more
   * waiting, instead of reading once more straight away. That may be short of events already stored
   * (after an index not committed yet, say), so this is only for a reader that comes back for more,
   * from the token of the last event it got, in its own time: Axon's event store producer. Under
   * load, a read straight after one that reached the head finds only what committed during that
   * read, so a stream that reads until it finds nothing runs one small query after another for as
   * long as commands keep coming.
   */
  public static <T extends TrackedEventData<?>> Stream<T> toHead(
      TrackingToken after,
      Function<TrackingToken, List<? extends T>> fetch,
      BiPredicate<TrackingToken, List<? extends T>> moreWaiting,
      Executor executor,
      int depth) {
    return open(new ReadAheadEvents<>(after, fetch, moreWaiting, executor, depth, true));
  }

  private static <T extends TrackedEventData<?>> Stream<T> open(ReadAheadEvents<T> events) {
    return StreamSupport.stream(events, false).onClose(events::close);
  }

  /**
   * Whether a batch that Axon's JDBC engine read after {@code after} filled the range of global
   * indexes it asked for. That engine reads the events whose index is above the token's and at most
   * {@code batchSize} above it (plus the token's gaps), not the next {@code batchSize} rows: an
   * index left unused by a transaction that rolled back makes a batch shorter though more events
   * follow, and the last event's index, not the batch's length, tells whether the range was used
   * up.
   *
   * @param batchSize the engine's batch size
   */
  public static <T extends TrackedEventData<?>>
      BiPredicate<TrackingToken, List<? extends T>> indexRangeFilled(int batchSize) {
    return (after, batch) -> {
      if (batch.size() >= batchSize) {
        return true;
      }
      if (batch.isEmpty()
          || !(batch.get(batch.size() - 1).trackingToken() instanceof GapAwareTrackingToken last)) {
        return false;
      }
      long from = after instanceof GapAwareTrackingToken token ? token.getIndex() : -1;
      return last.getIndex() >= from + batchSize;
    };
  }

  @Override
  public boolean tryAdvance(Consumer<? super T> action) {
    Objects.requireNonNull(action);
    if (closed) {
      return false;
    }
    if (!batch.hasNext()) {
      if (endAtHead && atHead) {
        return false;
      }
      CompletableFuture<List<? extends T>> read = takeRead();
      List<? extends T> events;
      try {
        // Without a read ahead none is under way either, so this thread may read.
        events = read == null ? fetch.apply(after) : await(read);
      } catch (CancellationException e) {
        if (closed) {
          return false;
        }
        throw e;
      }
      if (events.isEmpty()) {
        return false;
      }
      TrackingToken from = after;
      after = events.get(events.size() - 1).trackingToken();
      batch = events.iterator();
      atHead = !moreWaiting.test(from, events);
      if (read == null && !atHead) {
        synchronized (lock) {
          readAheadAfter(after);
        }
      }
    }
    action.accept(batch.next());
    return true;
  }

  /**
   * The oldest read ahead, or null if there is none; if the reads had stopped at the depth, the
   * next one starts.
   */
  private CompletableFuture<List<? extends T>> takeRead() {
    synchronized (lock) {
      CompletableFuture<List<? extends T>> read = ahead.pollFirst();
      if (read != null && resumeAfter != null) {
        TrackingToken from = resumeAfter;
        resumeAfter = null;
        readAheadAfter(from);
      }
      return read;
    }
  }

  /**
   * Starts reading the batch after {@code from} on the executor; when it has been read and shows
   * more waiting, the one after it, and so on while fewer than {@link #depth} wait for the
   * consumer. Called holding {@link #lock}, with no read under way.
   */
  private void readAheadAfter(TrackingToken from) {
    if (closed) {
      return;
    }
    // The next read is queued before this one completes, so that a consumer that finds nothing
    // queued knows that no read is under way and may read on its own thread.
    ahead.addLast(
        CompletableFuture.supplyAsync(
            () -> {
              List<? extends T> events = fetch.apply(from);
              readOn(from, events);
              return events;
            },
            executor));
  }

  private void readOn(TrackingToken from, List<? extends T> events) {
    if (events.isEmpty() || !moreWaiting.test(from, events)) {
      return;
    }
    TrackingToken last = events.get(events.size() - 1).trackingToken();
    synchronized (lock) {
      if (ahead.size() < depth) {
        readAheadAfter(last);
      } else {
        resumeAfter = last;
      }
    }
  }

  private void close() {
    closed = true;
    synchronized (lock) {
      resumeAfter = null;
      for (CompletableFuture<List<? extends T>> read : ahead) {
        read.cancel(false);
      }
      ahead.clear();
    }
  }

  private static <T> List<? extends T> await(CompletableFuture<List<? extends T>> read) {
    try {
      return read.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }
}
