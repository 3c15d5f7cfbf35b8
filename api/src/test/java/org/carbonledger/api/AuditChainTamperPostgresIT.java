package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.audit.verify.Finding;
import org.carbonledger.audit.verify.VerificationReport;
import org.carbonledger.audit.verify.VerifyOptions;
import org.carbonledger.auditlog.Checkpointer;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.testsupport.RegistrySetup;
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

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "audit_chain");
  }

  @Autowired CommandGateway commands;
  @Autowired JdbcTemplate jdbc;
  @Autowired Checkpointer checkpointer;

  private LedgerCopy copy;

  @BeforeEach
  void aCheckpointedLedgerAndACopyToTamperWith() throws Exception {
    synchronized (AuditChainTamperPostgresIT.class) {
      if (!ledgerWritten) {
        writeLedger();
        LedgerCopy.awaitEverythingLogged(jdbc);
        LedgerCopy.awaitProjections(jdbc);
        checkpointer.checkpoint();
        ledgerWritten = true;
      }
    }
    copy = LedgerCopy.of(jdbc);
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
        .containsExactlyInAnyOrder(
            "UNCHAINED_EVENT " + BATCH + "#" + forgedSequence + " leaf -",
            // The replay of the credits finds the forged retirement empty, too.
            "MALFORMED_BATCH_EVENT " + BATCH + "#" + forgedSequence + " leaf -");
  }

  @Test
  void anEventReSignedWithAnUnknownKeyIsFound() throws Exception {
    // An insider rewrites a retirement's beneficiary and signs the new entry with a key of his
    // own: the hash and signature are consistent, but the key was never published.
    byte[] stored =
        copy.queryBytes(
            "SELECT entry FROM chain_entry WHERE stream_id = '"
                + BATCH
                + "' AND sequence_number = 3");
    Entry original = EntryCodec.decode(stored);
    String payload = new String(original.payload(), StandardCharsets.UTF_8);
    byte[] forgedPayload =
        payload.replace("Wuhan Marathon", "Someone Else").getBytes(StandardCharsets.UTF_8);
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
    copy.resign(
        BATCH,
        3,
        SignedEntry.sign(
            forged, Ed25519Signer.generate(original.origin() + "/entries", new SecureRandom())));
    try (Connection connection = copy.connect();
        var event =
            connection.prepareStatement(
                "UPDATE domain_event_entry SET payload = ? WHERE aggregate_identifier = ?"
                    + " AND sequence_number = 3")) {
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

  @Test
  void changedMetadataIsFoundWhereItIs() throws SQLException {
    tamper(
        "UPDATE domain_event_entry SET meta_data = convert_to('{\"actor\":\"client:intruder\"}',"
            + " 'UTF8') WHERE aggregate_identifier = '"
            + BATCH
            + "' AND sequence_number = 2");

    assertThat(verify().findings())
        .extracting(this::location)
        .contains("METADATA_ALTERED " + BATCH + "#2 leaf " + leafOf(BATCH, 2));
  }

  @Test
  void anEventDeletedAtTheTailOfItsStreamIsFoundThroughTheLog() throws SQLException {
    long last = lastSequence(BATCH);
    tamper(
        "DELETE FROM domain_event_entry WHERE aggregate_identifier = '"
            + BATCH
            + "' AND sequence_number = "
            + last,
        "DELETE FROM chain_entry WHERE stream_id = '" + BATCH + "' AND sequence_number = " + last);

    assertThat(verify().findings())
        .extracting(this::location)
        .contains("LOGGED_ENTRY_MISSING " + BATCH + "#" + last + " leaf " + leafOf(BATCH, last));
  }

  @Test
  void aRemovedLeafIsFoundWhereTheLogSkips() throws SQLException {
    long leaf = leafOf(BATCH, 2);
    tamper("DELETE FROM merkle_leaf WHERE leaf_index = " + leaf);

    assertThat(verify().findings())
        .extracting(this::location)
        .contains("LEAF_GAP " + BATCH + "#3 leaf " + (leaf + 1));
  }

  @Test
  void twoReorderedLeavesBreakTheSignedRootAndTheStoredNodes() throws SQLException {
    long first = leafOf(BATCH, 2);
    long second = leafOf(BATCH, 3);
    tamper(
        "UPDATE merkle_leaf SET leaf_index = -1 WHERE leaf_index = " + first,
        "UPDATE merkle_leaf SET leaf_index = " + first + " WHERE leaf_index = " + second,
        "UPDATE merkle_leaf SET leaf_index = " + second + " WHERE leaf_index = -1");

    List<String> kinds = verify().findings().stream().map(Finding::kind).toList();
    assertThat(kinds).contains("CHECKPOINT_ROOT_MISMATCH", "MERKLE_NODE_ALTERED");
  }

  @Test
  void aRewrittenLeafHashIsFoundAtItsLeafAndBreaksTheSignedRoots() throws SQLException {
    long leaf = leafOf(BATCH, 2);
    tamper("UPDATE merkle_leaf SET leaf_hash = sha256(leaf_hash) WHERE leaf_index = " + leaf);

    VerificationReport report = verify();
    assertThat(report.findings())
        .extracting(this::location)
        .contains("LEAF_HASH_MISMATCH " + BATCH + "#2 leaf " + leaf);
    // The log is built from the stored leaves, as the proofs the service serves are, so every
    // signed checkpoint that covers the rewritten leaf no longer matches.
    assertThat(report.findings())
        .filteredOn(finding -> finding.kind().equals("CHECKPOINT_ROOT_MISMATCH"))
        .isNotEmpty()
        .allSatisfy(finding -> assertThat(finding.leafIndex()).isGreaterThanOrEqualTo(leaf));
  }

  @Test
  void anEntryWhoseLeafIsIntactButWhoseBytesChangedIsFoundAtItsLeafOnly() throws SQLException {
    long leaf = leafOf(BATCH, 3);
    tamper(
        // The last byte is the previous hash's, so the entry still decodes.
        "UPDATE chain_entry SET entry = set_byte(entry, length(entry) - 1,"
            + " get_byte(entry, length(entry) - 1) # 1) WHERE stream_id = '"
            + BATCH
            + "' AND sequence_number = 3");

    List<Finding> findings = verify().findings();
    assertThat(findings)
        .extracting(this::location)
        .contains("LEAF_HASH_MISMATCH " + BATCH + "#3 leaf " + leaf);
    // The stored log still matches its signed checkpoints: what changed is the entry, not the log.
    assertThat(findings).extracting(Finding::kind).doesNotContain("CHECKPOINT_ROOT_MISMATCH");
  }

  @Test
  void aStoredNodeThatProofsAreBuiltFromIsCheckedToo() throws SQLException {
    tamper("UPDATE merkle_node SET hash = sha256(hash) WHERE tree_level = 1 AND node_index = 0");

    assertThat(verify().findings())
        .extracting(Finding::kind, Finding::row)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "MERKLE_NODE_ALTERED", "tree_level 1, node_index 0"));
  }

  @Test
  void aForgedCheckpointIsNotVerified() throws SQLException {
    long size = jdbc.queryForObject("SELECT max(tree_size) FROM log_checkpoint", Long.class);
    tamper(
        "UPDATE log_checkpoint SET note = regexp_replace(note, '\\n[A-Za-z0-9+/=]{44}\\n',"
            + " E'\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\\n') WHERE tree_size = "
            + size);

    assertThat(verify().findings())
        .extracting(Finding::kind, Finding::row)
        .contains(
            org.assertj.core.groups.Tuple.tuple("CHECKPOINT_NOT_VERIFIED", "tree_size " + size));
  }

  @Test
  void aLogRolledBackConsistentlyPassesAloneButNotAgainstTheEarlierAuditsCheckpoint()
      throws SQLException {
    LedgerCopy.Audit earlier = copy.audit(VerifyOptions.defaults());
    assertThat(earlier.report().findings()).isEmpty();
    long keep = leafOf(BATCH, 2);
    // An insider rolls the log back to an earlier size, leaves, nodes and checkpoints alike,
    // as if the newest events had never been logged.
    tamper(
        "DELETE FROM merkle_leaf WHERE leaf_index >= " + keep,
        "DELETE FROM merkle_node WHERE (node_index + 1) * power(2, tree_level) > " + keep,
        "DELETE FROM log_checkpoint WHERE tree_size > " + keep);

    assertThat(copy.verify().findings()).as("alone, the rollback looks sound").isEmpty();
    assertThat(
            copy.verify(VerifyOptions.defaults().withSince(earlier.latestCheckpoint())).findings())
        .extracting(Finding::kind)
        .contains("LOG_ROLLED_BACK");
  }

  @Test
  void anEventTheSequencerMissedIsFoundOnceItsGraceHasPassed() throws SQLException {
    long leaf = leafOf(BATCH, lastSequence(BATCH));
    tamper(
        "DELETE FROM merkle_leaf WHERE leaf_index >= " + leaf,
        "DELETE FROM merkle_node WHERE (node_index + 1) * power(2, tree_level) > " + leaf,
        "DELETE FROM log_checkpoint WHERE tree_size > " + leaf);

    assertThat(copy.verify().findings()).as("within the grace").isEmpty();
    assertThat(
            copy.verify(VerifyOptions.defaults().withLogGrace(java.time.Duration.ZERO)).findings())
        .extracting(this::location)
        .contains("EVENT_NOT_LOGGED " + BATCH + "#" + lastSequence(BATCH) + " leaf -");
  }

  @Test
  void aProjectedBalanceChangedBySqlIsFoundAgainstTheReplay() throws SQLException {
    tamper(
        "UPDATE batch_supply SET tradable = tradable + 1, retired = retired - 1"
            + " WHERE batch_id = 'TAMPER-P-B1'");

    assertThat(verify().findings())
        .extracting(Finding::kind, Finding::table)
        .contains(org.assertj.core.groups.Tuple.tuple("PROJECTION_ROW_DIFFERS", "batch_supply"));
  }

  @Test
  void aBeneficiaryChangedInThePublicRegisterBySqlIsFoundAgainstTheReplay() throws SQLException {
    tamper(
        "UPDATE retirement_register SET beneficiary = 'Someone Else'"
            + " WHERE batch_id = 'TAMPER-P-B1' AND retirement_id = 'ret-2'");

    assertThat(verify().findings())
        .extracting(Finding::kind, Finding::table, Finding::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "PROJECTION_ROW_DIFFERS",
                "retirement_register",
                "the table differs from the replay: beneficiary is Someone Else, the replay gives"
                    + " Wuhan Marathon 2026"));
  }

  @Test
  void aStatementLineDeletedBySqlIsFoundAgainstTheReplay() throws SQLException {
    tamper(
        "DELETE FROM account_movement WHERE account_id = 't-marathon'"
            + " AND movement_kind = 'RETIREMENT' AND movement_id = 'ret-3'");

    assertThat(verify().findings())
        .extracting(Finding::kind, Finding::table)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("PROJECTION_ROW_MISSING", "account_movement"));
  }

  @Test
  void aSignatureWithOneBitFlippedIsFoundByTheParallelSignatureCheck() throws SQLException {
    tamper(
        "UPDATE chain_entry SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1)"
            + " WHERE stream_id = '"
            + BATCH
            + "' AND sequence_number = 4");

    assertThat(verify().findings())
        .extracting(this::location)
        .contains(
            "BAD_SIGNATURE " + BATCH + "#4 leaf " + leafOf(BATCH, 4),
            // The signature is part of the leaf, so the log no longer matches either.
            "LEAF_HASH_MISMATCH " + BATCH + "#4 leaf " + leafOf(BATCH, 4));
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
      // The last retirement states the optional details and consumption period as well, so that
      // the verifier's replay of the public register reads them as the service stored them.
      boolean full = i == 5;
      commands.sendAndWait(
          new RetireCredits(
              "TAMPER-P-B1",
              "ret-" + i,
              "t-marathon",
              5,
              null,
              "Wuhan Marathon 2026",
              "Carbon neutral marathon",
              full ? "Runners' travel to the start" : null,
              RetirementPurpose.VOLUNTARY,
              full ? LocalDate.of(2026, 10, 1) : null,
              full ? LocalDate.of(2026, 10, 31) : null,
              "CN-HB",
              null));
    }
  }

  private void tamper(String... statements) throws SQLException {
    copy.tamper(statements);
  }

  private VerificationReport verify() throws SQLException {
    return copy.verify();
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

  private String location(Finding finding) {
    return LedgerCopy.location(finding);
  }
}
