package org.carbonledger.api;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.carbonledger.audit.verify.DatabaseVerifier;
import org.carbonledger.audit.verify.Finding;
import org.carbonledger.audit.verify.VerificationReport;
import org.carbonledger.audit.verify.VerifyOptions;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.EntrySigner;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.testsupport.TestPostgres;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A copy of a running ledger's tables in a schema of its own, for tests that tamper with a ledger
 * the way an insider with database access could and then run the regulator's verifier on it.
 */
final class LedgerCopy {

  private static final List<String> TABLES =
      List.of(
          "domain_event_entry",
          "chain_entry",
          "merkle_leaf",
          "merkle_node",
          "log_checkpoint",
          "ledger_key",
          "token_entry",
          "projection_position",
          "batch_supply",
          "holding_block",
          "account_movement",
          "retirement_register");

  private static int copies;

  private final String url;

  private LedgerCopy(String url) {
    this.url = url;
  }

  /** Copies the tables of the ledger that {@code jdbc} reaches. */
  static synchronized LedgerCopy of(JdbcTemplate jdbc) {
    String live = jdbc.queryForObject("SELECT current_schema()", String.class);
    String url = TestPostgres.get().newSchema("ledger_copy_" + (++copies));
    String copy = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    for (String table : TABLES) {
      jdbc.execute(
          "CREATE TABLE " + copy + "." + table + " AS SELECT * FROM " + live + "." + table);
    }
    return new LedgerCopy(url);
  }

  /** Waits until the sequencer has logged every stored event. */
  static void awaitEverythingLogged(JdbcTemplate jdbc) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Long events = jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
      Long leaves = jdbc.queryForObject("SELECT count(*) FROM merkle_leaf", Long.class);
      if (events.equals(leaves)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the sequencer did not log every event within 30 s");
  }

  /** Waits until the projections have handled every stored event. */
  static void awaitProjections(JdbcTemplate jdbc) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Long last =
          jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
      List<Long> projected =
          jdbc.queryForList("SELECT last_position FROM projection_position", Long.class);
      if (last == null || (!projected.isEmpty() && projected.get(0) >= last)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the projections did not catch up within 30 s");
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(
        url, TestPostgres.get().user(), TestPostgres.get().password());
  }

  void tamper(String... statements) throws SQLException {
    try (Connection connection = connect()) {
      for (String statement : statements) {
        connection.createStatement().execute(statement);
      }
    }
  }

  byte[] queryBytes(String sql) throws SQLException {
    try (Connection connection = connect();
        var rows = connection.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getBytes(1);
    }
  }

  /** Replaces a stored entry's signature with one by {@code signer}, as a forger would. */
  void resign(String streamId, long sequence, SignedEntry resigned) throws SQLException {
    try (Connection connection = connect();
        var update =
            connection.prepareStatement(
                "UPDATE chain_entry SET entry = ?, entry_hash = ?, key_id = ?, signature = ?"
                    + " WHERE stream_id = ? AND sequence_number = ?")) {
      update.setBytes(1, resigned.entry().canonicalBytes());
      update.setBytes(2, resigned.entryHash());
      update.setString(3, resigned.keyId());
      update.setBytes(4, resigned.signature());
      update.setString(5, streamId);
      update.setLong(6, sequence);
      update.executeUpdate();
    }
  }

  /** The stored entry of a stream's event, re-signed with another key. */
  SignedEntry storedEntryResignedBy(String streamId, long sequence, EntrySigner signer)
      throws SQLException {
    byte[] stored =
        queryBytes(
            "SELECT entry FROM chain_entry WHERE stream_id = '"
                + streamId
                + "' AND sequence_number = "
                + sequence);
    return SignedEntry.sign(EntryCodec.decode(stored), signer);
  }

  VerificationReport verify() throws SQLException {
    return verify(VerifyOptions.defaults());
  }

  VerificationReport verify(VerifyOptions options) throws SQLException {
    return audit(options).report();
  }

  /** A verification's report and the latest checkpoint it verified, to save for --since. */
  record Audit(VerificationReport report, String latestCheckpoint) {}

  Audit audit(VerifyOptions options) throws SQLException {
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      // As the command line runs it: the passes side by side, in one exported snapshot.
      DatabaseVerifier verifier =
          new DatabaseVerifier(
              connection,
              n -> {},
              options,
              () -> {
                Connection more = connect();
                more.setAutoCommit(false);
                more.setReadOnly(true);
                return more;
              });
      VerificationReport report = verifier.verify();
      return new Audit(report, verifier.latestVerifiedCheckpoint());
    }
  }

  /** "KIND stream#sequence leaf N", the location a finding gives. */
  static String location(Finding finding) {
    String where = finding.streamId() == null ? "-" : finding.streamId() + "#" + finding.sequence();
    return finding.kind()
        + " "
        + where
        + " leaf "
        + (finding.leafIndex() == null ? "-" : finding.leafIndex());
  }
}
