package org.carbonledger.audit.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
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
    url = postgres.newMigratedSchema("replay");
    try (Connection connection = connect()) {
      ledger.write(connection);
    }
  }

  @Test
  void anUntouchedLedgerGivesNoFindingsInAnyOfItsTables() throws SQLException {
    ReplayResult result = check();

    assertThat(findings).isEmpty();
    assertThat(result).isEqualTo(new ReplayResult(2, 15, 19L, 15, 0, 2, 7, 2, 21, 5));
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
                "the replay has marathon-org holding 37-40 but the table has no such row"),
            // The triggers took the deleted block off the batch's total too (§4.2.6.1).
            totalFinding(
                "PROJECTION_ROW_DIFFERS",
                "WH-CYCLING-B1",
                "the table differs from the replay: held is 58, the replay's holdings hold 62"));
  }

  @Test
  void aHoldingTotalChangedByHandDiffers() throws SQLException {
    execute("UPDATE batch_holding_total SET held = held + 5 WHERE batch_id = 'WH-CYCLING-B1'");

    check();

    assertThat(findings)
        .containsExactly(
            totalFinding(
                "PROJECTION_ROW_DIFFERS",
                "WH-CYCLING-B1",
                "the table differs from the replay: held is 67, the replay's holdings hold 62"));
  }

  @Test
  void aLedgerMigratedBeforeTheHoldingTotalsIsComparedWithoutThem() throws SQLException {
    execute("DROP TABLE batch_holding_total CASCADE");

    ReplayResult result = check();

    assertThat(findings).isEmpty();
    assertThat(result).isEqualTo(new ReplayResult(2, 15, 19L, 15, 0, 2, 7, 0, 21, 5));
  }

  @Test
  void aZeroTotalLeftByABatchWithoutEventsIsNoFinding() throws SQLException {
    // The triggers leave the batch's total at 0 once its last block is gone (§4.2.6.1).
    execute(
        "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id)"
            + " VALUES ('WH-GHOST-B1', 3, 10, 'acme')");
    execute("DELETE FROM holding_block WHERE batch_id = 'WH-GHOST-B1'");

    ReplayResult result = check();

    assertThat(findings).isEmpty();
    assertThat(result.holdingTotalRowsCompared()).isEqualTo(2);
  }

  @Test
  void beforeTheProjectionsHandleAnythingAMissingOrZeroTotalIsNoFinding() throws SQLException {
    execute("DELETE FROM projection_position");
    execute("DELETE FROM batch_holding_total WHERE batch_id = 'WH-CYCLING-B1'");
    execute("UPDATE batch_holding_total SET held = 0 WHERE batch_id = 'WH-METRO-B1'");

    check();

    // Every other table's rows are unexpected; a total of 0, or none, is what nothing holds.
    assertThat(findings)
        .extracting(Finding::table)
        .doesNotContain("batch_holding_total")
        .hasSize(2 + 7 + MarathonLedger.MOVEMENT_ROWS + MarathonLedger.RETIREMENT_ROWS);
  }

  @Test
  void aDeletedHoldingTotalIsMissing() throws SQLException {
    execute("DELETE FROM batch_holding_total WHERE batch_id = 'WH-CYCLING-B1'");

    check();

    assertThat(findings)
        .containsExactly(
            totalFinding(
                "PROJECTION_ROW_MISSING",
                "WH-CYCLING-B1",
                "the replay's holdings of batch WH-CYCLING-B1 hold 62 credits but the table has"
                    + " no total for it"));
  }

  @Test
  void aHoldingRowDeletedWithTheTriggersOffIsMissingWhileTheTotalStillAgrees() throws SQLException {
    // What the supply check cannot see (§4.2.6.1): the total keeps counting the deleted block.
    execute(
        "SET session_replication_role = replica;"
            + " DELETE FROM holding_block WHERE batch_id = 'WH-CYCLING-B1' AND first_serial = 37;"
            + " SET session_replication_role = origin");

    check();

    assertThat(findings)
        .extracting(Finding::kind, Finding::table, Finding::row)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_MISSING",
                "holding_block",
                "batch_id=WH-CYCLING-B1, first_serial=37"));
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
                "the table has acme holding 1-20 but the replay has serial 1 cancelled"),
            totalFinding(
                "PROJECTION_ROW_DIFFERS",
                "WH-METRO-B1",
                "the table differs from the replay: held is 48, the replay's holdings hold 28"));
  }

  @Test
  void aRetirementRegisterRowWithAnotherQuantityAndBeneficiaryDiffers() throws SQLException {
    execute(
        "UPDATE retirement_register SET quantity = 14, beneficiary = 'Someone Else'"
            + " WHERE global_position = 8");

    check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "PROJECTION_ROW_DIFFERS",
                CYCLING_STREAM,
                null,
                null,
                "retirement_register",
                "global_position=8",
                "the table differs from the replay: quantity is 14, the replay gives 15;"
                    + " beneficiary is Someone Else, the replay gives Wuhan Marathon 2026"
                    + " participants"));
  }

  @Test
  void aRetirementRegisterRowWithAnotherAccountSerialsAndTimeDiffers() throws SQLException {
    execute(
        "UPDATE retirement_register SET account_id = 'acme',"
            + " serial_numbers = 'WHCI-WH-METRO-20260101-20260331-1-23-24',"
            + " retired_at = TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.124+00'"
            + " WHERE global_position = 13");

    check();

    assertThat(findings)
        .extracting(Finding::kind, Finding::streamId, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_DIFFERS",
                "batch:WH-METRO-B1",
                "global_position=13",
                "the table differs from the replay: account_id is acme, the replay gives"
                    + " marathon-org; serial_numbers is WHCI-WH-METRO-20260101-20260331-1-23-24,"
                    + " the replay gives WHCI-WH-METRO-20260101-20260331-1-21-22; retired_at is"
                    + " 2026-04-01T08:00:00.124Z, the replay gives 2026-04-01T08:00:00.123Z"));
  }

  @Test
  void aRetirementDeletedFromTheRegisterIsMissing() throws SQLException {
    execute("DELETE FROM retirement_register WHERE global_position = 13");

    check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "PROJECTION_ROW_MISSING",
                "batch:WH-METRO-B1",
                null,
                null,
                "retirement_register",
                "global_position=13",
                "the replay has retirement R5 of 2 credits 21-22 of batch WH-METRO-B1 from"
                    + " marathon-org for Wuhan Marathon 2026 participants but the table has no"
                    + " such row"));
  }

  @Test
  void retirementsInventedInTheRegisterAreUnexpected() throws SQLException {
    // One claims the serials that event 16 cancelled, one stands where no event is.
    for (long position : new long[] {16, 99}) {
      execute(
          "INSERT INTO retirement_register (global_position, batch_id, retirement_id, project_id,"
              + " vintage_start, vintage_end, account_id, quantity, serial_blocks,"
              + " serial_numbers, beneficiary, reason, details, purpose,"
              + " consumption_period_start, consumption_period_end, jurisdiction_of_use,"
              + " footprint_id, retired_at, event_identifier) VALUES ("
              + position
              + ", 'WH-CYCLING-B1', 'R"
              + position
              + "', 'WH-CYCLING', DATE '2026-01-01', DATE '2026-03-31', 'acme', 2, '66-67',"
              + " 'WHCI-WH-CYCLING-20260101-20260331-1-66-67', 'Acme Ltd', 'neutral', NULL,"
              + " 'VOLUNTARY', NULL, NULL, 'CN-HB', NULL,"
              + " TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', 'invented-"
              + position
              + "')");
    }

    check();

    assertThat(findings)
        .extracting(
            Finding::kind, Finding::streamId, Finding::table, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                CYCLING_STREAM,
                "retirement_register",
                "global_position=16",
                "the table has retirement R16 of 2 credits 66-67 of batch WH-CYCLING-B1 from acme"
                    + " for Acme Ltd but the event at global position 16 gives no row of this"
                    + " table"),
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                CYCLING_STREAM,
                "retirement_register",
                "global_position=99",
                "the table has retirement R99 of 2 credits 66-67 of batch WH-CYCLING-B1 from acme"
                    + " for Acme Ltd but no event the projections had handled gives it"));
  }

  @Test
  void aRetirementsOptionalClaimIsComparedWithTheRegisterToo() throws SQLException {
    String claimed =
        new String(
                ledger
                    .events
                    .retired(MarathonLedger.CYCLING, "R2", "marathon-org", 11, "26-36")
                    .payload(),
                StandardCharsets.UTF_8)
            .replace("\"details\":null", "\"details\":\"start line\"")
            .replace("\"VOLUNTARY\"", "\"EVENT_NEUTRALITY\"")
            .replace("\"consumptionPeriodStart\":null", "\"consumptionPeriodStart\":\"2026-04-12\"")
            .replace("\"consumptionPeriodEnd\":null", "\"consumptionPeriodEnd\":\"2026-04-13\"")
            .replace("\"footprintId\":null", "\"footprintId\":\"FP-MARATHON\"");
    try (Connection connection = connect();
        var update =
            connection.prepareStatement(
                "UPDATE domain_event_entry SET payload = ? WHERE global_index = 9")) {
      update.setBytes(1, claimed.getBytes(StandardCharsets.UTF_8));
      update.executeUpdate();
    }

    check();

    assertThat(findings)
        .extracting(Finding::kind, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_DIFFERS",
                "global_position=9",
                "the table differs from the replay: details is null, the replay gives start line;"
                    + " purpose is VOLUNTARY, the replay gives EVENT_NEUTRALITY;"
                    + " consumption_period_start is null, the replay gives 2026-04-12;"
                    + " consumption_period_end is null, the replay gives 2026-04-13;"
                    + " footprint_id is null, the replay gives FP-MARATHON"));

    findings.clear();
    execute(
        "UPDATE retirement_register SET details = 'start line', purpose = 'EVENT_NEUTRALITY',"
            + " consumption_period_start = DATE '2026-04-12',"
            + " consumption_period_end = DATE '2026-04-13', footprint_id = 'FP-MARATHON'"
            + " WHERE global_position = 9");

    check();

    assertThat(findings).isEmpty();
  }

  @Test
  void anAccountMovementWithAnotherQuantityAndSerialsDiffers() throws SQLException {
    execute(
        "UPDATE account_movement SET quantity = 50, serial_blocks = '1-50'"
            + " WHERE account_id = 'marathon-org' AND global_position = 6");

    check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "PROJECTION_ROW_DIFFERS",
                CYCLING_STREAM,
                null,
                null,
                "account_movement",
                "account_id=marathon-org, global_position=6",
                "the table differs from the replay: quantity is 50, the replay gives 40;"
                    + " serial_blocks is 1-50, the replay gives 1-40"));
  }

  @Test
  void anAccountMovementWithTheCounterpartyAndKindTurnedAroundDiffers() throws SQLException {
    execute(
        "UPDATE account_movement SET movement_kind = 'TRANSFER_IN', counterparty_account_id ="
            + " 'li-lei' WHERE account_id = 'wh-exchange' AND global_position = 14");

    check();

    assertThat(findings)
        .extracting(Finding::kind, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_DIFFERS",
                "account_id=wh-exchange, global_position=14",
                "the table differs from the replay: movement_kind is TRANSFER_IN, the replay"
                    + " gives TRANSFER_OUT; counterparty_account_id is li-lei, the replay gives"
                    + " acme"));
  }

  @Test
  void aDeletedAccountMovementIsMissing() throws SQLException {
    execute("DELETE FROM account_movement WHERE account_id = 'acme' AND global_position = 16");

    check();

    assertThat(findings)
        .containsExactly(
            new Finding(
                "PROJECTION_ROW_MISSING",
                CYCLING_STREAM,
                null,
                null,
                "account_movement",
                "account_id=acme, global_position=16",
                "the replay has CANCELLATION C1 of 2 credits 66-67 of batch WH-CYCLING-B1 for"
                    + " acme but the table has no such row"));
  }

  @Test
  void accountMovementsInventedInTheTableAreUnexpected() throws SQLException {
    // A third account in a transfer, and a movement at the position of an account's event.
    execute(
        "INSERT INTO account_movement (account_id, global_position, batch_id, movement_kind,"
            + " movement_id, quantity, counterparty_account_id, serial_blocks, occurred_at,"
            + " event_identifier) VALUES"
            + " ('li-lei', 18, 'WH-CYCLING-B1', 'TRANSFER_IN', 'T5', 5, 'acme', '71-75',"
            + " TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', 'invented-1'),"
            + " ('li-lei', 19, 'WH-METRO-B1', 'TRANSFER_IN', 'T7', 3, 'wh-exchange', '31-33',"
            + " TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', 'invented-2')");

    check();

    assertThat(findings)
        .extracting(
            Finding::kind, Finding::streamId, Finding::table, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                CYCLING_STREAM,
                "account_movement",
                "account_id=li-lei, global_position=18",
                "the table has TRANSFER_IN T5 of 5 credits 71-75 of batch WH-CYCLING-B1 for"
                    + " li-lei but the event at global position 18 gives only account_id=acme,"
                    + " global_position=18 and account_id=wh-exchange, global_position=18"),
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-METRO-B1",
                "account_movement",
                "account_id=li-lei, global_position=19",
                "the table has TRANSFER_IN T7 of 3 credits 31-33 of batch WH-METRO-B1 for li-lei"
                    + " but no event the projections had handled gives it"));
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
                "PROJECTION_ROW_DIFFERS",
                CYCLING_STREAM,
                null,
                null,
                "account_id=acme, global_position=15"),
            tuple("PROJECTION_ROW_DIFFERS", CYCLING_STREAM, null, null, "global_position=15"),
            tuple(
                "PROJECTION_ROW_MISSING",
                CYCLING_STREAM,
                null,
                null,
                "batch_id=WH-CYCLING-B1, first_serial=61"),
            // The replay still holds the serials the changed payload no longer takes.
            tuple("PROJECTION_ROW_DIFFERS", CYCLING_STREAM, null, null, "batch_id=WH-CYCLING-B1"));
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
    assertThat(result).isEqualTo(new ReplayResult(2, 16, 19L, 15, 1, 2, 7, 2, 21, 5));
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
    assertThat(result).isEqualTo(new ReplayResult(2, 16, 21L, 15, 1, 2, 7, 2, 21, 5));
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
                "PROJECTION_ROW_MISSING",
                "account_movement",
                "account_id=wh-exchange, global_position=20",
                "the replay has TRANSFER_OUT T9 of 10 credits 91-100 of batch WH-CYCLING-B1 for"
                    + " wh-exchange but the table has no such row"),
            tuple(
                "PROJECTION_ROW_MISSING",
                "account_movement",
                "account_id=li-lei, global_position=20",
                "the replay has TRANSFER_IN T9 of 10 credits 91-100 of batch WH-CYCLING-B1 for"
                    + " li-lei but the table has no such row"),
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

    assertThat(result).isEqualTo(new ReplayResult(2, 15, null, 0, 15, 2, 7, 2, 21, 5));
    assertThat(findings)
        .extracting(Finding::kind, Finding::table)
        .containsOnly(
            tuple("PROJECTION_ROW_UNEXPECTED", "batch_supply"),
            tuple("PROJECTION_ROW_UNEXPECTED", "holding_block"),
            tuple("PROJECTION_ROW_UNEXPECTED", "account_movement"),
            tuple("PROJECTION_ROW_UNEXPECTED", "retirement_register"),
            tuple("PROJECTION_ROW_UNEXPECTED", "batch_holding_total"))
        .hasSize(2 + 7 + 2 + MarathonLedger.MOVEMENT_ROWS + MarathonLedger.RETIREMENT_ROWS);
  }

  @Test
  void theTwoInterleavedBatchesAreReplayedOneAtATime() throws SQLException {
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);

      ProjectionCheck.Run run =
          ProjectionCheck.runInCurrentTransaction(connection, findings, progress::add);

      assertThat(findings).isEmpty();
      assertThat(run.result()).isEqualTo(new ReplayResult(2, 15, 19L, 15, 0, 2, 7, 2, 21, 5));
      assertThat(run.mostBatchesHeld()).isEqualTo(1);
    }
  }

  @Test
  void rowsOfABatchThatHasNoEventsAreUnexpectedInEveryTable() throws SQLException {
    execute(
        "INSERT INTO batch_supply VALUES ('WH-GHOST-B1', 'WH-GHOST', 1, DATE '2026-01-01',"
            + " DATE '2026-03-31', 'VR-WH-GHOST-B1', 'CQC', 'WHCI', 1, 10, 'acme', 10, 8, 2, 0,"
            + " TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', 50, 'ghost-1', 51)");
    execute(
        "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id)"
            + " VALUES ('WH-GHOST-B1', 3, 10, 'acme')");
    execute(
        "INSERT INTO account_movement (account_id, global_position, batch_id, movement_kind,"
            + " movement_id, quantity, counterparty_account_id, serial_blocks, occurred_at,"
            + " event_identifier) VALUES ('acme', 50, 'WH-GHOST-B1', 'ISSUANCE', 'WH-GHOST-B1',"
            + " 10, NULL, '1-10', TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00',"
            + " 'ghost-1')");
    execute(
        "INSERT INTO retirement_register (global_position, batch_id, retirement_id, project_id,"
            + " vintage_start, vintage_end, account_id, quantity, serial_blocks,"
            + " serial_numbers, beneficiary, reason, details, purpose,"
            + " consumption_period_start, consumption_period_end, jurisdiction_of_use,"
            + " footprint_id, retired_at, event_identifier) VALUES (51, 'WH-GHOST-B1', 'R1',"
            + " 'WH-GHOST', DATE '2026-01-01', DATE '2026-03-31', 'acme', 2, '1-2',"
            + " 'WHCI-WH-GHOST-20260101-20260331-1-1-2', 'Acme Ltd', 'neutral', NULL,"
            + " 'VOLUNTARY', NULL, NULL, 'CN-HB', NULL,"
            + " TIMESTAMP WITH TIME ZONE '2026-04-01 08:00:00.123+00', 'ghost-2')");

    ReplayResult result = check();

    assertThat(findings)
        .extracting(
            Finding::kind, Finding::streamId, Finding::table, Finding::row, Finding::message)
        .containsExactly(
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-GHOST-B1",
                "account_movement",
                "account_id=acme, global_position=50",
                "the table has ISSUANCE WH-GHOST-B1 of 10 credits 1-10 of batch WH-GHOST-B1 for"
                    + " acme but no event the projections had handled gives it"),
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-GHOST-B1",
                "retirement_register",
                "global_position=51",
                "the table has retirement R1 of 2 credits 1-2 of batch WH-GHOST-B1 from acme for"
                    + " Acme Ltd but no event the projections had handled gives it"),
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-GHOST-B1",
                "batch_supply",
                "batch_id=WH-GHOST-B1",
                "the table has batch WH-GHOST-B1 but no BatchIssued up to the projections'"
                    + " position issues it"),
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-GHOST-B1",
                "holding_block",
                "batch_id=WH-GHOST-B1, first_serial=3",
                "the table has acme holding 3-10 but the replay has no batch WH-GHOST-B1"),
            tuple(
                "PROJECTION_ROW_UNEXPECTED",
                "batch:WH-GHOST-B1",
                "batch_holding_total",
                "batch_id=WH-GHOST-B1",
                "the table has 8 credits held in batch WH-GHOST-B1 but no BatchIssued up to the"
                    + " projections' position issues it"));
    assertThat(result).isEqualTo(new ReplayResult(2, 15, 19L, 15, 0, 3, 8, 3, 22, 6));
  }

  @Test
  void eventsWhoseSequenceNumbersDisagreeWithTheirPositionsStillClaimTheirRows()
      throws SQLException {
    // R1 (sequence 2, position 8) and R2 (sequence 3, position 9) swap sequence numbers: the replay
    // now meets position 9 before position 8, but the rows are matched by position.
    execute("UPDATE domain_event_entry SET sequence_number = -1 WHERE global_index = 8");
    execute("UPDATE domain_event_entry SET sequence_number = 2 WHERE global_index = 9");
    execute("UPDATE domain_event_entry SET sequence_number = 3 WHERE global_index = 8");

    ReplayResult result = check();

    assertThat(findings).isEmpty();
    assertThat(result).isEqualTo(new ReplayResult(2, 15, 19L, 15, 0, 2, 7, 2, 21, 5));
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

  /** A finding on the row of {@code batch_holding_total} of a batch, whose stream it names. */
  private static Finding totalFinding(String kind, String batchId, String message) {
    return new Finding(
        kind,
        "batch:" + batchId,
        null,
        null,
        "batch_holding_total",
        "batch_id=" + batchId,
        message);
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
