package org.carbonledger.audit.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.carbonledger.audit.AuditTool;
import org.carbonledger.audit.ExitCodes;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.Hashing;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger-audit export} and {@code verify --bundle} against a real PostgreSQL ledger: a small
 * chained ledger with a key rotation is exported, the bundle verifies offline, and each way of
 * tampering with the bundle's files is found with its stream, sequence, leaf, file and line.
 *
 * <p>Where things are in the bundle of {@link ChainedLedger}: {@code entries.jsonl} lists
 * account:a0 #0-4 on lines 1-5, account:a1 #0-4 on lines 6-10, account:a2 #0-4 on lines 11-15 and
 * the rotation on line 16; in the log, account a{k} #s sits at leaf 3s + k for s < 2 and at leaf 3s
 * + k + 1 from s = 2 on (the rotation is leaf 6); leaf n is line n + 1 of {@code leaves.jsonl}.
 *
 * <p>Beside it, three bundles that verify on their own and are only caught by what a regulator
 * brings from outside: the same ledger as it was at 12 leaves (an earlier state, or a rollback),
 * another history signed with the ledger's real keys, and a ledger forged with keys of its own.
 */
class AuditBundlePostgresIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;

  private static String url;
  private static ChainedLedger ledger;
  private static Path exported;

  /** The ledger's bundle as it was when its log held 12 leaves: earlier, or rolled back to. */
  private static Path earlier;

  /** Another history from leaf 3 on, signed with the ledger's real keys. */
  private static Path rewritten;

  /** A ledger of the same origin signed with keys the ledger never had. */
  private static Path forged;

  /** The ledger's keys as a regulator saved GET /api/v1/keys. */
  private static Path trustedKeys;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void aChainedLedgerExported() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    url = migratedSchema("bundle");
    ledger = new ChainedLedger(url, postgres.user(), postgres.password());
    ledger.write();
    exported = work.resolve("exported");
    assertThat(export(url, exported))
        .contains("16 events, 16 signed entries in 4 streams, 15 leaves, 4 checkpoints, 3 keys")
        .contains("OK: bundle written");

    ChainedLedger copy = ledger.sameKeysAs(migratedSchema("bundle_earlier"), "review");
    copy.write();
    copy.rollBackTo(12);
    earlier = work.resolve("earlier");
    assertThat(export(copy.url(), earlier)).contains("12 leaves, 3 checkpoints");

    ChainedLedger other = ledger.sameKeysAs(migratedSchema("bundle_rewritten"), "revised");
    other.write();
    rewritten = work.resolve("rewritten");
    export(other.url(), rewritten);

    ChainedLedger forgery =
        new ChainedLedger(migratedSchema("bundle_forged"), postgres.user(), postgres.password());
    forgery.write();
    forged = work.resolve("forged");
    export(forgery.url(), forged);

    trustedKeys = work.resolve("keys.json");
    Files.writeString(trustedKeys, publishedKeys(ledger), StandardCharsets.UTF_8);
  }

  // --- sound ----------------------------------------------------------------------------------

  @Test
  void anExportedLedgerVerifiesOfflineAsSound() {
    int exit = run("verify", "--bundle", exported.toString());

    assertThat(exit).as(out + "" + err).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains("16 events, 16 signed entries in 4 streams, 15 leaves, 4 checkpoints, 3 keys")
        .contains("1 newest entries were not in the log yet")
        .contains("OK: every file, event, chain, leaf and checkpoint of the bundle verifies");
  }

  @Test
  void theManifestCountsTheBundleAndStatesTheLogAndItsLatestCheckpoint() throws IOException {
    JsonNode manifest = JSON.readTree(exported.resolve("manifest.json").toFile());

    assertThat(manifest.get("format").asText()).isEqualTo("carbon-ledger/audit-bundle/v1");
    assertThat(manifest.get("origin").asText()).isEqualTo(ChainedLedger.ORIGIN);
    assertThat(manifest.get("tool").asText()).startsWith("ledger-audit ");
    assertThat(manifest.at("/counts/entries").asLong()).isEqualTo(16);
    assertThat(manifest.at("/counts/entriesNotYetLogged").asLong()).isEqualTo(1);
    assertThat(manifest.at("/counts/leaves").asLong()).isEqualTo(15);
    assertThat(manifest.at("/log/size").asLong()).isEqualTo(15);
    assertThat(manifest.at("/log/rootHash").asText()).isEqualTo(Hashing.hex(ledger.root(15)));
    assertThat(manifest.at("/latestCheckpoint/treeSize").asLong()).isEqualTo(15);
    assertThat(manifest.get("files").fieldNames())
        .toIterable()
        .containsExactly(
            "keys.jsonl",
            "entries.jsonl",
            "unchained-events.jsonl",
            "leaves.jsonl",
            "checkpoints.jsonl");
    assertThat(lines("entries.jsonl", exported).get(0)).contains("\"stream\":\"account:a0\"");
    assertThat(lines("entries.jsonl", exported).get(15))
        .contains("\"stream\":\"signing-keys:ledger\"");
    try (Stream<Path> files = Files.list(work)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("partial"));
    }
  }

  @Test
  void theLedgerExportedIsOneTheDatabaseVerifierFindsSoundToo() {
    int exit = run("verify", "--db", url, "--user", TestPostgres.get().user());

    assertThat(exit).as(out + "" + err).isEqualTo(ExitCodes.OK);
  }

  @Test
  void theJsonResultLocatesEachFailureByFileAndLine() throws IOException {
    Path bundle = copy();
    editLine(bundle, "entries.jsonl", 8, row -> changeEntryPayload(row, "review 8", "review 9"));

    int exit = run("verify", "--bundle", bundle.toString(), "--json");

    assertThat(exit).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    JsonNode result = JSON.readTree(out.toString());
    assertThat(result.get("sound").asBoolean()).isFalse();
    assertThat(result.get("failures"))
        .anySatisfy(
            failure -> {
              assertThat(failure.get("kind").asText()).isEqualTo("HASH_MISMATCH");
              assertThat(failure.get("stream").asText()).isEqualTo("account:a1");
              assertThat(failure.get("sequence").asLong()).isEqualTo(2);
              assertThat(failure.get("leafIndex").asLong()).isEqualTo(8);
              assertThat(failure.get("file").asText()).isEqualTo("entries.jsonl");
              assertThat(failure.get("line").asText()).isEqualTo("line 8");
            });
  }

  // --- tampered bundles -----------------------------------------------------------------------

  @Test
  void aChangedByteOfAnEntryIsFoundInItsChainItsLeafAndTheManifest() throws IOException {
    Path bundle = copy();
    editLine(bundle, "entries.jsonl", 8, row -> changeEntryPayload(row, "review 8", "review 9"));

    assertFindings(
        bundle,
        "HASH_MISMATCH stream=account:a1 sequence=2 leaf=8 table=entries.jsonl row=line 8:",
        "BROKEN_LINK stream=account:a1 sequence=3 leaf=11 table=entries.jsonl row=line 9:",
        "PAYLOAD_ALTERED stream=account:a1 sequence=2 leaf=8 table=entries.jsonl row=line 8:",
        "LEAF_HASH_MISMATCH stream=account:a1 sequence=2 leaf=8 table=leaves.jsonl row=line 9:",
        "CHECKPOINT_ROOT_MISMATCH leaf=11 table=checkpoints.jsonl row=line 3:",
        "MANIFEST_HASH_MISMATCH table=manifest.json row=files.entries.jsonl:");
  }

  @Test
  void aDeletedEntryLineIsAGapInItsStreamAndALeafWithoutItsEntry() throws IOException {
    Path bundle = copy();
    deleteLine(bundle, "entries.jsonl", 7); // account:a1 #1, leaf 4

    assertFindings(
        bundle,
        "SEQUENCE_GAP stream=account:a1 sequence=2 leaf=8 table=entries.jsonl row=line 7:"
            + " account:a1: expected sequence 1",
        "LOGGED_ENTRY_MISSING stream=account:a1 sequence=1 leaf=4 table=leaves.jsonl row=line 5:",
        "MANIFEST_COUNT_MISMATCH table=manifest.json row=counts.entries:");
  }

  @Test
  void twoSwappedEntryLinesAreSequenceGapsWhereTheyNowAre() throws IOException {
    Path bundle = copy();
    swapLines(bundle, "entries.jsonl", 12, 13); // account:a2 #1 (leaf 5) and #2 (leaf 9)

    assertFindings(
        bundle,
        "SEQUENCE_GAP stream=account:a2 sequence=2 leaf=9 table=entries.jsonl row=line 12:",
        "SEQUENCE_GAP stream=account:a2 sequence=1 leaf=5 table=entries.jsonl row=line 13:");
    assertThat(out.toString()).doesNotContain("BROKEN_LINK").doesNotContain("leaves.jsonl");
  }

  @Test
  void twoSwappedLeafLinesAreFoundAtBothLinesAndNoLongerMakeTheSignedRoots() throws IOException {
    Path bundle = copy();
    swapLines(bundle, "leaves.jsonl", 3, 4); // leaves 2 and 3

    assertFindings(
        bundle,
        "LEAF_GAP stream=account:a0 sequence=1 leaf=3 table=leaves.jsonl row=line 3:"
            + " expected leaf 2 next, found leaf 3",
        "LEAF_GAP stream=account:a2 sequence=0 leaf=2 table=leaves.jsonl row=line 4:",
        "CHECKPOINT_ROOT_MISMATCH leaf=3 table=checkpoints.jsonl row=line 1:",
        "CHECKPOINT_ROOT_MISMATCH leaf=14 table=checkpoints.jsonl row=line 4:");
  }

  @Test
  void aCheckpointSignedByAKeyTheLedgerNeverHadIsNotVerified() throws IOException {
    Path bundle = copy();
    Ed25519Signer forger = Ed25519Signer.generate(ChainedLedger.ORIGIN, new SecureRandom());
    editLine(
        bundle,
        "checkpoints.jsonl",
        2,
        row -> row.put("note", ledger.note(8, ledger.root(8), forger)));

    assertFindings(
        bundle,
        "CHECKPOINT_NOT_VERIFIED leaf=7 table=checkpoints.jsonl row=line 2:"
            + " the checkpoint of size 8 does not verify");
    assertThat(out.toString()).contains("3 checkpoints");
  }

  @Test
  void aCheckpointForgedWithTheRealKeyMatchesNoLeavesAndIsInconsistentWithItsNeighbours()
      throws IOException {
    Path bundle = copy();
    byte[] otherRoot = ledger.root(7);
    editLine(
        bundle,
        "checkpoints.jsonl",
        2,
        row ->
            row.put("rootHash", Hashing.hex(otherRoot))
                .put("note", ledger.note(8, otherRoot, ledger.logKey)));

    assertFindings(
        bundle,
        "CHECKPOINT_ROOT_MISMATCH leaf=7 table=checkpoints.jsonl row=line 2:",
        "CHECKPOINTS_INCONSISTENT leaf=7 table=checkpoints.jsonl row=line 2:"
            + " the checkpoint of size 8 is not consistent with the one of size 4 on line 1",
        "CHECKPOINTS_INCONSISTENT leaf=11 table=checkpoints.jsonl row=line 3:"
            + " the checkpoint of size 12 is not consistent with the one of size 8 on line 2");
  }

  @Test
  void aChangedManifestHashIsFoundAndNothingElse() throws IOException {
    Path bundle = copy();
    Path manifest = bundle.resolve("manifest.json");
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    ((ObjectNode) root.at("/files/leaves.jsonl")).put("sha256", Hashing.hex(new byte[32]));
    JSON.writeValue(manifest.toFile(), root);

    assertFindings(
        bundle, "MANIFEST_HASH_MISMATCH table=manifest.json row=files.leaves.jsonl: leaves.jsonl");
    assertThat(out.toString()).contains("FAILED: 1 integrity failure(s)");
  }

  @Test
  void anEventRowThatDiffersFromItsSignedEntryIsFoundInPayloadMetadataAndTime() throws IOException {
    Path bundle = copy();
    editLine(
        bundle,
        "entries.jsonl",
        3, // account:a0 #2, leaf 7
        row ->
            withEvent(row)
                .put(
                    "payload",
                    Base64.getEncoder()
                        .encodeToString(
                            "{\"accountId\":\"a0\",\"reason\":\"forged\"}"
                                .getBytes(StandardCharsets.UTF_8))));
    editLine(
        bundle,
        "entries.jsonl",
        4, // account:a0 #3, leaf 10
        row ->
            withEvent(row)
                .put(
                    "metadata",
                    Base64.getEncoder()
                        .encodeToString(
                            "{\"actor\":\"operator:mallory\",\"idempotencyKey\":\"key-10\"}"
                                .getBytes(StandardCharsets.UTF_8))));
    editLine(
        bundle,
        "entries.jsonl",
        5, // account:a0 #4, leaf 13
        row -> withEvent(row).put("timestamp", "2026-11-22T08:00:13.123Z"));

    assertFindings(
        bundle,
        "PAYLOAD_ALTERED stream=account:a0 sequence=2 leaf=7 table=entries.jsonl row=line 3:",
        "METADATA_ALTERED stream=account:a0 sequence=3 leaf=10 table=entries.jsonl row=line 4:",
        "TIMESTAMP_ALTERED stream=account:a0 sequence=4 leaf=13 table=entries.jsonl row=line 5:");
  }

  @Test
  void anEventWithoutASignedEntryIsFoundOnItsLine() throws IOException {
    Path bundle = copy();
    Files.writeString(
        bundle.resolve("unchained-events.jsonl"),
        "{\"globalIndex\":99,\"eventId\":\"e-99\",\"aggregateId\":\"account:a9\",\"sequence\":0,"
            + "\"aggregateType\":\"Account\",\"timestamp\":\"2026-11-21T10:00:00Z\","
            + "\"payloadType\":\"x\",\"payloadRevision\":null,\"payload\":\"e30=\","
            + "\"metadata\":null}\n");

    assertFindings(
        bundle,
        "UNCHAINED_EVENT stream=account:a9 sequence=0 table=unchained-events.jsonl row=line 1:",
        "MANIFEST_COUNT_MISMATCH table=manifest.json row=counts.unchainedEvents:");
  }

  // --- held to trusted keys and an earlier audit's checkpoint -------------------------------

  @Test
  void aBundleVerifiesAgainstTheFirstKeysARegulatorTrustsAndFollowsTheirRotation() {
    Result audit = audit("verify", "--bundle", exported + "", "--keys", trustedKeys + "");

    assertThat(audit.exit()).as(audit.all()).isEqualTo(ExitCodes.OK);
    assertThat(audit.out())
        .contains("15 leaves, 4 checkpoints, 3 keys")
        .contains("OK: every file, event, chain, leaf and checkpoint of the bundle verifies");
  }

  @Test
  void aBundleReSignedWithAnotherKeyFailsAgainstTrustedKeys() {
    assertThat(audit("verify", "--bundle", forged + "").exit())
        .as("alone, a bundle re-signed throughout verifies against the keys it carries")
        .isEqualTo(ExitCodes.OK);

    Result audit = audit("verify", "--bundle", forged + "", "--keys", trustedKeys + "");

    assertThat(audit.exit()).as(audit.all()).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    assertThat(audit.out())
        .contains("FAIL FIRST_KEY_NOT_TRUSTED table=keys.jsonl row=line ")
        .contains(
            "FAIL UNKNOWN_KEY stream=account:a0 sequence=0 leaf=0 table=entries.jsonl row=line 1:")
        .contains("FAIL CHECKPOINT_NOT_VERIFIED leaf=3 table=checkpoints.jsonl row=line 1:");
  }

  @Test
  void aBundleThatRollsBackASavedCheckpointFails() throws IOException {
    Path saved = newAuditDirectory().resolve("latest.checkpoint");
    Result first =
        audit(
            "verify",
            "--bundle",
            exported + "",
            "--keys",
            trustedKeys + "",
            "--save-checkpoint",
            saved + "");
    assertThat(first.exit()).as(first.all()).isEqualTo(ExitCodes.OK);
    assertThat(audit("verify", "--bundle", earlier + "", "--keys", trustedKeys + "").exit())
        .as("alone, the rolled-back bundle verifies")
        .isEqualTo(ExitCodes.OK);

    Result later =
        audit(
            "verify", "--bundle", earlier + "", "--keys", trustedKeys + "", "--since", saved + "");

    assertThat(later.exit()).as(later.all()).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    assertThat(later.out())
        .contains(
            "FAIL LOG_ROLLED_BACK leaf=12 table=leaves.jsonl: the earlier audit saw a signed"
                + " checkpoint of 15 leaves, but the log now holds only 12");
  }

  @Test
  void savingACheckpointAndVerifyingTheNextBundleSinceItPasses() throws IOException {
    Path audits = newAuditDirectory();
    Result first =
        audit(
            "verify",
            "--bundle",
            earlier + "",
            "--keys",
            trustedKeys + "",
            "--save-checkpoint",
            audits.resolve("first.checkpoint") + "");
    assertThat(first.exit()).as(first.all()).isEqualTo(ExitCodes.OK);
    assertThat(first.err()).contains("saved the latest verified checkpoint to ");
    assertThat(Files.readString(audits.resolve("first.checkpoint")))
        .isEqualTo(ledger.note(12, ledger.root(12), ledger.logKey));

    Result next =
        audit(
            "verify",
            "--bundle",
            exported + "",
            "--keys",
            trustedKeys + "",
            "--since",
            audits.resolve("first.checkpoint") + "",
            "--save-checkpoint",
            audits.resolve("next.checkpoint") + "");

    assertThat(next.exit()).as(next.all()).isEqualTo(ExitCodes.OK);
    assertThat(next.out())
        .contains("OK: every file, event, chain, leaf and checkpoint of the bundle verifies");
    assertThat(Files.readString(audits.resolve("next.checkpoint")))
        .isEqualTo(ledger.note(15, ledger.root(15), ledger.logKey));
  }

  @Test
  void aBundleOfAnotherHistorySignedWithTheRealKeysFailsSinceTheSavedCheckpoint()
      throws IOException {
    Path saved = savedCheckpointOf(exported);
    assertThat(audit("verify", "--bundle", rewritten + "", "--keys", trustedKeys + "").exit())
        .as("alone, another history signed with the real keys verifies, even against them")
        .isEqualTo(ExitCodes.OK);

    Result audit =
        audit(
            "verify",
            "--bundle",
            rewritten + "",
            "--keys",
            trustedKeys + "",
            "--since",
            saved + "");

    assertThat(audit.exit()).as(audit.all()).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    assertThat(audit.out())
        .contains(
            "FAIL HISTORY_REWRITTEN leaf=14 table=leaves.jsonl row=lines 1..15: the first 15"
                + " leaves have root ")
        .contains("history was rewritten between the two audits");
  }

  @Test
  void aSavedCheckpointDoesNotVerifyInABundleReSignedWithAnotherKey() throws IOException {
    Path saved = savedCheckpointOf(exported);

    Result audit = audit("verify", "--bundle", forged + "", "--since", saved + "");

    assertThat(audit.exit()).as(audit.all()).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    assertThat(audit.out())
        .contains(
            "FAIL SINCE_CHECKPOINT_NOT_VERIFIED table=--since: the checkpoint of the earlier audit"
                + " does not verify");
  }

  @Test
  void aCheckpointSavedByAnAuditOfTheDatabaseHoldsTheBundlesExportedFromIt() throws IOException {
    Path saved = newAuditDirectory().resolve("database.checkpoint");
    Result database =
        audit(
            "verify",
            "--db",
            url,
            "--user",
            TestPostgres.get().user(),
            "--keys",
            trustedKeys + "",
            "--save-checkpoint",
            saved + "");
    assertThat(database.exit()).as(database.all()).isEqualTo(ExitCodes.OK);

    Result same = audit("verify", "--bundle", exported + "", "--since", saved + "");
    Result rolledBack = audit("verify", "--bundle", earlier + "", "--since", saved + "");

    assertThat(same.exit()).as(same.all()).isEqualTo(ExitCodes.OK);
    assertThat(rolledBack.exit()).as(rolledBack.all()).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    assertThat(rolledBack.out()).contains("FAIL LOG_ROLLED_BACK leaf=12 table=leaves.jsonl:");
  }

  @Test
  void noCheckpointIsSavedFromABundleThatFails() throws IOException {
    Path bundle = copy();
    editLine(bundle, "entries.jsonl", 8, row -> changeEntryPayload(row, "review 8", "review 9"));
    Path saved = newAuditDirectory().resolve("latest.checkpoint");

    Result audit = audit("verify", "--bundle", bundle + "", "--save-checkpoint", saved + "");

    assertThat(audit.exit()).as(audit.all()).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    assertThat(audit.err()).contains("not saving a checkpoint to " + saved);
    assertThat(saved).doesNotExist();
  }

  @Test
  void anEntryStillNotLoggedAGraceAfterItsEventWhenExportedWasMissed() throws IOException {
    Path bundle = copy();
    Path manifest = bundle.resolve("manifest.json");
    ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
    Instant exportedAt = Instant.parse(root.get("exportedAt").asText());
    root.put("exportedAt", exportedAt.plus(Duration.ofHours(1)).toString());
    JSON.writeValue(manifest.toFile(), root);

    assertFindings(
        bundle,
        "EVENT_NOT_LOGGED stream=account:a2 sequence=4 table=entries.jsonl row=line 15: stored at ");
    assertThat(audit("verify", "--bundle", bundle + "", "--log-grace-seconds", "7200").exit())
        .as("within a grace of two hours")
        .isEqualTo(ExitCodes.OK);
  }

  @Test
  void aKeysFileThatCannotBeReadIsAnIoErrorOnOneLineAndNothingIsVerified() {
    Path missing = work.resolve("no-such-keys.json");

    Result audit = audit("verify", "--bundle", exported + "", "--keys", missing + "");

    assertThat(audit.exit()).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(audit.err().strip())
        .isEqualTo("ledger-audit: cannot read the trusted keys: no file " + missing);
    assertThat(audit.out()).isEmpty();
  }

  @Test
  void aKeysFileThatIsNotJsonIsAnIoErrorOnOneLine() throws IOException {
    Path keys = newAuditDirectory().resolve("keys.json");
    Files.writeString(keys, "[{\"keyName\": ");

    Result audit = audit("verify", "--bundle", exported + "", "--keys", keys + "");

    assertThat(audit.exit()).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(audit.err().strip())
        .startsWith("ledger-audit: " + keys + " is not valid JSON")
        .doesNotContain("\n");
  }

  @Test
  void aSavedCheckpointThatCannotBeReadIsAnIoErrorOnOneLineAndNothingIsVerified()
      throws IOException {
    Path missing = work.resolve("no-such.checkpoint");
    Path directory = newAuditDirectory();

    Result noFile = audit("verify", "--bundle", exported + "", "--since", missing + "");
    Result notAFile = audit("verify", "--bundle", exported + "", "--since", directory + "");

    assertThat(noFile.exit()).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(noFile.err().strip())
        .isEqualTo("ledger-audit: cannot read the saved checkpoint: no file " + missing);
    assertThat(noFile.out()).isEmpty();
    assertThat(notAFile.exit()).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(notAFile.err().strip())
        .startsWith("ledger-audit: cannot read the saved checkpoint " + directory + ": ")
        .doesNotContain("\n");
  }

  @Test
  void aCheckpointThatCannotBeSavedIsAnIoErrorOnOneLine() {
    Path nowhere = work.resolve("no-such-directory").resolve("latest.checkpoint");

    Result audit = audit("verify", "--bundle", exported + "", "--save-checkpoint", nowhere + "");

    assertThat(audit.exit()).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(audit.err().strip())
        .endsWith(
            "ledger-audit: cannot save the checkpoint to "
                + nowhere
                + ": no such file or directory")
        .doesNotContain("\n");
  }

  // --- failed exports -------------------------------------------------------------------------

  @Test
  void anExportIntoANonEmptyDirectoryFailsOnOneLineAndLeavesItAlone() throws IOException {
    Path taken = Files.createDirectories(work.resolve("taken"));
    Files.writeString(taken.resolve("notes.txt"), "mine");

    int exit = run("export", "--db", url, "--user", TestPostgres.get().user(), "--out", taken + "");

    assertThat(exit).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(err.toString().strip())
        .startsWith("ledger-audit: ")
        .contains("already exists")
        .doesNotContain("\n");
    try (Stream<Path> files = Files.list(taken)) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void aFailedExportLeavesNoHalfBundle() throws IOException {
    String empty = TestPostgres.get().newSchema("no_ledger");
    Path parent = Files.createDirectories(work.resolve("failed"));

    int exit =
        run(
            "export",
            "--db",
            empty,
            "--user",
            TestPostgres.get().user(),
            "--out",
            parent.resolve("bundle") + "");

    assertThat(exit).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(err.toString().strip()).startsWith("ledger-audit: ").doesNotContain("\n");
    try (Stream<Path> files = Files.list(parent)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aDirectoryThatIsNotABundleIsAnIoErrorOnOneLine() {
    int exit = run("verify", "--bundle", work.resolve("nothing-here").toString());

    assertThat(exit).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertThat(err.toString().strip()).startsWith("ledger-audit: ").doesNotContain("\n");
  }

  // --- helpers --------------------------------------------------------------------------------

  /** One run of {@code ledger-audit}: its exit code and what it printed. */
  private record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private static Result audit(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = AuditTool.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(exit, out.toString(), err.toString());
  }

  private static String migratedSchema(String hint) {
    TestPostgres postgres = TestPostgres.get();
    String schemaUrl = postgres.newMigratedSchema(hint);
    return schemaUrl;
  }

  /** Exports the ledger at {@code url} into {@code bundle}; returns what the export printed. */
  private static String export(String url, Path bundle) {
    Result export =
        audit("export", "--db", url, "--user", TestPostgres.get().user(), "--out", bundle + "");
    assertThat(export.exit()).as(export.all()).isEqualTo(ExitCodes.OK);
    return export.out();
  }

  private static Path newAuditDirectory() throws IOException {
    return Files.createTempDirectory(work, "audit-");
  }

  /** The checkpoint an audit of {@code bundle} saves, for the next audit's --since. */
  private static Path savedCheckpointOf(Path bundle) throws IOException {
    Path saved = newAuditDirectory().resolve("latest.checkpoint");
    Result audit =
        audit(
            "verify",
            "--bundle",
            bundle + "",
            "--keys",
            trustedKeys + "",
            "--save-checkpoint",
            saved + "");
    assertThat(audit.exit()).as(audit.all()).isEqualTo(ExitCodes.OK);
    return saved;
  }

  /** The ledger's keys as GET /api/v1/keys lists them: the first ones, then the rotated-in one. */
  private static String publishedKeys(ChainedLedger ledger) {
    ArrayNode keys = JSON.createArrayNode();
    keys.add(keyView(ledger.firstEntryKey, "entry", 0L, (long) ChainedLedger.ROTATION_LEAF + 1));
    keys.add(keyView(ledger.logKey, "checkpoint", 0L, null));
    keys.add(keyView(ledger.secondEntryKey, "entry", ChainedLedger.ROTATION_LEAF + 1L, null));
    return keys.toString();
  }

  private static ObjectNode keyView(Ed25519Signer key, String purpose, Long from, Long until) {
    ObjectNode view = JSON.createObjectNode();
    view.put("keyId", key.keyId())
        .put("keyName", key.keyName())
        .put("purpose", purpose)
        .put("publicKey", Base64.getEncoder().encodeToString(key.publicKey()))
        .put("validFrom", from)
        .put("validUntil", until);
    return view;
  }

  private void assertFindings(Path bundle, String... expected) {
    int exit = run("verify", "--bundle", bundle.toString());

    assertThat(exit).as(out + "" + err).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    for (String finding : expected) {
      assertThat(out.toString()).contains("FAIL " + finding);
    }
  }

  private static Path copy() throws IOException {
    Path bundle = Files.createTempDirectory(work, "tampered-");
    try (Stream<Path> files = Files.list(exported)) {
      for (Path file : files.toList()) {
        Files.copy(file, bundle.resolve(file.getFileName()));
      }
    }
    return bundle;
  }

  private static List<String> lines(String file, Path bundle) throws IOException {
    return new ArrayList<>(Files.readAllLines(bundle.resolve(file), StandardCharsets.UTF_8));
  }

  private static void writeLines(Path bundle, String file, List<String> lines) throws IOException {
    Files.writeString(
        bundle.resolve(file),
        lines.isEmpty() ? "" : String.join("\n", lines) + "\n",
        StandardCharsets.UTF_8);
  }

  private static void editLine(Path bundle, String file, int line, UnaryOperator<ObjectNode> change)
      throws IOException {
    List<String> lines = lines(file, bundle);
    ObjectNode row = (ObjectNode) JSON.readTree(lines.get(line - 1));
    lines.set(line - 1, JSON.writeValueAsString(change.apply(row)));
    writeLines(bundle, file, lines);
  }

  private static void deleteLine(Path bundle, String file, int line) throws IOException {
    List<String> lines = lines(file, bundle);
    lines.remove(line - 1);
    writeLines(bundle, file, lines);
  }

  private static void swapLines(Path bundle, String file, int a, int b) throws IOException {
    List<String> lines = lines(file, bundle);
    Collections.swap(lines, a - 1, b - 1);
    writeLines(bundle, file, lines);
  }

  /**
   * The line's stored event row, to change in place; {@code editLine} writes back the whole line.
   */
  private static EventEdit withEvent(ObjectNode row) {
    return new EventEdit(row);
  }

  /** Changes one member of a line's event row and gives back the line. */
  private record EventEdit(ObjectNode row) {
    ObjectNode put(String member, String value) {
      ((ObjectNode) row.get("event")).put(member, value);
      return row;
    }
  }

  /** Changes bytes of the signed entry itself, keeping it well-formed (same length). */
  private static ObjectNode changeEntryPayload(ObjectNode row, String from, String to) {
    String entry =
        new String(
            Base64.getDecoder().decode(row.get("entry").asText()), StandardCharsets.ISO_8859_1);
    assertThat(entry).contains(from);
    row.put(
        "entry",
        Base64.getEncoder()
            .encodeToString(entry.replace(from, to).getBytes(StandardCharsets.ISO_8859_1)));
    return row;
  }

  private int run(String... args) {
    return AuditTool.run(args, new PrintWriter(out), new PrintWriter(err));
  }
}
