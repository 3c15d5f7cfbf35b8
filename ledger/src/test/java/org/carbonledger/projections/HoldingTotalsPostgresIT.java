package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carbonledger.projections.MarathonStory.CYCLING_BATCH;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntBiFunction;
import javax.sql.DataSource;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SupplyInvariantViolation;
import org.carbonledger.testsupport.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * On PostgreSQL the credits each batch's holding blocks hold are kept in {@code
 * batch_holding_total} by triggers (migration V6, spec §4.2.6.1), and the projections' database
 * check of the supply reads them there. The total must follow every way the blocks can change, and
 * a block changed behind the projection's back must still stop it.
 */
class HoldingTotalsPostgresIT {

  @Test
  void theTotalOfEveryBatchIsWhatItsBlocksHoldAfterTheProjectionsWroteThem() throws Exception {
    DataSource dataSource = ProjectionHarness.migratedSchema("holding_totals_story");
    try (ProjectionHarness ledger = ProjectionHarness.tracking(dataSource)) {
      MarathonStory.run(ledger);
      ledger.catchUp();
    }
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    assertThat(totals(jdbc)).isNotEmpty().isEqualTo(sums(jdbc));
    assertThat(totals(jdbc))
        .as("every batch's total is its tradable supply")
        .isEqualTo(map(jdbc, "SELECT batch_id, tradable FROM batch_supply"));
  }

  @Test
  void theTotalFollowsInsertsCopiesUpdatesDeletesAndTruncation() throws Exception {
    DataSource dataSource = ProjectionHarness.migratedSchema("holding_totals_statements");
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    jdbc.update(
        "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id) VALUES"
            + " ('A', 1, 10, 'x'), ('A', 21, 25, 'y'), ('B', 1, 100, 'x')");
    assertThat(totals(jdbc)).isEqualTo(Map.of("A", 15L, "B", 100L));

    try (Connection connection = dataSource.getConnection()) {
      connection
          .unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY holding_block (batch_id, first_serial, last_serial, account_id) FROM STDIN",
              new StringReader("A\t31\t31\tz\nC\t5\t9\tz\n"));
    }
    assertThat(totals(jdbc)).as("COPY").isEqualTo(Map.of("A", 16L, "B", 100L, "C", 5L));

    jdbc.update("UPDATE holding_block SET last_serial = 50 WHERE batch_id = 'B'");
    assertThat(totals(jdbc)).as("a block shortened").containsEntry("B", 50L);
    jdbc.update(
        "UPDATE holding_block SET batch_id = 'C' WHERE batch_id = 'A' AND first_serial = 1");
    assertThat(totals(jdbc)).as("a block moved to another batch").isEqualTo(sums(jdbc));
    assertThat(totals(jdbc)).isEqualTo(Map.of("A", 6L, "B", 50L, "C", 15L));

    jdbc.update("DELETE FROM holding_block WHERE batch_id IN ('A', 'C')");
    assertThat(totals(jdbc))
        .as("a batch whose blocks are all gone keeps a total of zero")
        .isEqualTo(Map.of("A", 0L, "B", 50L, "C", 0L));

    // A session whose search_path leaves out the ledger's schema (a DBA's, a restore's) still
    // counts into that schema's totals.
    String schema = jdbc.queryForObject("SELECT current_schema()", String.class);
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SET search_path TO pg_catalog");
      statement.execute(
          "INSERT INTO "
              + schema
              + ".holding_block (batch_id, first_serial, last_serial, account_id)"
              + " VALUES ('B', 101, 102, 'y')");
    }
    assertThat(totals(jdbc)).as("another search_path").containsEntry("B", 52L);

    jdbc.execute("TRUNCATE holding_block");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_holding_total", Long.class))
        .isZero();
  }

  @Test
  void upgradingARegistryCountsTheBlocksItAlreadyHolds() {
    TestPostgres postgres = TestPostgres.get();
    String url = postgres.newSchema("holding_totals_upgrade");
    Flyway.configure()
        .dataSource(url, postgres.user(), postgres.password())
        .locations(TestPostgres.MIGRATIONS)
        .target("4")
        .load()
        .migrate();
    JdbcTemplate jdbc =
        new JdbcTemplate(new DriverManagerDataSource(url, postgres.user(), postgres.password()));
    jdbc.update(
        "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id) VALUES"
            + " ('A', 1, 10, 'x'), ('A', 21, 25, 'y'), ('B', 7, 7, 'x')");

    Flyway.configure()
        .dataSource(url, postgres.user(), postgres.password())
        .locations(TestPostgres.MIGRATIONS)
        .load()
        .migrate();

    assertThat(totals(jdbc)).isEqualTo(Map.of("A", 15L, "B", 1L));
  }

  @Test
  void aBlockChangedBehindTheProjectionsBackStopsTheNextProcessorBatchOfItsBatch()
      throws Exception {
    // An insider takes a block's last serial out of the table, so that the batch's blocks hold
    // one credit fewer than its supply says is tradable.
    transferAfter(
        "holding_totals_block",
        (jdbc, first) ->
            jdbc.update(
                "UPDATE holding_block SET last_serial = last_serial - 1"
                    + " WHERE batch_id = ? AND first_serial = ?",
                CYCLING_BATCH,
                first));
  }

  @Test
  void aTotalChangedBehindTheProjectionsBackStopsTheNextProcessorBatchOfItsBatch()
      throws Exception {
    // An insider raises the batch's total by one, so that it no longer agrees with the supply
    // (or with the blocks, which are untouched).
    transferAfter(
        "holding_totals_total",
        (jdbc, first) ->
            jdbc.update(
                "UPDATE batch_holding_total SET held = held + 1 WHERE batch_id = ?",
                CYCLING_BATCH));
  }

  /**
   * Tells the marathon story, runs {@code tampering} (given the first serial of one of the cycling
   * batch's blocks of two credits or more; it must change one row) while the projections are idle,
   * then publishes a valid transfer of that block's first serial: the processor must stop on the
   * supply check and write nothing of the transfer.
   */
  private static void transferAfter(String hint, ToIntBiFunction<JdbcTemplate, Long> tampering)
      throws Exception {
    DataSource dataSource = ProjectionHarness.migratedSchema(hint);
    try (ProjectionHarness ledger = ProjectionHarness.tracking(dataSource)) {
      MarathonStory.run(ledger);
      ledger.catchUp();
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      Map<String, Object> block =
          jdbc.queryForMap(
              "SELECT first_serial, account_id FROM holding_block"
                  + " WHERE batch_id = ? AND last_serial > first_serial"
                  + " ORDER BY first_serial LIMIT 1",
              CYCLING_BATCH);
      long first = ((Number) block.get("first_serial")).longValue();
      String holder = (String) block.get("account_id");
      assertThat(tampering.applyAsInt(jdbc, first)).isOne();
      Map<String, List<String>> before = ProjectionHarness.snapshot(dataSource);

      ledger.publish(
          new CreditsTransferred(
              CYCLING_BATCH,
              "after-tampering",
              holder,
              holder.equals(MarathonStory.ACME) ? MarathonStory.LI_LEI : MarathonStory.ACME,
              1,
              List.of(new SerialBlock(first, first))));

      assertThat(ledger.awaitProcessorError(Duration.ofSeconds(30)))
          .isInstanceOf(SupplyInvariantViolation.class)
          .hasMessageContaining(CYCLING_BATCH)
          .hasMessageContaining("holdings hold");
      assertThat(ProjectionHarness.snapshot(dataSource))
          .as("the transfer is not written")
          .isEqualTo(before);
    }
  }

  private static Map<String, Long> totals(JdbcTemplate jdbc) {
    return map(jdbc, "SELECT batch_id, held FROM batch_holding_total");
  }

  private static Map<String, Long> sums(JdbcTemplate jdbc) {
    return map(
        jdbc,
        "SELECT batch_id, SUM(last_serial - first_serial + 1) FROM holding_block GROUP BY batch_id");
  }

  private static Map<String, Long> map(JdbcTemplate jdbc, String sql) {
    Map<String, Long> rows = new TreeMap<>();
    jdbc.query(
        sql,
        row -> {
          rows.put(row.getString(1), row.getLong(2));
        });
    return rows;
  }
}
