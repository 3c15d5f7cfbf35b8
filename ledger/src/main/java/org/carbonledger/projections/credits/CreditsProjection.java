package org.carbonledger.projections.credits;

import static org.carbonledger.projections.ProjectionSql.timestamp;

import java.util.List;
import javax.sql.DataSource;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.carbonledger.credits.BatchEvent.BatchIssued;
import org.carbonledger.credits.BatchEvent.CreditsCancelled;
import org.carbonledger.credits.BatchEvent.CreditsRetired;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SupplyInvariantViolation;
import org.carbonledger.projections.ProjectionSql;
import org.carbonledger.projections.Projections;
import org.carbonledger.projections.credits.PendingCredits.Supply;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes everything that follows from a batch's events: its supply ({@code batch_supply}), who
 * holds which serials ({@code holding_block}), every account's movements ({@code account_movement})
 * and the public retirement register ({@code retirement_register}).
 *
 * <p>The rules are the {@code Batch} aggregate's own: holdings are {@link SerialBlocks}, kept
 * merged; a movement takes exactly its event's blocks from the account the event names (a transfer
 * adds them to the receiver, a retirement or cancellation takes them out of circulation for good).
 * After every event the batch's row must satisfy issued = tradable + retired + cancelled, and its
 * tradable credits must equal the credits in its holding blocks; otherwise the handler throws a
 * {@link SupplyInvariantViolation} (an {@link IllegalStateException}), the projection's half of the
 * paired assertion with the aggregate.
 *
 * <p>All of a batch's tables change together, guarded by the batch row's {@code last_position}: an
 * event at or below it was applied before and is skipped. The handlers change the rows in memory
 * and {@link PendingCredits} writes them once per processor batch, just before it commits.
 */
@ProcessingGroup(Projections.PROCESSING_GROUP)
public final class CreditsProjection {

  private static final String PENDING = CreditsProjection.class.getName() + ".pending";

  /**
   * From how many new rows of a table a processor batch copies them early, while its later events
   * are handled (EarlyCopy): a replay's processor batch has some 18,000 account movements. One that
   * keeps up with the commands mostly has a few, which its commit writes as before; one that
   * catches up after a pause copies early as a replay does.
   */
  public static final int EARLY_COPY_ROWS = 1_024;

  private final JdbcTemplate jdbc;
  private final int earlyCopyRows;

  public CreditsProjection(DataSource dataSource) {
    this(dataSource, EARLY_COPY_ROWS);
  }

  /**
   * @param earlyCopyRows from how many new rows of a table they are copied early; 0 for never.
   *     Tests set it low to have every processor batch copy early.
   */
  public CreditsProjection(DataSource dataSource, int earlyCopyRows) {
    if (earlyCopyRows < 0) {
      throw new IllegalArgumentException("early copy rows " + earlyCopyRows + " < 0");
    }
    this.jdbc = new JdbcTemplate(dataSource);
    this.earlyCopyRows = earlyCopyRows;
  }

  @EventHandler
  public void on(BatchIssued event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    PendingCredits pending = pending();
    Supply existing = pending.batch(event.batchId());
    if (existing != null) {
      if (position <= existing.lastPosition) {
        return; // Handled before.
      }
      throw new SupplyInvariantViolation(event.batchId(), "issued twice");
    }
    SerialBlock serials = event.serials();
    if (event.quantity() != serials.count()) {
      throw new SupplyInvariantViolation(
          event.batchId(), "issues " + event.quantity() + " credits as serials " + serials);
    }
    Supply batch = pending.issue(event, message, position);
    pending.give(batch, event.accountId(), List.of(serials));
    pending.movement(
        movementRow(
            event.accountId(),
            position,
            event.batchId(),
            MovementKind.ISSUANCE,
            event.batchId(),
            serials.count(),
            null,
            List.of(serials),
            message));
    PendingCredits.checkSupply(batch);
    written(pending);
  }

  @EventHandler
  public void on(CreditsTransferred event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    PendingCredits pending = pending();
    Supply batch =
        unmovedBatch(pending, event.batchId(), position, event.quantity(), event.blocks());
    if (batch == null) {
      return;
    }
    if (event.fromAccountId().equals(event.toAccountId())) {
      throw new SupplyInvariantViolation(
          event.batchId(), "transfer " + event.transferId() + " goes to the account it leaves");
    }
    pending.take(batch, event.fromAccountId(), event.blocks());
    pending.give(batch, event.toAccountId(), event.blocks());
    batch.appliedAt(position);
    pending.movement(
        movementRow(
            event.fromAccountId(),
            position,
            event.batchId(),
            MovementKind.TRANSFER_OUT,
            event.transferId(),
            event.quantity(),
            event.toAccountId(),
            event.blocks(),
            message));
    pending.movement(
        movementRow(
            event.toAccountId(),
            position,
            event.batchId(),
            MovementKind.TRANSFER_IN,
            event.transferId(),
            event.quantity(),
            event.fromAccountId(),
            event.blocks(),
            message));
    PendingCredits.checkSupply(batch);
    written(pending);
  }

  @EventHandler
  public void on(CreditsRetired event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    PendingCredits pending = pending();
    Supply batch =
        unmovedBatch(pending, event.batchId(), position, event.quantity(), event.blocks());
    if (batch == null) {
      return;
    }
    takeOutOfCirculation(
        pending,
        batch,
        event.accountId(),
        event.quantity(),
        event.blocks(),
        MovementKind.RETIREMENT,
        event.retirementId(),
        position,
        message);
    batch.retired += event.quantity();
    pending.retirement(
        new Object[] {
          position,
          event.batchId(),
          event.retirementId(),
          batch.projectId,
          batch.vintageStart,
          batch.vintageEnd,
          event.accountId(),
          event.quantity(),
          ProjectionSql.blocks(event.blocks()),
          ProjectionSql.labels(batch.labels(event.blocks())),
          event.beneficiary(),
          event.reason(),
          event.details(),
          event.purpose().name(),
          event.consumptionPeriodStart(),
          event.consumptionPeriodEnd(),
          event.jurisdictionOfUse(),
          event.footprintId(),
          timestamp(message.getTimestamp()),
          message.getIdentifier()
        });
    PendingCredits.checkSupply(batch);
    written(pending);
  }

  @EventHandler
  public void on(CreditsCancelled event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    PendingCredits pending = pending();
    Supply batch =
        unmovedBatch(pending, event.batchId(), position, event.quantity(), event.blocks());
    if (batch == null) {
      return;
    }
    takeOutOfCirculation(
        pending,
        batch,
        event.accountId(),
        event.quantity(),
        event.blocks(),
        MovementKind.CANCELLATION,
        event.cancellationId(),
        position,
        message);
    batch.cancelled += event.quantity();
    PendingCredits.checkSupply(batch);
    written(pending);
  }

  @ResetHandler
  public void reset() {
    Projections.emptyTables(
        jdbc, "retirement_register", "account_movement", "holding_block", "batch_supply");
  }

  /**
   * The changes of the processor batch being handled, written when its unit of work prepares to
   * commit. A handler called outside a unit of work (directly, as some tests do) gets changes of
   * its own, which {@link #written} writes at once.
   */
  private PendingCredits pending() {
    if (!CurrentUnitOfWork.isStarted()) {
      return new PendingCredits(jdbc);
    }
    UnitOfWork<?> unit = CurrentUnitOfWork.get().root();
    PendingCredits pending =
        unit.getOrComputeResource(
            PENDING,
            key -> {
              PendingCredits created = new PendingCredits(jdbc, earlyCopyRows);
              created.prefetch(unit);
              unit.onPrepareCommit(u -> created.flush());
              // Registered after the unit's transaction, so run before its rollback: an early copy
              // must stop using the connection before the connection goes back to the pool.
              unit.onRollback(u -> created.abandon());
              return created;
            });
    // Before this event's reads: after a failed early copy, they would only fail for it.
    pending.throwIfEarlyCopyFailed();
    return pending;
  }

  /** Writes an event's changes at once if no unit of work will. */
  private static void written(PendingCredits pending) {
    if (!CurrentUnitOfWork.isStarted()) {
      pending.flush();
    }
  }

  /**
   * The batch's supply if the movement at {@code position} is still to be applied, null if it was
   * applied before; checks that the batch exists and that the movement's quantity is the size of
   * its blocks.
   */
  private static Supply unmovedBatch(
      PendingCredits pending,
      String batchId,
      long position,
      long quantity,
      List<SerialBlock> blocks) {
    Supply batch = pending.batch(batchId);
    if (batch == null) {
      throw new SupplyInvariantViolation(batchId, "credits moved before issuance");
    }
    if (position <= batch.lastPosition) {
      return null;
    }
    long count = 0;
    for (SerialBlock block : blocks) {
      count = Math.addExact(count, block.count());
    }
    if (blocks.isEmpty() || quantity != count || quantity <= 0) {
      throw new SupplyInvariantViolation(
          batchId, "a movement of " + quantity + " credits names serials " + blocks);
    }
    return batch;
  }

  /**
   * What a retirement and a cancellation both do: the serials leave the account's holding and the
   * batch's tradable supply for good, and the account's statement gets the movement. The caller
   * adds them to the retired or cancelled count.
   */
  private static void takeOutOfCirculation(
      PendingCredits pending,
      Supply batch,
      String accountId,
      long quantity,
      List<SerialBlock> blocks,
      MovementKind kind,
      String movementId,
      long position,
      EventMessage<?> message) {
    pending.take(batch, accountId, blocks);
    batch.tradable -= quantity;
    batch.appliedAt(position);
    pending.movement(
        movementRow(
            accountId, position, batch.batchId, kind, movementId, quantity, null, blocks, message));
  }

  private static Object[] movementRow(
      String accountId,
      long position,
      String batchId,
      MovementKind kind,
      String movementId,
      long quantity,
      String counterpartyAccountId,
      List<SerialBlock> blocks,
      EventMessage<?> message) {
    return new Object[] {
      accountId,
      position,
      batchId,
      kind.name(),
      movementId,
      quantity,
      counterpartyAccountId,
      ProjectionSql.blocks(blocks),
      timestamp(message.getTimestamp()),
      message.getIdentifier()
    };
  }
}
