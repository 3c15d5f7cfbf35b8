package org.carbonledger.credits;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.carbonledger.credits.BatchEvent.BatchIssued;

/**
 * The supply invariants checked over the whole ledger: replays every batch event, in order, and
 * proves after each one that the batch's issued credits equal its tradable, retired and cancelled
 * credits, that every serial is in exactly one place, and that nothing moves serials that are not
 * where the event says (so nothing moves after retirement or cancellation).
 *
 * <p>This is the second half of the paired assertion: {@link Batch} checks the same invariants
 * where its state changes; this check runs them again over what was stored. Events of other
 * aggregates are ignored, so any stream of the ledger's events can be fed in.
 */
public final class SupplyCheck {

  private final Map<String, BatchHoldings> batches = new TreeMap<>();

  /**
   * Applies one event of the ledger.
   *
   * @throws SupplyInvariantViolation at the first event after which the supply does not add up
   */
  public void apply(Object payload) {
    if (!(payload instanceof BatchEvent event)) {
      return;
    }
    if (event instanceof BatchIssued issued) {
      if (batches.containsKey(issued.batchId())) {
        throw new SupplyInvariantViolation(issued.batchId(), "issued twice");
      }
      BatchHoldings holdings = BatchHoldings.issued(issued);
      holdings.checkInvariants();
      batches.put(issued.batchId(), holdings);
      return;
    }
    BatchHoldings holdings = batches.get(event.batchId());
    if (holdings == null) {
      throw new SupplyInvariantViolation(event.batchId(), "credits moved before issuance");
    }
    holdings.apply(event);
    holdings.checkInvariants();
  }

  /** Replays a whole stream of the ledger's events. */
  public static SupplyCheck of(Iterable<?> payloads) {
    SupplyCheck check = new SupplyCheck();
    payloads.forEach(check::apply);
    return check;
  }

  /** The holdings of every batch seen, by batch id. */
  public Map<String, BatchHoldings> batches() {
    return Collections.unmodifiableMap(batches);
  }

  /** The supply of the whole ledger. */
  public Totals totals() {
    long issued = 0;
    long tradable = 0;
    long retired = 0;
    long cancelled = 0;
    for (BatchHoldings holdings : batches.values()) {
      issued += holdings.issued();
      tradable += holdings.tradable();
      retired += holdings.retired();
      cancelled += holdings.cancelled();
    }
    return new Totals(issued, tradable, retired, cancelled);
  }

  /** Supply in whole tCO2e. */
  public record Totals(long issued, long tradable, long retired, long cancelled) {}
}
