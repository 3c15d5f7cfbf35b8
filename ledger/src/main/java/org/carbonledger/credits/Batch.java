package org.carbonledger.credits;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.carbonledger.accounts.AccountCheck;
import org.carbonledger.credits.BatchCommand.CancelCredits;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.BatchEvent.BatchIssued;
import org.carbonledger.credits.BatchEvent.CreditsCancelled;
import org.carbonledger.credits.BatchEvent.CreditsRetired;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.footprints.FootprintCoverage;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.registry.StreamIds;

/**
 * A batch of issued credits (签发批次) and every serial in it: who holds it, and whether it is
 * tradable, retired or cancelled.
 *
 * <p>The batch is the consistency boundary for its serials (ADR 0004): every movement of a batch's
 * credits goes through this one aggregate, so two concurrent movements can never both take the same
 * serial. Accounts are only read, never locked.
 */
@Aggregate(cache = Batch.CACHE)
public class Batch {

  /**
   * The name of the bean that caches batches between commands (ADR 0008), so that a transfer does
   * not replay its batch's whole history first.
   */
  public static final String CACHE = "batchCache";

  @AggregateIdentifier private String streamId;
  private String batchId;
  private String projectId;
  private int batchSequence;
  private LocalDate vintageStart;
  private LocalDate vintageEnd;
  private String serialPrefix;
  private BatchHoldings holdings;

  /** Transfer, retirement and cancellation ids already used, so a retry cannot act twice. */
  private final Set<String> movements = new HashSet<>();

  protected Batch() {
    // Required by Axon to rebuild the batch from its events.
  }

  /**
   * Starts a batch; only a {@code Project} issues batches (see {@code IssueBatch}). Axon applies a
   * constructor's events only after the constructor returns, so there is no state to check here
   * yet; a new batch is one block in one holding by construction, and {@link SupplyCheck} checks it
   * again when it replays the issuance.
   */
  public Batch(BatchIssued issued) {
    apply(issued);
  }

  @CommandHandler
  public void handle(TransferCredits command, AccountCheck accounts) {
    requireNewMovement(command.transferId(), "transferId");
    if (command.fromAccountId().equals(command.toAccountId())) {
      throw LedgerRejection.of(
          RejectionCode.SAME_ACCOUNT, "toAccountId", "a transfer must go to another account");
    }
    accounts.requireBothOpen(
        command.fromAccountId(), "fromAccountId", command.toAccountId(), "toAccountId");
    List<SerialBlock> blocks =
        holdings.select(
            command.fromAccountId(), command.quantity(), command.block(), "fromAccountId");
    apply(
        new CreditsTransferred(
            batchId,
            command.transferId(),
            command.fromAccountId(),
            command.toAccountId(),
            command.quantity(),
            blocks));
    holdings.checkInvariants();
  }

  /**
   * RETIREMENT IS PERMANENT. Once this event is stored the serials are retired forever: no command,
   * administrator or cancellation can move, restore or re-retire them. Every check happens before
   * {@code apply}; the footprint, if one is cited, is covered in the same unit of work, and if it
   * refuses, the whole retirement is rolled back unrecorded.
   */
  @CommandHandler
  public void handle(RetireCredits command, AccountCheck accounts, FootprintCoverage footprints) {
    requireNewMovement(command.retirementId(), "retirementId");
    accounts.requireOpen(command.accountId(), "accountId");
    List<SerialBlock> blocks =
        holdings.select(command.accountId(), command.quantity(), command.block(), "accountId");
    apply(
        new CreditsRetired(
            batchId,
            command.retirementId(),
            command.accountId(),
            command.quantity(),
            blocks,
            command.beneficiary(),
            command.reason(),
            command.details(),
            command.purpose(),
            command.consumptionPeriodStart(),
            command.consumptionPeriodEnd(),
            command.jurisdictionOfUse(),
            command.footprintId()));
    holdings.checkInvariants();
    if (command.footprintId() != null) {
      footprints.cover(
          command.footprintId(),
          new FootprintCoverage.Retirement(
              command.accountId(),
              command.retirementId(),
              batchId,
              command.quantity(),
              labels(blocks)));
    }
  }

  /**
   * Cancels tradable credits. A frozen account's credits can be cancelled: freezing an account
   * while a faulty verification is investigated must not stop its credits being cancelled.
   */
  @CommandHandler
  public void handle(CancelCredits command) {
    requireNewMovement(command.cancellationId(), "cancellationId");
    List<SerialBlock> blocks =
        holdings.select(command.accountId(), command.quantity(), command.block(), "accountId");
    apply(
        new CreditsCancelled(
            batchId,
            command.cancellationId(),
            command.accountId(),
            command.quantity(),
            blocks,
            command.kind(),
            command.reason()));
    holdings.checkInvariants();
  }

  private void requireNewMovement(String movementId, String field) {
    if (movements.contains(movementId)) {
      throw LedgerRejection.of(
          RejectionCode.MOVEMENT_ALREADY_RECORDED,
          field,
          field + " " + movementId + " was already recorded on batch " + batchId);
    }
  }

  /** The labels of blocks of this batch (see {@link SerialNumbers}). */
  public List<String> labels(List<SerialBlock> blocks) {
    return SerialNumbers.labels(
        serialPrefix, projectId, vintageStart, vintageEnd, batchSequence, blocks);
  }

  /** The id of a project's n-th batch. */
  public static String batchId(String projectId, int batchSequence) {
    return projectId + "-B" + batchSequence;
  }

  public static String streamId(String batchId) {
    return StreamIds.of(StreamIds.BATCH, batchId);
  }

  BatchHoldings holdings() {
    return holdings;
  }

  @EventSourcingHandler
  void on(BatchIssued event) {
    streamId = streamId(event.batchId());
    batchId = event.batchId();
    projectId = event.projectId();
    batchSequence = event.batchSequence();
    vintageStart = event.vintageStart();
    vintageEnd = event.vintageEnd();
    serialPrefix = event.serialPrefix();
    holdings = BatchHoldings.issued(event);
  }

  @EventSourcingHandler
  void on(CreditsTransferred event) {
    movements.add(event.transferId());
    holdings.apply(event);
  }

  @EventSourcingHandler
  void on(CreditsRetired event) {
    movements.add(event.retirementId());
    holdings.apply(event);
  }

  @EventSourcingHandler
  void on(CreditsCancelled event) {
    movements.add(event.cancellationId());
    holdings.apply(event);
  }
}
