package org.carbonledger.credits;

/**
 * A batch's supply no longer adds up. This is never the caller's fault: it means a bug, or data
 * that was changed behind the ledger's back, and the ledger must stop rather than record it.
 */
public final class SupplyInvariantViolation extends IllegalStateException {

  public SupplyInvariantViolation(String batchId, String message) {
    super("batch " + batchId + ": " + message);
  }
}
