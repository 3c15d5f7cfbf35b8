package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carbonledger.projections.MarathonStory.ACME;
import static org.carbonledger.projections.MarathonStory.CYCLING_BATCH;
import static org.carbonledger.projections.MarathonStory.EXCHANGE;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.credits.SerialBlock;
import org.junit.jupiter.api.Test;

/**
 * The credit tables are written once per processor batch (CreditsProjection with PendingCredits):
 * the rows must be exactly those that handling one event at a time writes, and a batch that breaks
 * the supply invariant must leave nothing of itself behind.
 */
class ProcessorBatchesPostgresIT {

  @Test
  void aProcessorBatchWritesExactlyTheRowsThatHandlingEachEventAloneWrites() throws Exception {
    DataSource oneByOne = ProjectionHarness.migratedSchema("batches_one_by_one");
    DataSource batched = ProjectionHarness.migratedSchema("batches_batched");
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
    try (ProjectionHarness replay = ProjectionHarness.trackingOver(batched, history)) {
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
    try (ProjectionHarness ledger = ProjectionHarness.tracking(dataSource)) {
      MarathonStory.run(ledger);
      ledger.catchUp();
      Map<String, List<String>> before = ProjectionHarness.snapshot(dataSource);
      TrackingEventProcessor processor = ledger.processor();
      // Stopped while both are stored, so that the processor takes them in one batch: a valid
      // account opening first, then a transfer of serials the exchange does not hold.
      processor.shutDown();
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
          .as("neither the forged transfer nor the opening before it in the batch is written")
          .isEqualTo(before);
    }
  }
}
