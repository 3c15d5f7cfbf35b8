package org.carbonledger.audit.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.carbonledger.audit.verify.Finding;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The replay's memory bound on a real PostgreSQL: however the events of many batches interleave in
 * global order, the check holds one batch's state at a time, and still compares every batch.
 */
class ProjectionCheckManyBatchesPostgresIT {

  private static final int BATCHES = 300;

  private String url;
  private final ManyBatchesLedger ledger = new ManyBatchesLedger(BATCHES);
  private final List<Finding> findings = new ArrayList<>();

  @BeforeEach
  void manyBatches() throws SQLException {
    TestPostgres postgres = TestPostgres.get();
    url = postgres.newMigratedSchema("many_batches");
    try (Connection connection = connect()) {
      ledger.write(connection);
    }
  }

  @Test
  void theReplayHoldsOneBatchAtATimeHoweverTheirEventsInterleave() throws SQLException {
    ProjectionCheck.Run run = run();

    assertThat(findings).isEmpty();
    assertThat(run.result())
        .isEqualTo(
            new ReplayResult(
                BATCHES,
                ledger.position(),
                ledger.position(),
                ledger.position(),
                0,
                BATCHES,
                (long) BATCHES * ManyBatchesLedger.HOLDINGS_PER_BATCH,
                BATCHES,
                (long) BATCHES * ManyBatchesLedger.MOVEMENTS_PER_BATCH,
                BATCHES));
    // In global order all 300 batches are open at once; the replay never held more than one.
    assertThat(run.mostBatchesHeld()).isEqualTo(1);
  }

  @Test
  void rowsChangedInOneBatchAmongManyAreFoundInThatBatchAlone() throws SQLException {
    String batch = ledger.batchIds.get(BATCHES / 2);
    long retirement = ledger.retirement(BATCHES / 2).globalIndex();
    execute(
        "UPDATE holding_block SET last_serial = 94 WHERE batch_id = '"
            + batch
            + "' AND first_serial = 11");
    execute(
        "UPDATE retirement_register SET serial_blocks = '2-6' WHERE global_position = "
            + retirement);

    ProjectionCheck.Run run = run();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "PROJECTION_ROW_DIFFERS",
                "batch:" + batch,
                null,
                null,
                "retirement_register",
                "global_position=" + retirement,
                "the table differs from the replay: serial_blocks is 2-6, the replay gives 1-5"),
            new Finding(
                "PROJECTION_ROW_DIFFERS",
                "batch:" + batch,
                null,
                null,
                "holding_block",
                "batch_id=" + batch + ", first_serial=11",
                "the table has wh-exchange holding 11-94, the replay wh-exchange holding 11-95"),
            new Finding(
                "PROJECTION_ROW_DIFFERS",
                "batch:" + batch,
                null,
                null,
                "batch_holding_total",
                "batch_id=" + batch,
                "the table differs from the replay: held is 89, the replay's holdings hold 90"));
    assertThat(run.mostBatchesHeld()).isEqualTo(1);
  }

  private ProjectionCheck.Run run() throws SQLException {
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        return ProjectionCheck.runInCurrentTransaction(connection, findings, n -> {});
      } finally {
        connection.rollback();
      }
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(
        url, TestPostgres.get().user(), TestPostgres.get().password());
  }
}
