package org.carbonledger.audit.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.carbonledger.audit.verify.Finding;
import org.carbonledger.testsupport.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The replay and its comparison with the projections against a real PostgreSQL ledger, untouched
 * and tampered with by direct SQL.
 */
class ProjectionCheckPostgresIT {

  private static final String CYCLING_STREAM = "batch:" + MarathonLedger.CYCLING;

  private String url;
  private final MarathonLedger ledger = new MarathonLedger();
  private final List<Finding> findings = new ArrayList<>();
  private final List<Long> progress = new ArrayList<>();

  @BeforeEach
  void marathonLedger() throws SQLException {
    TestPostgres postgres = TestPostgres.get();
    url = postgres.newSchema("replay");
    Flyway.configure()
        .dataSource(url, postgres.user(), postgres.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    try (Connection connection = connect()) {
      ledger.write(connection);
    }
  }

  @Test
  void anUntouchedLedgerGivesNoFindings() throws SQLException {
    ReplayResult result = check();

    assertThat(findings).isEmpty();
    assertThat(result).isEqualTo(new ReplayResult(2, 15, 19L, 15, 0, 2, 7));
  }

  @Test
  void aSupplyValueChangedInTheTableIsBalanceDrift() throws SQLException {
    execute(
        "UPDATE batch_supply SET tradable = tradable - 1, retired = retired + 1"
            + " WHERE batch_id = 'WH-CYCLING-B1'");

    check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "PROJECTION_ROW_DIFFERS",
                CYCLING_STREAM,
                null,
                null,
                "batch_supply",
                "batch_id=WH-CYCLING-B1",
                "the table differs from the replay: tradable is 61, the replay gives 62;"
                    + " retired is 37, the replay gives 36"));
  }

  @Test
  void aDeletedSupplyRowIsMissing() throws SQLException {
    execute("DELETE FROM batch_supply WHERE batch_id = 'WH-METRO-B1'");

    check();

    assertThat(findings)
        .extracting(
            Finding::kind, Finding::streamId, Finding::table, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_MISSING",
                "batch:WH-METRO-B1",
                "batch_supply",
                "batch_id=WH-METRO-B1",
                "the replay has batch WH-METRO-B1 (issued 50, tradable 28, retired 2, cancelled"
                    + " 20) but the table has no row for it"));
  }

  @Test
  void aDeletedHoldingRowIsMissing() throws SQLException {
    execute("DELETE FROM holding_block WHERE batch_id = 'WH-CYCLING-B1' AND first_serial = 37");

    check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "PROJECTION_ROW_MISSING",
                CYCLING_STREAM,
                null,
                null,
                "holding_block",
                "batch_id=WH-CYCLING-B1, first_serial=37",
                "the replay has marathon-org holding 37-40 but the table has no such row"));
  }

  @Test
  void aHoldingRowGivenToAnotherAccountDiffers() throws SQLException {
    execute(
        "UPDATE holding_block SET account_id = 'acme'"
            + " WHERE batch_id = 'WH-CYCLING-B1' AND first_serial = 16");

    check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "PROJECTION_ROW_DIFFERS",
                CYCLING_STREAM,
                null,
                null,
                "holding_block",
                "batch_id=WH-CYCLING-B1, first_serial=16",
                "the table has acme holding 16-20, the replay li-lei holding 16-20"));
  }

  @Test
  void cancelledSerialsAddedToAHoldingAreAnUnexpectedRow() throws SQLException {
    execute(
        "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id)"
            + " VALUES ('WH-METRO-B1', 1, 20, 'acme')");

    check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-METRO-B1",
                null,
                null,
                "holding_block",
                "batch_id=WH-METRO-B1, first_serial=1",
                "the table has acme holding 1-20 but the replay has serial 1 cancelled"));
  }

  @Test
  void aSerialRetiredTwiceByDirectSqlIsFoundAtThatEvent() throws SQLException {
    StoredEvent inserted =
        atSequence(
            new BatchEvents(MarathonLedger.POSITION)
                .retired(MarathonLedger.CYCLING, "R9", "li-lei", 1, "15-15"),
            11);
    try (Connection connection = connect()) {
      MarathonLedger.insert(connection, inserted);
    }

    ReplayResult result = check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "SERIAL_RETIRED_TWICE",
                CYCLING_STREAM,
                11L,
                null,
                "domain_event_entry",
                inserted.eventIdentifier(),
                "retirement R9 from li-lei retires serials already retired: 15-15"),
            new Finding(
                "SUPPLY_EQUATION_BROKEN",
                CYCLING_STREAM,
                11L,
                null,
                "domain_event_entry",
                inserted.eventIdentifier(),
                "issued 100 != tradable 62 (serials held) + retired 37 + cancelled 2"));
    assertThat(result.eventsNotYetProjected()).isEqualTo(1);
  }

  @Test
  void aTransferAfterRetirementByDirectSqlIsFoundAtThatEvent() throws SQLException {
    StoredEvent transfer =
        atSequence(
            new BatchEvents(MarathonLedger.POSITION)
                .transferred(MarathonLedger.CYCLING, "T9", "marathon-org", "acme", 10, "1-10"),
            11);
    try (Connection connection = connect()) {
      MarathonLedger.insert(connection, transfer);
    }

    check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "MOVED_AFTER_RETIREMENT",
                CYCLING_STREAM,
                11L,
                null,
                "domain_event_entry",
                transfer.eventIdentifier(),
                "transfer T9 from marathon-org to acme moves serials after their retirement or"
                    + " cancellation: 1-10 (retired)"));
  }

  @Test
  void aLoggedPayloadChangedToRetireRetiredSerialsIsFoundWithItsLeafAndTheHoldingItLeftBehind()
      throws SQLException {
    StoredEvent changed = ledger.acmeRetirement;
    try (Connection connection = connect();
        var update =
            connection.prepareStatement(
                "UPDATE domain_event_entry SET payload = ? WHERE event_identifier = ?")) {
      update.setBytes(
          1, ledger.events.retired(MarathonLedger.CYCLING, "R3", "acme", 5, "1-5").payload());
      update.setString(2, changed.eventIdentifier());
      update.executeUpdate();
    }

    check();

    assertThat(findings)
        .extracting(
            Finding::kind, Finding::streamId, Finding::sequence, Finding::leafIndex, Finding::row)
        .containsExactly(
            tuple("SERIAL_RETIRED_TWICE", CYCLING_STREAM, 7L, 14L, changed.eventIdentifier()),
            tuple("SUPPLY_EQUATION_BROKEN", CYCLING_STREAM, 7L, 14L, changed.eventIdentifier()),
            tuple(
                "PROJECTION_ROW_MISSING",
                CYCLING_STREAM,
                null,
                null,
                "batch_id=WH-CYCLING-B1, first_serial=61"));
  }

  @Test
  void eventsAfterTheProjectionsPositionAreNotExpectedInTheTablesYet() throws SQLException {
    StoredEvent transfer =
        atSequence(
            new BatchEvents(MarathonLedger.POSITION)
                .transferred(MarathonLedger.CYCLING, "T9", "wh-exchange", "li-lei", 10, "91-100"),
            11);
    try (Connection connection = connect()) {
      MarathonLedger.insert(connection, transfer);
    }

    ReplayResult result = check();

    assertThat(findings).isEmpty();
    assertThat(result).isEqualTo(new ReplayResult(2, 16, 19L, 15, 1, 2, 7));
  }

  @Test
  void anEventThatCommittedAfterTheProcessorPassedItIsNotExpectedInTheTablesYet()
      throws SQLException {
    BatchEvents late = new BatchEvents(MarathonLedger.POSITION);
    StoredEvent transfer =
        atSequence(
            late.transferred(MarathonLedger.CYCLING, "T9", "wh-exchange", "li-lei", 10, "91-100"),
            11);
    StoredEvent handled =
        late.raw(
            "account:li-lei",
            "org.carbonledger.accounts.AccountEvent$AccountOpened",
            "{\"accountId\":\"li-lei\"}");
    try (Connection connection = connect()) {
      MarathonLedger.insert(connection, transfer);
      MarathonLedger.insert(connection, handled);
      connection.createStatement().execute("UPDATE projection_position SET last_position = 21");
      MarathonLedger.token(connection, "{\"index\":21,\"gaps\":[20]}");
    }

    ReplayResult result = check();

    assertThat(findings).isEmpty();
    assertThat(result).isEqualTo(new ReplayResult(2, 16, 21L, 15, 1, 2, 7));
  }

  @Test
  void withoutTheGapTheSameEventIsExpectedInTheTables() throws SQLException {
    StoredEvent transfer =
        atSequence(
            new BatchEvents(MarathonLedger.POSITION)
                .transferred(MarathonLedger.CYCLING, "T9", "wh-exchange", "li-lei", 10, "91-100"),
            11);
    try (Connection connection = connect()) {
      MarathonLedger.insert(connection, transfer);
      connection.createStatement().execute("UPDATE projection_position SET last_position = 20");
      MarathonLedger.token(connection, "{\"index\":20,\"gaps\":[]}");
    }

    check();

    assertThat(findings)
        .extracting(Finding::kind, Finding::table, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_DIFFERS",
                "batch_supply",
                "batch_id=WH-CYCLING-B1",
                "the table differs from the replay: last_position is 18, the replay gives 20"),
            tuple(
                "PROJECTION_ROW_DIFFERS",
                "holding_block",
                "batch_id=WH-CYCLING-B1, first_serial=71",
                "the table has wh-exchange holding 71-100, the replay wh-exchange holding 71-90"),
            tuple(
                "PROJECTION_ROW_MISSING",
                "holding_block",
                "batch_id=WH-CYCLING-B1, first_serial=91",
                "the replay has li-lei holding 91-100 but the table has no such row"));
  }

  @Test
  void beforeTheProjectionsHandleAnythingTheirTablesMustBeEmpty() throws SQLException {
    execute("DELETE FROM projection_position");

    ReplayResult result = check();

    assertThat(result).isEqualTo(new ReplayResult(2, 15, null, 0, 15, 2, 7));
    assertThat(findings)
        .extracting(Finding::kind, Finding::table)
        .containsOnly(
            tuple("PROJECTION_ROW_UNEXPECTED", "batch_supply"),
            tuple("PROJECTION_ROW_UNEXPECTED", "holding_block"))
        .hasSize(9);
  }

  @Test
  void theCheckLeavesTheConnectionAsItFoundIt() throws SQLException {
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);

      ProjectionCheck.check(connection, findings, progress::add);

      assertThat(connection.getAutoCommit()).isFalse();
      assertThat(connection.getTransactionIsolation())
          .isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  private ReplayResult check() throws SQLException {
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      return ProjectionCheck.check(connection, findings, progress::add);
    }
  }

  private static StoredEvent atSequence(StoredEvent event, long sequence) {
    return new StoredEvent(
        event.globalIndex(),
        event.eventIdentifier(),
        event.aggregateIdentifier(),
        sequence,
        event.payloadType(),
        event.timeStamp(),
        event.payload());
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
