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
    assertThat(result).isEqualTo(new ReplayResult(2, 15, 19L, 15, 0, 2, 7, 21, 5));
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

  private ReplayResult check() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      return ProjectionCheck.check(connection, findings, n -> {});
    }
  }
}
