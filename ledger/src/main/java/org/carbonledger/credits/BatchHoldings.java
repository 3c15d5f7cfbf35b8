package org.carbonledger.credits;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.carbonledger.credits.BatchEvent.BatchIssued;
import org.carbonledger.credits.BatchEvent.CreditsCancelled;
import org.carbonledger.credits.BatchEvent.CreditsRetired;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;

/**
 * Who holds which serials of one batch, and which are retired or cancelled.
 *
 * <p>Every serial of the batch is in exactly one place: one account's tradable holding, the retired
 * set, or the cancelled set. {@link #checkInvariants()} proves it after every change. This class is
 * pure and free of Axon, so the {@link Batch} aggregate, the property tests and the whole-ledger
 * supply check all use the same rules.
 */
public final class BatchHoldings {

  private final String batchId;
  private final SerialBlock issued;
  private final Map<String, SerialBlocks> tradable = new TreeMap<>();
  private final SerialBlocks retired = new SerialBlocks();
  private final SerialBlocks cancelled = new SerialBlocks();

  /** A newly issued batch: all of {@code issued} is tradable in {@code accountId}. */
  public BatchHoldings(String batchId, SerialBlock issued, String accountId) {
    this.batchId = batchId;
    this.issued = issued;
    holding(accountId).add(List.of(issued));
  }

  /** The holdings of a batch as it was issued. */
  public static BatchHoldings issued(BatchIssued event) {
    return new BatchHoldings(event.batchId(), event.serials(), event.accountId());
  }

  /**
   * Applies a movement of this batch's credits. Every movement is checked against the holdings it
   * starts from, so replaying events that were tampered with fails here.
   *
   * @throws SupplyInvariantViolation if the event moves serials that are not where it says
   */
  public void apply(BatchEvent event) {
    try {
      if (event instanceof CreditsTransferred transferred) {
        transfer(transferred.fromAccountId(), transferred.toAccountId(), transferred.blocks());
      } else if (event instanceof CreditsRetired retiredCredits) {
        retire(retiredCredits.accountId(), retiredCredits.blocks());
      } else if (event instanceof CreditsCancelled cancelledCredits) {
        cancel(cancelledCredits.accountId(), cancelledCredits.blocks());
      } else {
        throw new SupplyInvariantViolation(
            batchId, "cannot apply " + event + " to an issued batch");
      }
    } catch (SupplyInvariantViolation e) {
      throw e;
    } catch (IllegalStateException e) {
      throw new SupplyInvariantViolation(batchId, e.getMessage());
    }
  }

  /**
   * Chooses the serials that a movement of {@code quantity} credits out of {@code accountId} takes:
   * the named block, or else the lowest serials of the holding.
   *
   * @param block the exact block to move, or null; its size must equal {@code quantity}
   * @param accountField the command field naming the account, for the rejection
   * @throws LedgerRejection {@code INSUFFICIENT_HOLDING} or {@code SERIAL_BLOCK_NOT_HELD}
   */
  public List<SerialBlock> select(
      String accountId, long quantity, SerialBlock block, String accountField) {
    SerialBlocks holding = tradable.get(accountId);
    long held = holding == null ? 0 : holding.total();
    if (block != null) {
      if (holding == null || !holding.containsAll(block)) {
        throw LedgerRejection.of(
            RejectionCode.SERIAL_BLOCK_NOT_HELD,
            "block",
            "serials "
                + block
                + " of batch "
                + batchId
                + " are not all tradable in account "
                + accountId);
      }
      return List.of(block);
    }
    if (quantity > held) {
      throw LedgerRejection.of(
          RejectionCode.INSUFFICIENT_HOLDING,
          accountField,
          "account "
              + accountId
              + " holds "
              + held
              + " tradable credits of batch "
              + batchId
              + ", not "
              + quantity);
    }
    return holding.lowest(quantity);
  }

  private void transfer(String from, String to, List<SerialBlock> blocks) {
    take(from, blocks);
    holding(to).add(blocks);
  }

  private void retire(String from, List<SerialBlock> blocks) {
    take(from, blocks);
    retired.add(blocks);
  }

  private void cancel(String from, List<SerialBlock> blocks) {
    take(from, blocks);
    cancelled.add(blocks);
  }

  private void take(String from, List<SerialBlock> blocks) {
    SerialBlocks holding = tradable.get(from);
    if (holding == null) {
      throw new SupplyInvariantViolation(batchId, "account " + from + " holds nothing to move");
    }
    holding.remove(blocks);
    if (holding.isEmpty()) {
      tradable.remove(from);
    }
  }

  private SerialBlocks holding(String accountId) {
    return tradable.computeIfAbsent(accountId, id -> new SerialBlocks());
  }

  /**
   * Proves that issued = tradable + retired + cancelled, that no quantity is negative, and that
   * every serial of the batch is in exactly one holding or state.
   *
   * @throws SupplyInvariantViolation if any of these fails
   */
  public void checkInvariants() {
    List<SerialBlock> all = new ArrayList<>();
    long sum = 0;
    for (Map.Entry<String, SerialBlocks> holding : tradable.entrySet()) {
      requireNonNegative("account " + holding.getKey(), holding.getValue().total());
      sum += holding.getValue().total();
      all.addAll(holding.getValue().blocks());
    }
    requireNonNegative("retired", retired.total());
    requireNonNegative("cancelled", cancelled.total());
    sum += retired.total() + cancelled.total();
    all.addAll(retired.blocks());
    all.addAll(cancelled.blocks());
    if (sum != issued.count()) {
      throw new SupplyInvariantViolation(
          batchId,
          "issued "
              + issued.count()
              + " != tradable "
              + tradable()
              + " + retired "
              + retired()
              + " + cancelled "
              + cancelled());
    }
    Collections.sort(all);
    long counted = 0;
    for (int i = 0; i < all.size(); i++) {
      SerialBlock block = all.get(i);
      if (!issued.contains(block)) {
        throw new SupplyInvariantViolation(batchId, "serials " + block + " were never issued");
      }
      if (i > 0 && all.get(i - 1).overlaps(block)) {
        throw new SupplyInvariantViolation(
            batchId, "serials " + all.get(i - 1) + " and " + block + " are in two places");
      }
      counted += block.count();
    }
    if (counted != issued.count()) {
      throw new SupplyInvariantViolation(
          batchId, counted + " serials accounted for, " + issued.count() + " issued");
    }
  }

  private void requireNonNegative(String what, long quantity) {
    if (quantity < 0) {
      throw new SupplyInvariantViolation(batchId, what + " is negative: " + quantity);
    }
  }

  public long issued() {
    return issued.count();
  }

  public long tradable() {
    return tradable.values().stream().mapToLong(SerialBlocks::total).sum();
  }

  public long retired() {
    return retired.total();
  }

  public long cancelled() {
    return cancelled.total();
  }

  public long tradableIn(String accountId) {
    SerialBlocks holding = tradable.get(accountId);
    return holding == null ? 0 : holding.total();
  }

  /** The tradable blocks of every account that holds any, by account. */
  public Map<String, List<SerialBlock>> holdings() {
    Map<String, List<SerialBlock>> view = new TreeMap<>();
    tradable.forEach((account, blocks) -> view.put(account, blocks.blocks()));
    return view;
  }

  public List<SerialBlock> retiredBlocks() {
    return retired.blocks();
  }

  public List<SerialBlock> cancelledBlocks() {
    return cancelled.blocks();
  }
}
