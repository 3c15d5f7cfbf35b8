package org.carbonledger.audit.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.carbonledger.audit.verify.Finding;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The same check on the embedded database the registry runs on by default (H2). */
class ProjectionCheckH2Test {

  private String url;
  private Connection keepAlive;
  private final List<Finding> findings = new ArrayList<>();

  @BeforeEach
  void marathonLedger() throws SQLException {
    url =
        "jdbc:h2:mem:replay-"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    keepAlive = DriverManager.getConnection(url);
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    new MarathonLedger().write(keepAlive);
  }

  @AfterEach
  void close() throws SQLException {
    keepAlive.close();
  }

  @Test
  void anUntouchedLedgerGivesNoFindings() throws SQLException {
    ReplayResult result = check();

    assertThat(findings).isEmpty();
    assertThat(result).isEqualTo(new ReplayResult(2, 15, 19L, 15, 0, 2, 7, 0, 21, 5));
  }

  @Test
  void aSupplyValueChangedInTheTableIsBalanceDrift() throws SQLException {
    keepAlive
        .createStatement()
        .execute(
            "UPDATE batch_supply SET tradable = tradable - 1, cancelled = cancelled + 1,"
                + " issued_at = TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.124+00'"
                + " WHERE batch_id = 'WH-METRO-B1'");

    check();

    assertThat(findings)
        .extracting(Finding::kind, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_DIFFERS",
                "batch_id=WH-METRO-B1",
                "the table differs from the replay: tradable is 27, the replay gives 28;"
                    + " cancelled is 21, the replay gives 20; issued_at is"
                    + " 2026-04-01T08:00:00.124Z, the replay gives 2026-04-01T08:00:00.123Z"));
  }

  @Test
  void aRetirementRegisterRowWithAnotherVintageAndAMovementWithAnotherTimeDiffer()
      throws SQLException {
    keepAlive
        .createStatement()
        .execute(
            "UPDATE retirement_register SET vintage_end = DATE '2026-06-30'"
                + " WHERE global_position = 12");
    keepAlive
        .createStatement()
        .execute(
            "UPDATE account_movement"
                + " SET occurred_at = TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.124+00'"
                + " WHERE account_id = 'li-lei' AND global_position = 11");

    check();

    assertThat(findings)
        .extracting(Finding::kind, Finding::table, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_DIFFERS",
                "account_movement",
                "account_id=li-lei, global_position=11",
                "the table differs from the replay: occurred_at is 2026-04-01T08:00:00.124Z, the"
                    + " replay gives 2026-04-01T08:00:00.123Z"),
            tuple(
                "PROJECTION_ROW_DIFFERS",
                "retirement_register",
                "global_position=12",
                "the table differs from the replay: vintage_end is 2026-06-30, the replay gives"
                    + " 2026-03-31"));
  }

  @Test
  void aSupplyRowAndAHoldingOfABatchThatHasNoEventsAreUnexpected() throws SQLException {
    keepAlive
        .createStatement()
        .execute(
            "INSERT INTO batch_supply VALUES ('WH-GHOST-B1', 'WH-GHOST', 1, DATE '2026-01-01',"
                + " DATE '2026-03-31', 'VR-WH-GHOST-B1', 'CQC', 'WHCI', 1, 10, 'acme', 10, 10, 0,"
                + " 0, TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', 50, 'ghost-1', 50)");
    keepAlive
        .createStatement()
        .execute(
            "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id)"
                + " VALUES ('WH-GHOST-B1', 1, 10, 'acme')");
    keepAlive
        .createStatement()
        .execute(
            "INSERT INTO account_movement (account_id, global_position, batch_id,"
                + " movement_kind, movement_id, quantity, counterparty_account_id,"
                + " serial_blocks, occurred_at, event_identifier) VALUES ('acme', 50,"
                + " 'WH-GHOST-B1', 'ISSUANCE', 'WH-GHOST-B1', 10, NULL, '1-10',"
                + " TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', 'ghost-1')");

    ReplayResult result = check();

    assertThat(findings)
        .extracting(Finding::kind, Finding::streamId, Finding::table, Finding::row)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-GHOST-B1",
                "account_movement",
                "account_id=acme, global_position=50"),
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-GHOST-B1",
                "batch_supply",
                "batch_id=WH-GHOST-B1"),
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-GHOST-B1",
                "holding_block",
                "batch_id=WH-GHOST-B1, first_serial=1"));
    assertThat(result).isEqualTo(new ReplayResult(2, 15, 19L, 15, 0, 3, 8, 0, 22, 5));
  }

  @Test
  void manyInterleavedBatchesAreReplayedOneAtATime() throws SQLException {
    String many =
        "jdbc:h2:mem:replay-many-"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    try (Connection alive = DriverManager.getConnection(many)) {
      Flyway.configure()
          .dataSource(many, null, null)
          .locations("classpath:db/migration")
          .load()
          .migrate();
      ManyBatchesLedger ledger = new ManyBatchesLedger(120);
      ledger.write(alive);

      ProjectionCheck.Run run;
      try (Connection connection = DriverManager.getConnection(many)) {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        run = ProjectionCheck.runInCurrentTransaction(connection, findings, n -> {});
        connection.rollback();
      }

      assertThat(findings).isEmpty();
      assertThat(run.result().batches()).isEqualTo(120);
      assertThat(run.result().eventsCompared()).isEqualTo(ledger.position());
      assertThat(run.mostBatchesHeld()).isEqualTo(1);
    }
  }

  private ReplayResult check() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      return ProjectionCheck.check(connection, findings, n -> {});
    }
  }
}
