package org.carbonledger.store;

import java.util.List;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;

/**
 * Axon's embedded event store, except that a commit does not wake the producer that feeds the
 * streaming processors (the Merkle sequencer and the projections): the producer polls every {@code
 * fetchDelay} instead.
 *
 * <p>Axon wakes it after every commit, so under load it ran one fetch, in a transaction of its own,
 * per command, and the processors handled batches of four or five events. That was the largest cost
 * the audit chain added to the command path (docs/adr/0005). Polling every few milliseconds lets a
 * fetch collect everything that committed meanwhile, at the price of that much more lag before an
 * event is logged and projected, and a few small queries a second while the ledger is idle.
 * Aggregates are loaded from the store directly and are not affected.
 */
public final class PollingEventStore extends EmbeddedEventStore {

  public PollingEventStore(Builder builder) {
    super(builder);
  }

  @Override
  protected void afterCommit(List<? extends EventMessage<?>> events) {
    // Deliberately not waking the producer; it polls every fetchDelay.
  }
}
