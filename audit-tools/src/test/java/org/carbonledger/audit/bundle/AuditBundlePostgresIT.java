package org.carbonledger.audit.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
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
import org.flywaydb.core.Flyway;
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
 */
class AuditBundlePostgresIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;

  private static String url;
  private static ChainedLedger ledger;
  private static Path exported;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void aChainedLedgerExported() throws Exception {
    TestPostgres postgres = TestPostgres.get();
    url = postgres.newSchema("bundle");
    Flyway.configure()
        .dataSource(url, postgres.user(), postgres.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    ledger = new ChainedLedger(url, postgres.user(), postgres.password());
    ledger.write();
    exported = work.resolve("exported");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        AuditTool.run(
            new String[] {"export", "--db", url, "--user", postgres.user(), "--out", exported + ""},
            new PrintWriter(out),
            new PrintWriter(err));
    assertThat(exit).as(out + "" + err).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains("16 events, 16 signed entries in 4 streams, 15 leaves, 4 checkpoints, 3 keys")
        .contains("OK: bundle written");
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
