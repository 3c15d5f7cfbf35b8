package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.carbonledger.credits.BatchEvent;
import org.carbonledger.credits.BatchHoldings;
import org.carbonledger.credits.SupplyCheck;
import org.carbonledger.projections.credits.BatchSupplyView;
import org.carbonledger.projections.credits.CreditQueries;
import org.junit.jupiter.api.Test;

/**
 * The projections are rebuilt by replay: a reset empties them and a replay writes the same rows.
 */
class ProjectionReplayPostgresIT {

  @Test
  void theTrackingProcessorRebuildsIdenticalRowsAfterItsTokenIsReset() throws Exception {
    DataSource dataSource = ProjectionHarness.migratedSchema("replay_processor");
    try (ProjectionHarness ledger = ProjectionHarness.tracking(dataSource)) {
      MarathonStory.run(ledger);
      ledger.catchUp();
      Map<String, List<String>> built = ProjectionHarness.snapshot(dataSource);
      assertThat(built.values()).allSatisfy(rows -> assertThat(rows).isNotEmpty());

      TrackingEventProcessor processor = ledger.processor();
      assertThat(processor.processingStatus()).hasSize(1);
      processor.shutDown();
      processor.resetTokens();
      assertThat(ProjectionHarness.snapshot(dataSource).values())
          .as("the reset handlers empty every table")
          .allSatisfy(rows -> assertThat(rows).isEmpty());

      processor.start();
      ledger.catchUp();
      assertThat(ProjectionHarness.snapshot(dataSource)).isEqualTo(built);
    }
  }

  @Test
  void resettingAndReplayingTheSameEventsThroughTheHandlersGivesIdenticalRows() throws Exception {
    DataSource dataSource = ProjectionHarness.migratedSchema("replay_handlers");
    try (ProjectionHarness ledger = ProjectionHarness.synchronous(dataSource)) {
      MarathonStory.run(ledger);
      ledger.catchUp();
      Map<String, List<String>> built = ProjectionHarness.snapshot(dataSource);

      ledger.resetProjections();
      assertThat(ProjectionHarness.snapshot(dataSource).values())
          .allSatisfy(rows -> assertThat(rows).isEmpty());
      for (TrackedEventMessage<?> event : ledger.events()) {
        ledger.deliver(event);
      }
      assertThat(ProjectionHarness.snapshot(dataSource)).isEqualTo(built);
    }
  }

  @Test
  void theSupplyOfEveryBatchAddsUpAfterEveryEvent() throws Exception {
    DataSource dataSource = ProjectionHarness.migratedSchema("replay_steps");
    CreditQueries credits = new CreditQueries(dataSource);
    try (ProjectionHarness ledger = ProjectionHarness.synchronous(dataSource)) {
      MarathonStory.run(ledger);
      SupplyCheck reference = new SupplyCheck();
      for (TrackedEventMessage<?> event : ledger.events()) {
        ledger.deliver(event);
        reference.apply(event.getPayload());
        if (event.getPayload() instanceof BatchEvent changed) {
          BatchSupplyView supply = credits.batch(changed.batchId()).orElseThrow();
          BatchHoldings expected = reference.batches().get(changed.batchId());
          assertThat(supply.tradable() + supply.retired() + supply.cancelled())
              .isEqualTo(supply.issued());
          assertThat(
                  List.of(supply.issued(), supply.tradable(), supply.retired(), supply.cancelled()))
              .as("after %s", event.getPayload())
              .containsExactly(
                  expected.issued(), expected.tradable(), expected.retired(), expected.cancelled());
        }
      }
    }
  }
}
