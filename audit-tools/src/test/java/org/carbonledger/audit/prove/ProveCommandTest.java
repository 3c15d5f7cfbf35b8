package org.carbonledger.audit.prove;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.carbonledger.audit.AuditTool;
import org.carbonledger.audit.ExitCodes;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.InMemoryNodeStore;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteSigner;
import org.carbonledger.chain.note.NoteVerifierKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger-audit prove}: certificates made with the chain core alone, as the ledger would
 * serve them, verified and tampered with.
 */
class ProveCommandTest {

  private static final String ORIGIN = "test.carbonledger.example/prove";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private Ed25519Signer entryKey;
  private Ed25519Signer logKey;
  private InMemoryNodeStore log;
  private List<SignedEntry> logged;

  private static final String RETIRED =
      "{\"batchId\":\"B-1\",\"retirementId\":\"R-1\",\"accountId\":\"wh-marathon\","
          + "\"quantity\":30,\"blocks\":[{\"first\":21,\"last\":50}],"
          + "\"beneficiary\":\"武汉马拉松 2026\",\"reason\":\"Carbon neutral marathon\","
          + "\"purpose\":\"EVENT_NEUTRALITY\",\"footprintId\":\"WH-MARATHON-2026\"}";

  private static final String NEUTRALISED =
      "{\"footprintId\":\"WH-MARATHON-2026\",\"certificateId\":\"C-1\","
          + "\"subject\":\"Wuhan Marathon 2026\",\"emissionsKg\":29500,\"coveredKg\":30000,"
          + "\"retirements\":[{\"retirementId\":\"R-1\",\"batchId\":\"B-1\",\"tonnes\":30,"
          + "\"serialRanges\":[\"WHCI-WH-CYCLING-20260101-20260331-1-21-50\"]}]}";

  @BeforeEach
  void aSmallSignedLog() {
    entryKey = Ed25519Signer.generate(ORIGIN + "/entries", RANDOM);
    logKey = Ed25519Signer.generate(ORIGIN, RANDOM);
    log = new InMemoryNodeStore();
    logged = new ArrayList<>();
    SignedEntry issued =
        append("Batch", "batch:B-1", 0, "BatchIssued", "{\"batchId\":\"B-1\"}", Hashing.zeroHash());
    append("Account", "account:A", 0, "AccountOpened", "{\"accountId\":\"A\"}", Hashing.zeroHash());
    append("Batch", "batch:B-1", 1, "CreditsRetired", RETIRED, issued.entryHash());
    append(
        "Footprint",
        "footprint:WH-MARATHON-2026",
        0,
        "FootprintNeutralised",
        NEUTRALISED,
        Hashing.zeroHash());
    append(
        "Account",
        "account:A",
        1,
        "AccountFrozen",
        "{\"accountId\":\"A\"}",
        logged.get(1).entryHash());
  }

  // --- sound certificates -------------------------------------------------------------------

  @Test
  void aValidCertificateIsProvenAgainstTheTrustedKeys() throws Exception {
    int exit =
        run("prove", write(retirementCertificate(2, 5)), "--keys", write(publishedKeys(null)));

    assertThat(exit).as(out + "" + err).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains("proven:")
        .contains("武汉马拉松 2026")
        .contains("R-1")
        .contains("21-50")
        .contains("WHCI-WH-CYCLING-20260101-20260331-1-21-50")
        .contains("leafIndex      2")
        .contains("treeSize       5")
        .contains("OK: the certificate verifies against the trusted keys")
        .doesNotContain("WARNING");
  }

  @Test
  void aValidCertificateWithoutTrustedKeysSaysLoudlyThatItsKeysWereItsOwn() throws Exception {
    int exit = run("prove", write(retirementCertificate(2, 5)));

    assertThat(exit).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains("WARNING: no trusted keys given (--keys)")
        .contains("self-consistent only");
  }

  @Test
  void trustedKeysMayBeGivenAsVkeyLines() throws Exception {
    String vkeys =
        "# the ledger's keys\n"
            + new NoteVerifierKey(entryKey.keyName(), entryKey.publicKey()).vkey()
            + "\n"
            + new NoteVerifierKey(logKey.keyName(), logKey.publicKey()).vkey()
            + "\n";

    int exit = run("prove", write(retirementCertificate(2, 5)), "--keys", write(vkeys));

    assertThat(exit).as(out.toString()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void theJsonOutputStatesWhatIsProvenForMachines() throws Exception {
    int exit =
        run(
            "prove",
            write(retirementCertificate(2, 5)),
            "--keys",
            write(publishedKeys(null)),
            "--json");

    assertThat(exit).isEqualTo(ExitCodes.OK);
    var result = JSON.readTree(out.toString());
    assertThat(result.get("verified").asBoolean()).isTrue();
    assertThat(result.get("keys").asText()).isEqualTo("trusted");
    assertThat(result.at("/proven/retirement/quantity").asLong()).isEqualTo(30);
    assertThat(result.at("/proven/entry/stream").asText()).isEqualTo("batch:B-1");
    assertThat(result.at("/proven/checkpoint/treeSize").asLong()).isEqualTo(5);
    assertThat(result.get("failures")).isEmpty();
  }

  @Test
  void aNeutralityCertificateIsProvenToo() throws Exception {
    ObjectNode certificate = JSON.createObjectNode();
    certificate.put("format", CertificateVerifier.NEUTRALITY_FORMAT);
    certificate.put("origin", ORIGIN);
    ObjectNode stated = certificate.putObject("certificate");
    stated.put("footprintId", "WH-MARATHON-2026");
    stated.put("certificateId", "C-1");
    stated.put("subject", "Wuhan Marathon 2026");
    stated.put("emissionsKg", 29500);
    stated.put("coveredKg", 30000);
    ObjectNode line = stated.putArray("lines").addObject();
    line.put("lineNumber", 1).put("retirementId", "R-1").put("batchId", "B-1").put("tonnes", 30);
    certificate.set("proof", proof(3, 5));

    int exit = run("prove", write(certificate.toString()), "--keys", write(publishedKeys(null)));

    assertThat(exit).as(out.toString()).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("neutrality:").contains("Wuhan Marathon 2026");
  }

  // --- tampered certificates ----------------------------------------------------------------

  @Test
  void aTamperedSignatureIsABadSignature() throws Exception {
    ObjectNode certificate = retirementCertificate(2, 5);
    byte[] signature = Base64.getDecoder().decode(certificate.at("/proof/signature").asText());
    signature[5] ^= 1;
    proofOf(certificate).put("signature", Base64.getEncoder().encodeToString(signature));

    assertFails(certificate, "FAIL BAD_SIGNATURE");
  }

  @Test
  void aTamperedEntryNoLongerHashesToItsStoredHash() throws Exception {
    ObjectNode certificate = retirementCertificate(2, 5);
    String entry =
        new String(
            Base64.getDecoder().decode(certificate.at("/proof/entry").asText()),
            StandardCharsets.ISO_8859_1);
    String forged = entry.replace("\"quantity\":30", "\"quantity\":90");
    proofOf(certificate)
        .put(
            "entry",
            Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.ISO_8859_1)));

    assertFails(certificate, "FAIL HASH_MISMATCH");
    assertThat(out.toString()).contains("FAIL CERTIFICATE_DISAGREES");
  }

  @Test
  void aTamperedInclusionProofFailsToReachTheCheckpointRoot() throws Exception {
    ObjectNode certificate = retirementCertificate(2, 5);
    ArrayNode proof = (ArrayNode) proofOf(certificate).get("inclusionProof");
    proof.set(0, JSON.getNodeFactory().textNode(Hashing.hex(new byte[32])));

    assertFails(certificate, "FAIL INCLUSION_PROOF_FAILED");
  }

  @Test
  void aCheckpointSignedByAnotherKeyOfTheSameNameIsNotTrusted() throws Exception {
    ObjectNode certificate = retirementCertificate(2, 5);
    Ed25519Signer forger = Ed25519Signer.generate(ORIGIN, RANDOM);
    String forged =
        Checkpoint.of(ORIGIN, 5, MerkleProofs.root(log, 5))
            .sign(List.of(NoteSigner.of(forger)))
            .encode();
    proofOf(certificate).put("checkpoint", forged);

    assertFails(certificate, "FAIL NOTE_UNKNOWN_KEY");
  }

  @Test
  void aCheckpointWhoseRootWasChangedHasABadSignature() throws Exception {
    ObjectNode certificate = retirementCertificate(2, 5);
    String note = certificate.at("/proof/checkpoint").asText();
    String root = Base64.getEncoder().encodeToString(MerkleProofs.root(log, 5));
    String otherRoot = Base64.getEncoder().encodeToString(MerkleProofs.root(log, 4));
    proofOf(certificate).put("checkpoint", note.replace(root, otherRoot));

    assertFails(certificate, "FAIL NOTE_BAD_SIGNATURE");
  }

  @Test
  void aKeyUsedOutsideItsValidityRangeIsReportedWithTheRange() throws Exception {
    // The trusted keys say the entry key was retired at leaf 2, before the retirement's leaf.
    ObjectNode certificate = retirementCertificate(2, 5);
    ((ObjectNode) proofOf(certificate).get("entryKey")).put("validUntil", 2);

    assertFails(certificate, publishedKeys(2L), "FAIL KEY_OUTSIDE_VALIDITY");
    assertThat(out.toString())
        .contains("signed leaf 2 but is valid only for leaves [0, 2)")
        .doesNotContain("KEY_DISAGREES");
  }

  @Test
  void aKeyRangeThatDisagreesWithTheTrustedKeysIsReported() throws Exception {
    assertFails(retirementCertificate(2, 5), publishedKeys(2L), "FAIL KEY_DISAGREES_WITH_TRUSTED");
  }

  @Test
  void aCertificateSignedWithAKeyTheRegulatorDoesNotTrustFails() throws Exception {
    Ed25519Signer other = Ed25519Signer.generate(ORIGIN + "/entries", RANDOM);
    ArrayNode keys = JSON.createArrayNode();
    keys.add(keyView(other, "entry", 0L, null));
    keys.add(keyView(logKey, "checkpoint", 0L, null));

    assertFails(retirementCertificate(2, 5), keys.toString(), "FAIL UNTRUSTED_KEY");
    assertThat(out.toString()).contains("FAIL UNKNOWN_KEY");
  }

  @Test
  void aCertificateWhoseRetirementIsNotTheSignedOneFails() throws Exception {
    ObjectNode certificate = retirementCertificate(2, 5);
    ((ObjectNode) certificate.get("retirement")).put("beneficiary", "Someone Else");

    assertFails(certificate, "FAIL CERTIFICATE_DISAGREES: retirement.beneficiary");
  }

  @Test
  void aProofOfAnotherEventIsNotARetirement() throws Exception {
    assertFails(retirementCertificate(0, 5), "FAIL WRONG_EVENT");
  }

  // --- unreadable input ---------------------------------------------------------------------

  @Test
  void malformedJsonIsAUsageErrorOnOneLine() throws Exception {
    int exit = run("prove", write("{\"format\": "));

    assertThat(exit).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertOneLineError("is not valid JSON");
  }

  @Test
  void aMissingFileIsAUsageErrorOnOneLine() {
    int exit = run("prove", dir.resolve("nowhere.json").toString());

    assertThat(exit).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertOneLineError("no file");
  }

  @Test
  void aDocumentThatIsNotACertificateIsAUsageErrorOnOneLine() throws Exception {
    int exit = run("prove", write("{\"format\":\"something/else\"}"));

    assertThat(exit).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertOneLineError("not a carbon-ledger certificate");
  }

  @Test
  void aCertificateWithoutItsProofIsAUsageErrorOnOneLine() throws Exception {
    ObjectNode certificate = retirementCertificate(2, 5);
    certificate.remove("proof");

    int exit = run("prove", write(certificate.toString()));

    assertThat(exit).isEqualTo(ExitCodes.USAGE_OR_IO);
    assertOneLineError("proof is missing");
  }

  // --- helpers ------------------------------------------------------------------------------

  private SignedEntry append(
      String aggregateType,
      String stream,
      long sequence,
      String eventType,
      String payload,
      byte[] previous) {
    Entry entry =
        new Entry(
            ORIGIN,
            aggregateType,
            stream,
            sequence,
            eventType,
            payload.getBytes(StandardCharsets.UTF_8),
            1_774_742_400_000_000L + logged.size() * 1_000_000L,
            "organiser:wh-marathon",
            "",
            previous);
    SignedEntry signed = SignedEntry.sign(entry, entryKey);
    log.appendLeafData(signed.leafData());
    logged.add(signed);
    return signed;
  }

  private ObjectNode retirementCertificate(int leaf, long size) {
    ObjectNode certificate = JSON.createObjectNode();
    certificate.put("format", CertificateVerifier.RETIREMENT_FORMAT);
    certificate.put("origin", ORIGIN);
    ObjectNode retirement = certificate.putObject("retirement");
    retirement.put("batchId", "B-1");
    retirement.put("retirementId", "R-1");
    retirement.put("accountId", "wh-marathon");
    retirement.put("quantity", 30);
    retirement.putArray("blocks").addObject().put("first", 21).put("last", 50);
    retirement.putArray("serialNumbers").add("WHCI-WH-CYCLING-20260101-20260331-1-21-50");
    retirement.put("beneficiary", "武汉马拉松 2026");
    retirement.put("retiredAt", "2026-03-29T00:00:02Z");
    certificate.set("proof", proof(leaf, size));
    return certificate;
  }

  private ObjectNode proof(int leaf, long size) {
    SignedEntry signed = logged.get(leaf);
    ObjectNode proof = JSON.createObjectNode();
    Base64.Encoder base64 = Base64.getEncoder();
    proof.put("entry", base64.encodeToString(signed.entry().canonicalBytes()));
    proof.put("entryHash", Hashing.hex(signed.entryHash()));
    proof.put("keyId", signed.keyId());
    proof.put("signature", base64.encodeToString(signed.signature()));
    proof.put("leafIndex", leaf);
    proof.put("treeSize", size);
    ArrayNode inclusion = proof.putArray("inclusionProof");
    MerkleProofs.inclusionProof(log, leaf, size).forEach(hash -> inclusion.add(Hashing.hex(hash)));
    proof.put(
        "checkpoint",
        Checkpoint.of(ORIGIN, size, MerkleProofs.root(log, size))
            .sign(List.of(NoteSigner.of(logKey)))
            .encode());
    proof.set("entryKey", keyView(entryKey, "entry", 0L, null));
    proof.set("checkpointKey", keyView(logKey, "checkpoint", 0L, null));
    return proof;
  }

  private static ObjectNode keyView(Ed25519Signer key, String purpose, Long from, Long until) {
    ObjectNode view = JSON.createObjectNode();
    view.put("keyId", key.keyId());
    view.put("keyName", key.keyName());
    view.put("purpose", purpose);
    view.put("publicKey", Base64.getEncoder().encodeToString(key.publicKey()));
    view.put("vkey", new NoteVerifierKey(key.keyName(), key.publicKey()).vkey());
    view.put("validFrom", from);
    view.put("validUntil", until);
    return view;
  }

  /** The ledger's published keys, as GET /api/v1/keys returns them. */
  private String publishedKeys(Long entryKeyUntil) {
    ArrayNode keys = JSON.createArrayNode();
    keys.add(keyView(entryKey, "entry", 0L, entryKeyUntil));
    keys.add(keyView(logKey, "checkpoint", 0L, null));
    return keys.toString();
  }

  private static ObjectNode proofOf(ObjectNode certificate) {
    return (ObjectNode) certificate.get("proof");
  }

  private void assertFails(ObjectNode certificate, String expected) throws Exception {
    assertFails(certificate, publishedKeys(null), expected);
  }

  private void assertFails(ObjectNode certificate, String keys, String expected) throws Exception {
    int exit = run("prove", write(certificate.toString()), "--keys", write(keys));

    assertThat(exit).as(out + "" + err).isEqualTo(ExitCodes.INTEGRITY_FAILURE);
    assertThat(out.toString()).contains(expected).contains("FAILED:");
  }

  private void assertOneLineError(String expected) {
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().strip())
        .startsWith("ledger-audit: ")
        .contains(expected)
        .doesNotContain("\n");
  }

  private String write(Object content) throws Exception {
    Path file = Files.createTempFile(dir, "file-", ".json");
    Files.writeString(file, content.toString(), StandardCharsets.UTF_8);
    return file.toString();
  }

  private int run(String... args) {
    return AuditTool.run(args, new PrintWriter(out), new PrintWriter(err));
  }
}
