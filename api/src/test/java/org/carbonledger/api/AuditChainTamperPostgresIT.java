package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.audit.verify.DatabaseVerifier;
import org.carbonledger.audit.verify.Finding;
import org.carbonledger.audit.verify.VerificationReport;
import org.carbonledger.auditlog.Checkpointer;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.testsupport.RegistrySetup;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Events written by the real service to PostgreSQL, chained, signed, sequenced into the Merkle log
 * and checkpointed; then each test tampers with a copy of the ledger's tables the way an insider
 * with database access could, and the regulator's verifier must name the aggregate, the sequence
 * number and the leaf index where the ledger breaks.
 */
// Closed when the class ends, while its database still runs: the JVM runs shutdown hooks all
// at once, and a context closed then would wait on a database that is already gone.
@DirtiesContext
@SpringBootTest(properties = "ledger.checkpoint.interval-ms=200")
@ActiveProfiles("postgres")
class AuditChainTamperPostgresIT {

  private static final String BATCH = "batch:TAMPER-P-B1";
  private static boolean ledgerWritten;
  private static int copies;

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "audit_chain");
  }

  @Autowired CommandGateway commands;
  @Autowired JdbcTemplate jdbc;
  @Autowired Checkpointer checkpointer;

  private String copyUrl;

  @BeforeEach
  void aCheckpointedLedgerAndACopyToTamperWith() throws Exception {
    synchronized (AuditChainTamperPostgresIT.class) {
      if (!ledgerWritten) {
        writeLedger();
        awaitEverythingLogged();
        checkpointer.checkpoint();
        ledgerWritten = true;
      }
    }
    copyUrl = copyOfTheLedger();
  }

  @Test
  void anUntouchedLedgerVerifies() throws SQLException {
    VerificationReport report = verify();

    assertThat(report.findings()).isEmpty();
    assertThat(report.entries()).isEqualTo(report.events()).isEqualTo(report.leaves());
    assertThat(report.checkpoints()).isPositive();
    assertThat(report.entriesNotYetLogged()).isZero();
  }

  @Test
  void oneAlteredByteOfAStoredPayloadIsFoundWhereItIs() throws SQLException {
    tamper(
        "UPDATE domain_event_entry SET payload = set_byte(payload, 20, get_byte(payload, 20) # 1)"
            + " WHERE aggregate_identifier = '"
            + BATCH
            + "' AND sequence_number = 2");

    assertThat(verify().findings())
        .extracting(this::location)
        .contains("PAYLOAD_ALTERED " + BATCH + "#2 leaf " + leafOf(BATCH, 2));
  }

  @Test
  void anEventDeletedFromTheMiddleOfItsStreamIsFoundWhereItWas() throws SQLException {
    long leaf = leafOf(BATCH, 2);
    tamper(
        "DELETE FROM domain_event_entry WHERE aggregate_identifier = '"
            + BATCH
            + "' AND sequence_number = 2",
        "DELETE FROM chain_entry WHERE stream_id = '" + BATCH + "' AND sequence_number = 2");

    assertThat(verify().findings())
        .extracting(this::location)
        .contains(
            "SEQUENCE_GAP " + BATCH + "#3 leaf " + leafOf(BATCH, 3),
            "LOGGED_ENTRY_MISSING " + BATCH + "#2 leaf " + leaf);
  }

  @Test
  void twoSwappedEventsAreFoundAtBothPositions() throws SQLException {
    tamper(
        "UPDATE chain_entry SET sequence_number = -1 WHERE stream_id = '"
            + BATCH
            + "' AND sequence_number = 2",
        "UPDATE chain_entry SET sequence_number = 2 WHERE stream_id = '"
            + BATCH
            + "' AND sequence_number = 3",
        "UPDATE chain_entry SET sequence_number = 3 WHERE stream_id = '"
            + BATCH
            + "' AND sequence_number = -1");

    List<String> found = verify().findings().stream().map(this::location).toList();
    assertThat(found)
        .contains(
            "ROW_DISAGREES_WITH_ENTRY " + BATCH + "#2 leaf " + leafOf(BATCH, 3),
            "ROW_DISAGREES_WITH_ENTRY " + BATCH + "#3 leaf " + leafOf(BATCH, 2));
  }

  @Test
  void aForgedEventInsertedAroundTheLedgerIsFound() throws SQLException {
    tamper(
        "INSERT INTO domain_event_entry (event_identifier, aggregate_identifier, sequence_number,"
            + " aggregate_type, time_stamp, payload_type, payload)"
            + " SELECT 'forged-1', aggregate_identifier, max(sequence_number) + 1, 'Batch',"
            + " '2026-11-21T00:00:00Z', 'org.carbonledger.credits.BatchEvent$CreditsRetired',"
            + " convert_to('{}', 'UTF8') FROM domain_event_entry"
            + " WHERE aggregate_identifier = '"
            + BATCH
            + "' GROUP BY aggregate_identifier");

    long forgedSequence = lastSequence(BATCH) + 1;
    assertThat(verify().findings())
        .extracting(this::location)
        .containsExactly("UNCHAINED_EVENT " + BATCH + "#" + forgedSequence + " leaf -");
  }

  @Test
  void anEventReSignedWithAnUnknownKeyIsFound() throws Exception {
    // An insider rewrites a retirement's beneficiary and signs the new entry with a key of his
    // own: the hash and signature are consistent, but the key was never published.
    byte[] stored =
        queryCopy(
            "SELECT entry FROM chain_entry WHERE stream_id = '"
                + BATCH
                + "' AND sequence_number = 3");
    Entry original = EntryCodec.decode(stored);
    String payload = new String(original.payload(), java.nio.charset.StandardCharsets.UTF_8);
    byte[] forgedPayload =
        payload
            .replace("Wuhan Marathon", "Someone Else")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Entry forged =
        new Entry(
            original.origin(),
            original.aggregateType(),
            original.streamId(),
            original.sequence(),
            original.eventType(),
            forgedPayload,
            original.timestampMicros(),
            original.actor(),
            original.idempotencyKey(),
            original.previousHash());
    SignedEntry resigned =
        SignedEntry.sign(
            forged, Ed25519Signer.generate(original.origin() + "/entries", new SecureRandom()));
    try (Connection connection = DriverManager.getConnection(copyUrl, user(), password());
        var update =
            connection.prepareStatement(
                "UPDATE chain_entry SET entry = ?, entry_hash = ?, key_id = ?, signature = ?"
                    + " WHERE stream_id = ? AND sequence_number = 3");
        var event =
            connection.prepareStatement(
                "UPDATE domain_event_entry SET payload = ? WHERE aggregate_identifier = ?"
                    + " AND sequence_number = 3")) {
      update.setBytes(1, forged.canonicalBytes());
      update.setBytes(2, resigned.entryHash());
      update.setString(3, resigned.keyId());
      update.setBytes(4, resigned.signature());
      update.setString(5, BATCH);
      update.executeUpdate();
      event.setBytes(1, forgedPayload);
      event.setString(2, BATCH);
      event.executeUpdate();
    }

    assertThat(verify().findings())
        .extracting(this::location)
        .contains(
            "UNKNOWN_KEY " + BATCH + "#3 leaf " + leafOf(BATCH, 3),
            "LEAF_HASH_MISMATCH " + BATCH + "#3 leaf " + leafOf(BATCH, 3));
  }

  @Test
  void aTruncatedLogIsFoundAgainstItsSignedCheckpoint() throws SQLException {
    long size = jdbc.queryForObject("SELECT max(tree_size) FROM log_checkpoint", Long.class);
    tamper(
        "DELETE FROM merkle_leaf WHERE leaf_index >= " + (size - 3),
        "DELETE FROM merkle_node WHERE (node_index + 1) * power(2, tree_level) > " + (size - 3));

    assertThat(verify().findings())
        .extracting(this::location)
        .contains("LOG_TRUNCATED - leaf " + (size - 3));
  }

  // --- the ledger ---------------------------------------------------------------------------

  private void writeLedger() {
    commands.sendAndWait(new OpenAccount("t-green", HolderType.PLATFORM, "Green Trips", "CN-HB"));
    commands.sendAndWait(
        new OpenAccount("t-marathon", HolderType.ORGANISER, "Wuhan Marathon", "CN-HB"));
    RegistrySetup.approvedProject(commands::sendAndWait, "TAMPER-P", "t-green");
    RegistrySetup.issue(commands::sendAndWait, "TAMPER-P", 100, "t-green");
    commands.sendAndWait(
        new TransferCredits("TAMPER-P-B1", "tr-1", "t-green", "t-marathon", 60, null));
    for (int i = 1; i <= 5; i++) {
      commands.sendAndWait(
          new RetireCredits(
              "TAMPER-P-B1",
              "ret-" + i,
              "t-marathon",
              5,
              null,
              "Wuhan Marathon 2026",
              "Carbon neutral marathon",
              null,
              RetirementPurpose.VOLUNTARY,
              null,
              null,
              "CN-HB",
              null));
    }
  }

  private void awaitEverythingLogged() throws InterruptedException {
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

  /** Copies the ledger's tables into a schema of their own and returns a URL that uses it. */
  private String copyOfTheLedger() {
    String live = jdbc.queryForObject("SELECT current_schema()", String.class);
    String url = TestPostgres.get().newSchema("tamper_copy_" + (++copies));
    String copy = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    for (String table :
        List.of(
            "domain_event_entry",
            "chain_entry",
            "merkle_leaf",
            "merkle_node",
            "log_checkpoint",
            "ledger_key")) {
      jdbc.execute(
          "CREATE TABLE " + copy + "." + table + " AS SELECT * FROM " + live + "." + table);
    }
    return url;
  }

  private void tamper(String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection(copyUrl, user(), password())) {
      for (String statement : statements) {
        connection.createStatement().execute(statement);
      }
    }
  }

  private VerificationReport verify() throws SQLException {
    try (Connection connection = DriverManager.getConnection(copyUrl, user(), password())) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      return new DatabaseVerifier(connection, n -> {}).verify();
    }
  }

  private byte[] queryCopy(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(copyUrl, user(), password());
        var rows = connection.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getBytes(1);
    }
  }

  private long leafOf(String streamId, long sequence) {
    return jdbc.queryForObject(
        "SELECT leaf_index FROM merkle_leaf WHERE stream_id = ? AND sequence_number = ?",
        Long.class,
        streamId,
        sequence);
  }

  private long lastSequence(String streamId) {
    return jdbc.queryForObject(
        "SELECT max(sequence_number) FROM domain_event_entry WHERE aggregate_identifier = ?",
        Long.class,
        streamId);
  }

  /** "KIND stream#sequence leaf N", the location a finding gives. */
  private String location(Finding finding) {
    String where = finding.streamId() == null ? "-" : finding.streamId() + "#" + finding.sequence();
    return finding.kind()
        + " "
        + where
        + " leaf "
        + (finding.leafIndex() == null ? "-" : finding.leafIndex());
  }

  private static String user() {
    return TestPostgres.get().user();
  }

  private static String password() {
    return TestPostgres.get().password();
  }
}
