package org.carbonledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ledger-audit inventory} against a real PostgreSQL event store. */
class InventoryPostgresIT {

  private String url;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void ledgerWithTwoAccounts() throws SQLException {
    TestPostgres postgres = TestPostgres.get();
    url = postgres.newMigratedSchema("inventory");
    insert("expo-2026", 0);
    insert("expo-2026", 1);
    insert("expo-2026", 2);
    insert("li-lei", 0);
  }

  @Test
  void aWholeStoreIsCountedAndPasses() {
    int exit = run("inventory", "--db", url, "--user", TestPostgres.get().user());

    assertThat(exit).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains("4 events in 2 aggregates (Account: 2)")
        .contains("OK: every aggregate's sequence is whole");
  }

  @Test
  void anEventDeletedFromTheMiddleOfAStreamIsAnIntegrityFailureNamingTheAggregate()
      throws SQLException {
    execute(
        "DELETE FROM domain_event_entry WHERE aggregate_identifier = 'expo-2026'"
            + " AND sequence_number = 1");

    int exit = run("inventory", "--db", url, "--user", TestPostgres.get().user(), "--json");

    assertThat(exit).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    assertThat(out.toString())
        .contains("\"events\":3")
        .contains("\"sound\":false")
        .contains(
            "{\"kind\":\"sequence-break\",\"aggregate\":\"expo-2026\","
                + "\"expectedSequence\":1,\"actualSequence\":2}");
  }

  @Test
  void aDatabaseWithoutAnEventStoreIsAnIoError() {
    String empty = TestPostgres.get().newSchema("no_store");

    int exit = run("inventory", "--db", empty, "--user", TestPostgres.get().user());

    assertThat(exit).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(err.toString().strip())
        .startsWith("ledger-audit: ")
        .contains("domain_event_entry")
        .doesNotContain("\n");
  }

  private int run(String... args) {
    return AuditTool.run(args, new PrintWriter(out), new PrintWriter(err));
  }

  private void insert(String aggregateId, long sequence) throws SQLException {
    try (Connection connection = connect();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO domain_event_entry (event_identifier, aggregate_identifier,"
                    + " sequence_number, aggregate_type, time_stamp, payload_type, payload)"
                    + " VALUES (?, ?, ?, 'Account', '2026-11-21T00:00:00Z', 'test', ?)")) {
      insert.setString(1, UUID.randomUUID().toString());
      insert.setString(2, aggregateId);
      insert.setLong(3, sequence);
      insert.setBytes(4, "{}".getBytes(StandardCharsets.UTF_8));
      insert.executeUpdate();
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = connect()) {
      connection.createStatement().execute(sql);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(
        url, TestPostgres.get().user(), TestPostgres.get().password());
  }
}
