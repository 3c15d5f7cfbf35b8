package org.carbonledger.projections.credits;

import static org.carbonledger.projections.ProjectionSql.timestamp;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.carbonledger.credits.BatchEvent.BatchIssued;
import org.carbonledger.credits.BatchEvent.CreditsCancelled;
import org.carbonledger.credits.BatchEvent.CreditsRetired;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SerialBlocks;
import org.carbonledger.credits.SerialNumbers;
import org.carbonledger.credits.SupplyInvariantViolation;
import org.carbonledger.projections.ProjectionSql;
import org.carbonledger.projections.Projections;
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
 * <p>All of a batch's tables change in one handler, guarded by the batch row's {@code
 * last_position}: an event at or below it was applied before and is skipped.
 */
@ProcessingGroup(Projections.PROCESSING_GROUP)
public final class CreditsProjection {

  private final JdbcTemplate jdbc;

  public CreditsProjection(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @EventHandler
  public void on(BatchIssued event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    BatchRow existing = batch(event.batchId());
    if (existing != null) {
      if (position <= existing.lastPosition()) {
        return; // Handled before.
      }
      throw new SupplyInvariantViolation(event.batchId(), "issued twice");
    }
    SerialBlock serials = event.serials();
    if (event.quantity() != serials.count()) {
      throw new SupplyInvariantViolation(
          event.batchId(), "issues " + event.quantity() + " credits as serials " + serials);
    }
    jdbc.update(
        "INSERT INTO batch_supply (batch_id, project_id, batch_sequence, vintage_start,"
            + " vintage_end, verification_report_id, verifier, serial_prefix, first_serial,"
            + " last_serial, issued_to_account_id, issued, tradable, retired, cancelled, issued_at,"
            + " issued_position, event_identifier, last_position)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?)",
        event.batchId(),
        event.projectId(),
        event.batchSequence(),
        event.vintageStart(),
        event.vintageEnd(),
        event.verificationReportId(),
        event.verifier(),
        event.serialPrefix(),
        serials.first(),
        serials.last(),
        event.accountId(),
        serials.count(),
        serials.count(),
        timestamp(message.getTimestamp()),
        position,
        message.getIdentifier(),
        position);
    give(event.batchId(), event.accountId(), List.of(serials));
    movement(
        event.accountId(),
        position,
        event.batchId(),
        MovementKind.ISSUANCE,
        event.batchId(),
        serials.count(),
        null,
        List.of(serials),
        message);
    checkSupply(event.batchId());
  }

  @EventHandler
  public void on(CreditsTransferred event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (movedBefore(event.batchId(), position, event.quantity(), event.blocks())) {
      return;
    }
    if (event.fromAccountId().equals(event.toAccountId())) {
      throw new SupplyInvariantViolation(
          event.batchId(), "transfer " + event.transferId() + " goes to the account it leaves");
    }
    // Both holdings are read in one query and their changes written in one batch of deletions
    // and one of insertions: the projections replay every transfer, so round trips count.
    Holdings holdings =
        new Holdings(event.batchId(), List.of(event.fromAccountId(), event.toAccountId()));
    holdings.take(event.fromAccountId(), event.blocks());
    holdings.give(event.toAccountId(), event.blocks());
    holdings.store();
    jdbc.update(
        "UPDATE batch_supply SET last_position = ? WHERE batch_id = ?", position, event.batchId());
    movements(
        List.of(
            movementRow(
                event.fromAccountId(),
                position,
                event.batchId(),
                MovementKind.TRANSFER_OUT,
                event.transferId(),
                event.quantity(),
                event.toAccountId(),
                event.blocks(),
                message),
            movementRow(
                event.toAccountId(),
                position,
                event.batchId(),
                MovementKind.TRANSFER_IN,
                event.transferId(),
                event.quantity(),
                event.fromAccountId(),
                event.blocks(),
                message)));
    checkSupply(event.batchId());
  }

  @EventHandler
  public void on(CreditsRetired event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    BatchRow batch = unmovedBatch(event.batchId(), position, event.quantity(), event.blocks());
    if (batch == null) {
      return;
    }
    take(event.batchId(), event.accountId(), event.blocks());
    jdbc.update(
        "UPDATE batch_supply SET tradable = tradable - ?, retired = retired + ?,"
            + " last_position = ? WHERE batch_id = ?",
        event.quantity(),
        event.quantity(),
        position,
        event.batchId());
    movement(
        event.accountId(),
        position,
        event.batchId(),
        MovementKind.RETIREMENT,
        event.retirementId(),
        event.quantity(),
        null,
        event.blocks(),
        message);
    jdbc.update(
        "INSERT INTO retirement_register (global_position, batch_id, retirement_id, project_id,"
            + " vintage_start, vintage_end, account_id, quantity, serial_blocks, serial_numbers,"
            + " beneficiary, reason, details, purpose, consumption_period_start,"
            + " consumption_period_end, jurisdiction_of_use, footprint_id, retired_at,"
            + " event_identifier)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        position,
        event.batchId(),
        event.retirementId(),
        batch.projectId(),
        batch.vintageStart(),
        batch.vintageEnd(),
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
        message.getIdentifier());
    checkSupply(event.batchId());
  }

  @EventHandler
  public void on(CreditsCancelled event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (movedBefore(event.batchId(), position, event.quantity(), event.blocks())) {
      return;
    }
    take(event.batchId(), event.accountId(), event.blocks());
    jdbc.update(
        "UPDATE batch_supply SET tradable = tradable - ?, cancelled = cancelled + ?,"
            + " last_position = ? WHERE batch_id = ?",
        event.quantity(),
        event.quantity(),
        position,
        event.batchId());
    movement(
        event.accountId(),
        position,
        event.batchId(),
        MovementKind.CANCELLATION,
        event.cancellationId(),
        event.quantity(),
        null,
        event.blocks(),
        message);
    checkSupply(event.batchId());
  }

  @ResetHandler
  public void reset() {
    jdbc.update("DELETE FROM retirement_register");
    jdbc.update("DELETE FROM account_movement");
    jdbc.update("DELETE FROM holding_block");
    jdbc.update("DELETE FROM batch_supply");
  }

  /**
   * Whether a movement of the batch at {@code position} was applied before; checks that the batch
   * exists and that the movement's quantity is the size of its blocks.
   */
  private boolean movedBefore(
      String batchId, long position, long quantity, List<SerialBlock> blocks) {
    return unmovedBatch(batchId, position, quantity, blocks) == null;
  }

  /**
   * The batch's row if the movement at {@code position} is still to be applied, null if it was
   * applied before; checks that the batch exists and that the movement's quantity is the size of
   * its blocks.
   */
  private BatchRow unmovedBatch(
      String batchId, long position, long quantity, List<SerialBlock> blocks) {
    BatchRow batch = batch(batchId);
    if (batch == null) {
      throw new SupplyInvariantViolation(batchId, "credits moved before issuance");
    }
    if (position <= batch.lastPosition()) {
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

  /** Takes serials out of an account's holding; they must all be held there. */
  private void take(String batchId, String accountId, List<SerialBlock> blocks) {
    Holdings holdings = new Holdings(batchId, List.of(accountId));
    holdings.take(accountId, blocks);
    holdings.store();
  }

  /** Adds serials to an account's holding, merging adjacent blocks. */
  private void give(String batchId, String accountId, List<SerialBlock> blocks) {
    Holdings holdings = new Holdings(batchId, List.of(accountId));
    holdings.give(accountId, blocks);
    holdings.store();
  }

  /**
   * Some accounts' holdings of one batch, read in one query, changed in memory and written back as
   * one batch of deletions and one of insertions: the projections replay every movement, so round
   * trips count.
   */
  private final class Holdings {
    private final String batchId;
    private final Map<String, List<SerialBlock>> before = new LinkedHashMap<>();
    private final Map<String, List<SerialBlock>> after = new LinkedHashMap<>();

    Holdings(String batchId, List<String> accountIds) {
      this.batchId = batchId;
      List<Object> arguments = new ArrayList<>();
      arguments.add(batchId);
      for (String accountId : accountIds) {
        before.put(accountId, new ArrayList<>());
        arguments.add(accountId);
      }
      jdbc.query(
          "SELECT account_id, first_serial, last_serial FROM holding_block WHERE batch_id = ?"
              + " AND account_id IN ("
              + String.join(", ", Collections.nCopies(accountIds.size(), "?"))
              + ") ORDER BY account_id, first_serial",
          row -> {
            before
                .get(row.getString("account_id"))
                .add(new SerialBlock(row.getLong("first_serial"), row.getLong("last_serial")));
          },
          arguments.toArray());
      after.putAll(before);
    }

    /** Takes serials out of an account's holding; they must all be held there. */
    void take(String accountId, List<SerialBlock> blocks) {
      change(accountId, blocks, SerialBlocks::remove, "does not hold");
    }

    /** Adds serials to an account's holding, merging adjacent blocks. */
    void give(String accountId, List<SerialBlock> blocks) {
      change(accountId, blocks, SerialBlocks::add, "already holds");
    }

    /**
     * Applies one change to an account's blocks; a change the rules refuse is a broken invariant.
     */
    private void change(
        String accountId,
        List<SerialBlock> blocks,
        BiConsumer<SerialBlocks, List<SerialBlock>> operation,
        String refusal) {
      SerialBlocks holding = new SerialBlocks();
      holding.add(after.get(accountId));
      try {
        operation.accept(holding, blocks);
      } catch (IllegalStateException e) {
        throw new SupplyInvariantViolation(
            batchId, "account " + accountId + " " + refusal + " " + blocks + ": " + e.getMessage());
      }
      after.put(accountId, holding.blocks());
    }

    /** Writes the difference between every account's blocks before and after the changes. */
    void store() {
      List<Object[]> deleted = new ArrayList<>();
      List<Object[]> inserted = new ArrayList<>();
      for (String accountId : before.keySet()) {
        Set<SerialBlock> kept = new HashSet<>(after.get(accountId));
        Set<SerialBlock> existing = new HashSet<>(before.get(accountId));
        for (SerialBlock block : before.get(accountId)) {
          if (!kept.contains(block)) {
            deleted.add(new Object[] {batchId, block.first(), accountId});
          }
        }
        for (SerialBlock block : after.get(accountId)) {
          if (!existing.contains(block)) {
            inserted.add(new Object[] {batchId, block.first(), block.last(), accountId});
          }
        }
      }
      write(deleted, inserted);
    }
  }

  /**
   * Deletes, then inserts: a block that changes hands keeps its first serial, the holdings' key
   * with the batch, so its old row must be gone before its new one is written.
   */
  private void write(List<Object[]> deleted, List<Object[]> inserted) {
    if (!deleted.isEmpty()) {
      jdbc.batchUpdate(
          "DELETE FROM holding_block WHERE batch_id = ? AND first_serial = ? AND account_id = ?",
          deleted);
    }
    if (!inserted.isEmpty()) {
      jdbc.batchUpdate(
          "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id)"
              + " VALUES (?, ?, ?, ?)",
          inserted);
    }
  }

  private void movement(
      String accountId,
      long position,
      String batchId,
      MovementKind kind,
      String movementId,
      long quantity,
      String counterpartyAccountId,
      List<SerialBlock> blocks,
      EventMessage<?> message) {
    movements(
        List.<Object[]>of(
            movementRow(
                accountId,
                position,
                batchId,
                kind,
                movementId,
                quantity,
                counterpartyAccountId,
                blocks,
                message)));
  }

  private void movements(List<Object[]> rows) {
    jdbc.batchUpdate(
        "INSERT INTO account_movement (account_id, global_position, batch_id, movement_kind,"
            + " movement_id, quantity, counterparty_account_id, serial_blocks, occurred_at,"
            + " event_identifier) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows);
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

  /**
   * The projection's half of the paired supply assertion: issued = tradable + retired + cancelled,
   * nothing negative, and the tradable credits are exactly those in the batch's holding blocks.
   */
  private void checkSupply(String batchId) {
    jdbc.query(
        "SELECT issued, tradable, retired, cancelled,"
            + " (SELECT COALESCE(SUM(h.last_serial - h.first_serial + 1), 0) FROM holding_block h"
            + " WHERE h.batch_id = b.batch_id) AS held"
            + " FROM batch_supply b WHERE b.batch_id = ?",
        row -> {
          long issued = row.getLong("issued");
          long tradable = row.getLong("tradable");
          long retired = row.getLong("retired");
          long cancelled = row.getLong("cancelled");
          long held = row.getLong("held");
          if (tradable < 0 || retired < 0 || cancelled < 0) {
            throw new SupplyInvariantViolation(
                batchId,
                "negative supply: tradable "
                    + tradable
                    + ", retired "
                    + retired
                    + ", cancelled "
                    + cancelled);
          }
          if (issued != tradable + retired + cancelled) {
            throw new SupplyInvariantViolation(
                batchId,
                "issued "
                    + issued
                    + " != tradable "
                    + tradable
                    + " + retired "
                    + retired
                    + " + cancelled "
                    + cancelled);
          }
          if (held != tradable) {
            throw new SupplyInvariantViolation(
                batchId, "tradable " + tradable + " but holdings hold " + held);
          }
        },
        batchId);
  }

  private BatchRow batch(String batchId) {
    return jdbc
        .query(
            "SELECT project_id, batch_sequence, vintage_start, vintage_end, serial_prefix,"
                + " last_position FROM batch_supply WHERE batch_id = ?",
            (row, n) ->
                new BatchRow(
                    row.getString("project_id"),
                    row.getInt("batch_sequence"),
                    ProjectionSql.date(row, "vintage_start"),
                    ProjectionSql.date(row, "vintage_end"),
                    row.getString("serial_prefix"),
                    row.getLong("last_position")),
            batchId)
        .stream()
        .findFirst()
        .orElse(null);
  }

  /** What the handlers need of a batch's row. */
  private record BatchRow(
      String projectId,
      int batchSequence,
      LocalDate vintageStart,
      LocalDate vintageEnd,
      String serialPrefix,
      long lastPosition) {

    List<String> labels(List<SerialBlock> blocks) {
      return blocks.stream()
          .map(
              block ->
                  SerialNumbers.label(
                      serialPrefix, projectId, vintageStart, vintageEnd, batchSequence, block))
          .toList();
    }
  }
}
