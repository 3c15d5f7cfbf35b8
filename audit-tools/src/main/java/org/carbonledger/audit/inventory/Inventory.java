package org.carbonledger.audit.inventory;

import java.util.List;
import java.util.Map;

/**
 * What the event store holds, and where its per-aggregate sequences break.
 *
 * @param events the number of stored events
 * @param aggregates the number of distinct aggregates
 * @param aggregatesByType how many aggregates of each type
 * @param lowestGlobalIndex the lowest global index, or -1 when the store is empty
 * @param highestGlobalIndex the highest global index, or -1 when the store is empty
 * @param failures every break in an aggregate's sequence, in aggregate order
 */
public record Inventory(
    long events,
    long aggregates,
    Map<String, Long> aggregatesByType,
    long lowestGlobalIndex,
    long highestGlobalIndex,
    List<SequenceBreak> failures) {

  /**
   * Global indexes that were allocated but hold no event. Rolled-back transactions leave such
   * holes, so they are reported but are not failures; the Merkle log, not the global index, is what
   * proves that no committed event went missing.
   */
  public long globalIndexHoles() {
    return events == 0 ? 0 : highestGlobalIndex - lowestGlobalIndex + 1 - events;
  }

  public boolean sound() {
    return failures.isEmpty();
  }

  /**
   * An aggregate whose events do not run 0, 1, 2, … without a gap: an event was removed, or one was
   * added out of turn.
   *
   * @param aggregateId the aggregate
   * @param expectedSequence the sequence number that should have come next
   * @param actualSequence the sequence number that came instead
   */
  public record SequenceBreak(String aggregateId, long expectedSequence, long actualSequence) {
    public String describe() {
      return "aggregate "
          + aggregateId
          + ": expected sequence number "
          + expectedSequence
          + ", found "
          + actualSequence;
    }
  }
}
