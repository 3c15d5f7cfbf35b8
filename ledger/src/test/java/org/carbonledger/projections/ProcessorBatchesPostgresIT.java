package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carbonledger.projections.MarathonStory.ACME;
import static org.carbonledger.projections.MarathonStory.CYCLING_BATCH;
import static org.carbonledger.projections.MarathonStory.EXCHANGE;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.projections.credits.CreditsProjection;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The credit tables are written once per processor batch (CreditsProjection with PendingCredits):
 * the rows must be exactly those that handling one event at a time writes, and a batch that breaks
 * the supply invariant must leave nothing of itself behind.
 */
class ProcessorBatchesPostgresIT {

  @Test
  void aProcessorBatchWritesExactlyTheRowsThatHandlingEachEventAloneWrites() throws Exception {
    batchedAndAloneWriteTheSameRows("batches", CreditsProjection.EARLY_COPY_ROWS);
  }

  @Test
  void aProcessorBatchThatCopiesEveryRowEarlyWritesExactlyTheRowsThatHandlingEachEventAloneWrites()
      throws Exception {
    // One row per early copy: a batch of 20 events queues dozens of copies, and its commit must
    // wait for every one of them.
    batchedAndAloneWriteTheSameRows("early_copies", 1);
  }

  private static void batchedAndAloneWriteTheSameRows(String hint, int earlyCopyRows)
      throws Exception {
    DataSource oneByOne = ProjectionHarness.migratedSchema(hint + "_one_by_one");
    DataSource batched = ProjectionHarness.migratedSchema(hint + "_batched");
    List<TrackedEventMessage<?>> history;
    // The story is told once, with each event handled alone outside any unit of work, as it is
    // written.
    try (ProjectionHarness ledger = ProjectionHarness.synchronous(oneByOne)) {
      MarathonStory.run(ledger);
      ledger.catchUp();
      history = ledger.events();
    }
    assertThat(history).hasSizeGreaterThan(20);
    // Its events are then replayed by a processor that finds them all stored when it starts, so it
    // takes them in batches of many. (Stopping and restarting a running processor to get there
    // raced with its start-up: now and then it never started again.)
    try (ProjectionHarness replay =
        ProjectionHarness.trackingOver(batched, history, earlyCopyRows)) {
      replay.catchUp();
      assertThat(replay.largestBatch()).as("events handled in one processor batch").isEqualTo(20);
    }
    Map<String, List<String>> rows = ProjectionHarness.snapshot(batched);
    assertThat(rows.get("holding_block")).isNotEmpty();
    assertThat(rows.get("retirement_register")).isNotEmpty();
    assertThat(rows).isEqualTo(ProjectionHarness.snapshot(oneByOne));
  }

  @Test
  void aBatchThatBreaksTheSupplyInvariantLeavesNothingOfItselfBehind() throws Exception {
    DataSource dataSource = ProjectionHarness.migratedSchema("batches_violation");
    // Every account movement is copied early, so the rows of the valid transfers are already on
    // their way when the forged one fails: the rollback must wait for them and undo them.
    try (ProjectionHarness ledger = ProjectionHarness.trackingOver(dataSource, List.of(), 1)) {
      MarathonStory.run(ledger);
      ledger.catchUp();
      Map<String, List<String>> before = ProjectionHarness.snapshot(dataSource);
      TrackingEventProcessor processor = ledger.processor();
      // Stopped while they are stored, so that the processor takes them in one batch: two valid
      // transfers and a valid account opening first, then a transfer of serials the exchange does
      // not hold.
      processor.shutDown();
      ledger.send(new TransferCredits(CYCLING_BATCH, "valid-1", EXCHANGE, ACME, 1, null));
      ledger.send(new TransferCredits(CYCLING_BATCH, "valid-2", EXCHANGE, ACME, 1, null));
      ledger.publish(
          new AccountOpened("late-account", HolderType.ENTERPRISE, "Late Ltd.", "CN-HB"),
          new CreditsTransferred(
              CYCLING_BATCH,
              "forged",
              EXCHANGE,
              ACME,
              5,
              List.of(new SerialBlock(1_000_001, 1_000_005))));
      processor.start();

      assertThat(ledger.awaitProcessorError(Duration.ofSeconds(30)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("does not hold");
      assertThat(ProjectionHarness.snapshot(dataSource))
          .as("neither the forged transfer nor anything before it in the batch is written")
          .isEqualTo(before);
    }
  }

  @Test
  void aBatchWhoseEarlyCopyFailsLeavesNothingOfItselfBehindAndIsWrittenOnceTheCauseIsGone()
      throws Exception {
    DataSource dataSource = ProjectionHarness.migratedSchema("batches_early_copy_fails");
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    try (ProjectionHarness ledger = ProjectionHarness.trackingOver(dataSource, List.of(), 1)) {
      MarathonStory.run(ledger);
      ledger.catchUp();
      TrackingEventProcessor processor = ledger.processor();
      processor.shutDown();
      ledger.send(new TransferCredits(CYCLING_BATCH, "late-1", EXCHANGE, ACME, 1, null));
      ledger.send(new TransferCredits(CYCLING_BATCH, "late-2", EXCHANGE, ACME, 1, null));
      List<TrackedEventMessage<?>> events = ledger.events();
      long lastTransfer = Projections.position(events.get(events.size() - 1).trackingToken());
      // A row written behind the projection's back, where the last transfer's receiving line
      // belongs: the early copy of that line fails on the table's key.
      jdbc.update(
          "INSERT INTO account_movement (account_id, global_position, batch_id, movement_kind,"
              + " movement_id, quantity, serial_blocks, occurred_at, event_identifier)"
              + " VALUES (?, ?, ?, 'TRANSFER_IN', 'planted', 1, '1-1', now(), 'planted')",
          ACME,
          lastTransfer,
          CYCLING_BATCH);
      Map<String, List<String>> before = ProjectionHarness.snapshot(dataSource);
      processor.start();

      Throwable error = ledger.awaitProcessorError(Duration.ofSeconds(30));
      assertThat(causes(error)).anyMatch(DuplicateKeyException.class::isInstance);
      assertThat(ProjectionHarness.snapshot(dataSource))
          .as("neither transfer's rows are written, nor the batch's holdings and supply")
          .isEqualTo(before);

      jdbc.update("DELETE FROM account_movement WHERE movement_id = 'planted'");
      ledger.catchUp();
      assertThat(
              jdbc.queryForObject(
                  "SELECT count(*) FROM account_movement WHERE movement_id IN ('late-1', 'late-2')",
                  Long.class))
          .isEqualTo(4);
    }
  }

  private static List<Throwable> causes(Throwable error) {
    List<Throwable> causes = new ArrayList<>();
    for (Throwable cause = error; cause != null && !causes.contains(cause); ) {
      causes.add(cause);
      cause = cause.getCause();
    }
    return causes;
  }
}
