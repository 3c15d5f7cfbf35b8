package org.carbonledger.store;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;

/**
 * The stored events after a token, fetched in batches as Axon's own stream does, except that once a
 * batch comes back full the next one is read at once on another thread, while the consumer works
 * through this one.
 *
 * <p>Why: a processor that is behind (a replay, or catching up after a pause) otherwise reads a
 * batch, handles it, reads the next, and so on, one after the other on its own thread; in a replay
 * the reads and the decoding of each row (with its timestamp) were a quarter of the projection
 * thread's CPU, while the machine's other core was idle part of the time (docs/performance.md). A
 * processor that keeps up gets batches that are not full, and nothing is read ahead for it.
 *
 * <p>Each read starts from the token of the last event of the batch before, exactly the query
 * Axon's stream would run a little later; reading earlier can only leave events that commit
 * meanwhile to the read after, which is where a later read would also have put events that commit
 * after it. Gaps are tracked in the tokens as before. A read that fails fails the consumer when it
 * reaches that batch, with the same exception.
 *
 * <p>Not thread-safe, like any stream: one consumer.
 *
 * @param <T> the stored events' type
 */
public final class ReadAheadEvents<T extends TrackedEventData<?>>
    extends Spliterators.AbstractSpliterator<T> {

  private final Function<TrackingToken, List<? extends T>> fetch;
  private final int batchSize;
  private final Executor executor;
  private TrackingToken after;
  private Iterator<? extends T> batch = Collections.emptyIterator();
  private CompletableFuture<List<? extends T>> next;
  private boolean closed;

  private ReadAheadEvents(
      TrackingToken after,
      Function<TrackingToken, List<? extends T>> fetch,
      int batchSize,
      Executor executor) {
    super(Long.MAX_VALUE, NONNULL | ORDERED | DISTINCT | CONCURRENT);
    this.after = after;
    this.fetch = fetch;
    this.batchSize = batchSize;
    this.executor = executor;
  }

  /**
   * @param after the token to read after; null for the start of the store
   * @param fetch reads at most {@code batchSize} events after a token (null: from the start), in
   *     the store's order; called on this stream's consumer thread or on {@code executor}, never on
   *     both at once
   * @param batchSize how many events {@code fetch} returns at most; a batch this long means that
   *     more may follow
   * @param executor runs the reads ahead
   * @return the events, as a sequential stream whose closing abandons any read ahead
   */
  public static <T extends TrackedEventData<?>> Stream<T> stream(
      TrackingToken after,
      Function<TrackingToken, List<? extends T>> fetch,
      int batchSize,
      Executor executor) {
    ReadAheadEvents<T> events = new ReadAheadEvents<>(after, fetch, batchSize, executor);
    return StreamSupport.stream(events, false).onClose(events::close);
  }

  @Override
  public boolean tryAdvance(Consumer<? super T> action) {
    Objects.requireNonNull(action);
    if (closed) {
      throw new IllegalStateException("the stream of events was read after it was closed");
    }
    if (!batch.hasNext()) {
      List<? extends T> events = next == null ? fetch.apply(after) : await(next);
      next = null;
      if (events.isEmpty()) {
        return false;
      }
      after = events.get(events.size() - 1).trackingToken();
      batch = events.iterator();
      if (events.size() >= batchSize) {
        TrackingToken from = after;
        next = CompletableFuture.supplyAsync(() -> fetch.apply(from), executor);
      }
    }
    action.accept(batch.next());
    return true;
  }

  private void close() {
    closed = true;
    if (next != null) {
      next.cancel(false);
      next = null;
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
