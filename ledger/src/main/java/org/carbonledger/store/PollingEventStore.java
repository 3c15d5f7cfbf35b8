package org.carbonledger.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

/**
 * Axon's embedded event store, except that the producer that feeds the streaming processors (the
 * Merkle sequencer and the projections) reads the store at most once every {@code fetchDelay}: a
 * commit does not wake it, and a read that found events does not start the next one at once.
 *
 * <p>Axon wakes the producer after every commit, and after a read that found events it reads again
 * straight away; it waits {@code fetchDelay} only after a read that found nothing. Under load it
 * therefore read the store continuously, each read in a transaction of its own, and each read found
 * only what committed during the one before: about 400 reads a second in {@code
 * bench/command-path.sh}, and processors that kept up handled batches of 10 to 20 events, each
 * batch with its own dozen statements, its token update and its commit (docs/performance.md). At
 * most one read per {@code fetchDelay} lets each collect everything that committed meanwhile, at
 * the price of up to that much more lag before an event is logged and projected, and a few small
 * queries a second while the ledger is idle.
 *
 * <p>Only the producer's reads are paced: Axon makes them, and only them, with {@code mayBlock}
 * set. A processor that is behind reads the store on its own stream, unpaced; aggregates are loaded
 * from the store directly and are not affected either.
 */
public final class PollingEventStore extends EmbeddedEventStore {

  private final PacedTailingReads reads;

  private PollingEventStore(Builder builder, PacedTailingReads reads) {
    super(builder.storageEngine(reads));
    this.reads = reads;
  }

  /**
   * @param builder a configured builder, without its storage engine or fetch delay
   * @param storageEngine where the events are stored
   * @param fetchDelayMillis the least time between two of the producer's reads, and the builder's
   *     {@code fetchDelay}; positive
   */
  public static PollingEventStore create(
      Builder builder, EventStorageEngine storageEngine, long fetchDelayMillis) {
    return new PollingEventStore(
        builder.timeUnit(TimeUnit.MILLISECONDS).fetchDelay(fetchDelayMillis),
        new PacedTailingReads(
            storageEngine,
            TimeUnit.MILLISECONDS.toNanos(fetchDelayMillis),
            System::nanoTime,
            TimeUnit.NANOSECONDS::sleep));
  }

  /**
   * Stops the producer's reads, then the event store. A read still waiting out its interval then
   * reads nothing: otherwise it would read once more after the store closed its streams, possibly
   * while the storage engine and the data source are being closed.
   */
  @Override
  public void shutDown() {
    reads.stop();
    super.shutDown();
  }

  @Override
  protected void afterCommit(List<? extends EventMessage<?>> events) {
    // Deliberately not waking the producer; it polls every fetchDelay.
  }

  /** Waits for a while; a seam for tests. */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  /**
   * A storage engine whose tailing reads ({@code mayBlock}, the event store's producer) start at
   * least an interval apart; everything else goes straight to the engine. The contract of {@link
   * EventStorageEngine#readEvents(TrackingToken, boolean)} lets a read with {@code mayBlock} wait
   * for new events; this one waits before it reads instead.
   */
  static final class PacedTailingReads implements EventStorageEngine {
    private final EventStorageEngine engine;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private volatile boolean stopped;
    private boolean started;
    private long lastStarted;

    PacedTailingReads(
        EventStorageEngine engine, long intervalNanos, LongSupplier clock, Sleeper sleeper) {
      this.engine = engine;
      this.intervalNanos = intervalNanos;
      this.clock = clock;
      this.sleeper = sleeper;
    }

    /** From now on, tailing reads read nothing. */
    void stop() {
      stopped = true;
    }

    /**
     * Reads the events after a token; a tailing read first waits until the interval since the last
     * one has passed. Interrupted while waiting, it returns no events and leaves the thread
     * interrupted, so that the producer stops as Axon means it to; once stopped, likewise.
     */
    @Override
    public Stream<? extends TrackedEventMessage<?>> readEvents(
        TrackingToken trackingToken, boolean mayBlock) {
      if (mayBlock) {
        // Only Axon's producer thread reads with mayBlock; the lock keeps the pacing right for any
        // other caller too.
        synchronized (this) {
          if (started) {
            long wait = lastStarted + intervalNanos - clock.getAsLong();
            if (wait > 0) {
              try {
                sleeper.sleep(wait);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Stream.empty();
              }
            }
          }
          if (stopped) {
            return Stream.empty();
          }
          started = true;
          lastStarted = clock.getAsLong();
        }
      }
      return engine.readEvents(trackingToken, mayBlock);
    }

    @Override
    public void appendEvents(List<? extends EventMessage<?>> events) {
      engine.appendEvents(events);
    }

    @Override
    public void storeSnapshot(DomainEventMessage<?> snapshot) {
      engine.storeSnapshot(snapshot);
    }

    @Override
    public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
      return engine.readEvents(aggregateIdentifier, firstSequenceNumber);
    }

    @Override
    public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) {
      return engine.readSnapshot(aggregateIdentifier);
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
      return engine.lastSequenceNumberFor(aggregateIdentifier);
    }

    @Override
    public TrackingToken createTailToken() {
      return engine.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
      return engine.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
      return engine.createTokenAt(dateTime);
    }
  }
}
