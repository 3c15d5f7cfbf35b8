package org.carbonledger.audit.prove;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.carbonledger.audit.TrustedKeyFile.TrustedKey;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.KeyIds;
import org.carbonledger.chain.KeyRing;
import org.carbonledger.chain.KeyRing.LedgerKey;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteVerifierKey;
import org.carbonledger.chain.note.SignedNote;
import org.carbonledger.chain.proof.EntryProof;

/**
 * Verifies one certificate offline (spec section 3.11): the signed entry, its signature by a key
 * valid at its leaf, the inclusion proof of its leaf in the signed checkpoint's tree, the
 * checkpoint's signature, the keys, and that the entry says what the certificate says.
 *
 * <p>A retirement certificate ({@value #RETIREMENT_FORMAT}) must prove a {@code CreditsRetired}
 * entry of stream {@code batch:<batchId>} whose payload's retirement id, quantity, beneficiary and
 * serial blocks are the certificate's; a neutrality certificate ({@value #NEUTRALITY_FORMAT}) a
 * {@code FootprintNeutralised} entry of stream {@code footprint:<footprintId>} with the
 * certificate's footprint, amounts and retirements.
 */
public final class CertificateVerifier {

  public static final String RETIREMENT_FORMAT = "carbon-ledger/retirement-certificate/v1";
  public static final String NEUTRALITY_FORMAT = "carbon-ledger/neutrality-certificate/v1";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A certificate that is not of the expected shape: nothing in it could be checked. */
  public static final class MalformedCertificateException extends IOException {
    MalformedCertificateException(String message) {
      super(message);
    }
  }

  /** One thing that does not verify. */
  public record Failure(String kind, String message) {
    public String describe() {
      return kind + ": " + message;
    }
  }

  /**
   * What the verification found.
   *
   * @param keysFromCertificate true when no trusted keys were given and the certificate's own keys
   *     were used: then the result shows only that the certificate is consistent in itself
   * @param proven what the signed entry says (and where it sits), for people and machines
   */
  public record Result(
      String format,
      String origin,
      boolean keysFromCertificate,
      ObjectNode proven,
      List<Failure> failures) {

    public boolean verified() {
      return failures.isEmpty();
    }
  }

  private final List<TrustedKey> trusted;
  private final List<Failure> failures = new ArrayList<>();
  private final ObjectNode proven = JSON.createObjectNode();

  /**
   * @param trusted the keys the verifier trusts, or null to take them from the certificate itself
   */
  public CertificateVerifier(List<TrustedKey> trusted) {
    this.trusted = trusted;
  }

  /**
   * Verifies a certificate.
   *
   * @throws MalformedCertificateException if it is not a certificate of a known format with every
   *     member the format requires
   */
  public Result verify(JsonNode certificate) throws MalformedCertificateException {
    if (certificate == null || !certificate.isObject()) {
      throw new MalformedCertificateException("the certificate is not a JSON object");
    }
    String format = requireText(certificate, "format", "");
    boolean retirement = RETIREMENT_FORMAT.equals(format);
    if (!retirement && !NEUTRALITY_FORMAT.equals(format)) {
      throw new MalformedCertificateException(
          "not a carbon-ledger certificate: format is '"
              + format
              + "', expected "
              + RETIREMENT_FORMAT
              + " or "
              + NEUTRALITY_FORMAT);
    }
    String origin = requireText(certificate, "origin", "");
    JsonNode subject = requireObject(certificate, retirement ? "retirement" : "certificate", "");
    JsonNode proof = requireObject(certificate, "proof", "");
    String entry = requireText(proof, "entry", "proof.");
    String entryHash = requireText(proof, "entryHash", "proof.");
    String keyId = requireText(proof, "keyId", "proof.");
    String signature = requireText(proof, "signature", "proof.");
    long leafIndex = requireLong(proof, "leafIndex", "proof.");
    long treeSize = requireLong(proof, "treeSize", "proof.");
    JsonNode inclusion = proof.get("inclusionProof");
    if (inclusion == null || !inclusion.isArray()) {
      throw new MalformedCertificateException("proof.inclusionProof is missing or not an array");
    }
    String note = requireText(proof, "checkpoint", "proof.");
    JsonNode entryKeyNode = requireObject(proof, "entryKey", "proof.");
    JsonNode checkpointKeyNode = requireObject(proof, "checkpointKey", "proof.");
    if (retirement) {
      requireText(subject, "batchId", "retirement.");
      requireText(subject, "retirementId", "retirement.");
      requireLong(subject, "quantity", "retirement.");
    } else {
      requireText(subject, "footprintId", "certificate.");
    }

    SignedEntry signed = decode(entry, entryHash, keyId, signature);
    List<byte[]> hashes = new ArrayList<>();
    for (JsonNode hash : inclusion) {
      try {
        hashes.add(Hashing.unhex(hash.asText()));
      } catch (IllegalArgumentException e) {
        fail("MALFORMED_PROOF", "an inclusion proof hash is not hex: " + hash);
      }
    }
    CertificateKey entryKey = certificateKey(entryKeyNode, "entryKey");
    CertificateKey checkpointKey = certificateKey(checkpointKeyNode, "checkpointKey");
    if (entryKey != null && !entryKey.keyId().equals(keyId)) {
      fail(
          "KEY_MISMATCH",
          "the entry is signed by key "
              + keyId
              + " but the certificate's entryKey is "
              + entryKey.keyId());
    }
    if (checkpointKey != null && !checkpointKey.name().equals(origin)) {
      fail(
          "KEY_MISMATCH",
          "the checkpoint key is named "
              + checkpointKey.name()
              + " but a ledger's checkpoint key is named after its origin, "
              + origin);
    }
    KeyRing entryKeys;
    List<NoteVerifierKey> checkpointKeys;
    if (trusted == null) {
      entryKeys = entryKey == null ? KeyRing.of() : ringOf(entryKey);
      checkpointKeys = new ArrayList<>();
      if (checkpointKey != null) {
        checkpointKeys.add(new NoteVerifierKey(checkpointKey.name(), checkpointKey.publicKey()));
        if (!checkpointKey.validAt(treeSize - 1)) {
          fail(
              "KEY_OUTSIDE_VALIDITY",
              "checkpoint key "
                  + checkpointKey.keyId()
                  + " is valid for leaves "
                  + checkpointKey.range()
                  + " but signed a checkpoint of size "
                  + treeSize);
        }
      }
    } else {
      matchTrusted(entryKey, "entry");
      matchTrusted(checkpointKey, "checkpoint");
      entryKeys = trustedEntryKeys(origin);
      checkpointKeys = trustedCheckpointKeys(origin, treeSize);
    }

    if (signed != null && leafIndex < 0) {
      fail("MALFORMED_PROOF", "proof.leafIndex is negative: " + leafIndex);
    } else if (signed != null) {
      EntryProof entryProof = new EntryProof(signed, leafIndex, hashes, note);
      for (ChainFailure failure : entryProof.verify(origin, entryKeys, checkpointKeys)) {
        fail(kindOf(failure), failure.describe());
      }
      describeEntry(signed, leafIndex);
    }
    describeCheckpoint(note, treeSize);
    if (signed != null) {
      if (retirement) {
        checkRetirement(signed.entry(), subject);
      } else {
        checkNeutrality(signed.entry(), subject);
      }
    }
    return new Result(format, origin, trusted == null, proven, List.copyOf(failures));
  }

  // --- the entry and the checkpoint -----------------------------------------------------------

  private SignedEntry decode(String entry, String entryHash, String keyId, String signature) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(entry);
    } catch (IllegalArgumentException e) {
      fail("MALFORMED_ENTRY", "proof.entry is not base64: " + e.getMessage());
      return null;
    }
    Entry decoded;
    try {
      decoded = EntryCodec.decode(bytes);
    } catch (ChainException e) {
      fail("MALFORMED_ENTRY", e.failure().describe());
      return null;
    }
    try {
      return new SignedEntry(
          decoded, Hashing.unhex(entryHash), keyId, Base64.getDecoder().decode(signature));
    } catch (IllegalArgumentException e) {
      fail("MALFORMED_PROOF", e.getMessage());
      return null;
    }
  }

  private void describeEntry(SignedEntry signed, long leafIndex) {
    Entry entry = signed.entry();
    ObjectNode node = proven.putObject("entry");
    node.put("stream", entry.streamId());
    node.put("sequence", entry.sequence());
    node.put("eventType", entry.eventType());
    node.put("entryHash", Hashing.hex(entry.hash()));
    node.put("keyId", signed.keyId());
    node.put("leafIndex", leafIndex);
    node.put("recordedAt", instant(entry.timestampMicros()));
    node.put("actor", entry.actor());
  }

  private void describeCheckpoint(String note, long treeSize) {
    try {
      SignedNote signedNote = SignedNote.parse(note);
      Checkpoint checkpoint = Checkpoint.parse(signedNote.text());
      ObjectNode node = proven.putObject("checkpoint");
      node.put("treeSize", checkpoint.size());
      node.put("rootHash", Hashing.hex(checkpoint.rootHash()));
      ArrayNode keys = node.putArray("signedBy");
      signedNote.signatures().forEach(signature -> keys.add(signature.keyIdHex()));
      if (checkpoint.size() != treeSize) {
        fail(
            "TREE_SIZE_MISMATCH",
            "proof.treeSize is "
                + treeSize
                + " but the checkpoint is of size "
                + checkpoint.size());
      }
    } catch (ChainException e) {
      // Reported by the proof's verification.
    }
  }

  // --- keys -----------------------------------------------------------------------------------

  private record CertificateKey(
      String keyId, String name, byte[] publicKey, long from, long until, String purpose) {

    boolean validAt(long leaf) {
      return from <= leaf && leaf < until;
    }

    String range() {
      return "[" + from + ", " + (until == Long.MAX_VALUE ? "open" : until) + ")";
    }
  }

  /** Reads one of the certificate's keys and checks that it is consistent in itself. */
  private CertificateKey certificateKey(JsonNode key, String member) {
    try {
      String name = key.path("keyName").asText();
      byte[] publicKey = Base64.getDecoder().decode(key.path("publicKey").asText());
      NoteVerifierKey checked = new NoteVerifierKey(name, publicKey);
      String keyId = KeyIds.ledgerKeyId(name, publicKey);
      if (!keyId.equals(key.path("keyId").asText())) {
        fail(
            "CERTIFICATE_KEY_MALFORMED",
            member
                + ".keyId is "
                + key.path("keyId").asText()
                + " but its name and public key make "
                + keyId);
      }
      if (key.hasNonNull("vkey") && !checked.vkey().equals(key.get("vkey").asText())) {
        fail("CERTIFICATE_KEY_MALFORMED", member + ".vkey is not its name and public key");
      }
      long from = key.hasNonNull("validFrom") ? key.get("validFrom").asLong() : 0;
      long until = key.hasNonNull("validUntil") ? key.get("validUntil").asLong() : Long.MAX_VALUE;
      return new CertificateKey(
          keyId, name, publicKey, from, until, key.path("purpose").asText(null));
    } catch (ChainException e) {
      fail("CERTIFICATE_KEY_MALFORMED", member + ": " + e.failure().describe());
    } catch (IllegalArgumentException e) {
      fail("CERTIFICATE_KEY_MALFORMED", member + ": " + e.getMessage());
    }
    return null;
  }

  private KeyRing ringOf(CertificateKey key) {
    try {
      return KeyRing.of(new LedgerKey(key.name(), key.publicKey(), key.from(), key.until()));
    } catch (IllegalArgumentException e) {
      fail("CERTIFICATE_KEY_MALFORMED", "entryKey: " + e.getMessage());
      return KeyRing.of();
    }
  }

  /** The certificate's key must be a trusted key: same id, name, public key and range. */
  private void matchTrusted(CertificateKey key, String purpose) {
    if (key == null) {
      return;
    }
    TrustedKey match =
        trusted.stream().filter(t -> t.keyId().equals(key.keyId())).findFirst().orElse(null);
    if (match == null) {
      fail(
          "UNTRUSTED_KEY",
          "the certificate's "
              + purpose
              + " key "
              + key.keyId()
              + " ("
              + key.name()
              + ") is not among the trusted keys");
      return;
    }
    if (!match.name().equals(key.name())
        || !java.util.Arrays.equals(match.publicKey(), key.publicKey())) {
      fail(
          "KEY_DISAGREES_WITH_TRUSTED",
          "the certificate's " + purpose + " key " + key.keyId() + " differs from the trusted one");
      return;
    }
    if (match.purpose() != null && !match.purpose().equals(purpose)) {
      fail(
          "KEY_DISAGREES_WITH_TRUSTED",
          "key " + key.keyId() + " is trusted as a " + match.purpose() + " key, not " + purpose);
    }
    if (match.rangeKnown()) {
      long from = match.validFrom() == null ? Long.MAX_VALUE : match.validFrom();
      long until = match.validUntil() == null ? Long.MAX_VALUE : match.validUntil();
      if (from != key.from() || until != key.until()) {
        fail(
            "KEY_DISAGREES_WITH_TRUSTED",
            "the certificate gives "
                + purpose
                + " key "
                + key.keyId()
                + " the leaves "
                + key.range()
                + " but the trusted keys give it ["
                + match.validFrom()
                + ", "
                + (match.validUntil() == null ? "open" : match.validUntil())
                + ")");
      }
    }
  }

  private boolean isCheckpointKey(TrustedKey key, String origin) {
    return key.purpose() == null ? key.name().equals(origin) : "checkpoint".equals(key.purpose());
  }

  private KeyRing trustedEntryKeys(String origin) {
    List<LedgerKey> keys = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (TrustedKey key : trusted) {
      if (isCheckpointKey(key, origin) || !seen.add(key.keyId())) {
        continue;
      }
      if (key.rangeKnown() && key.validFrom() == null) {
        continue; // not logged yet: it cannot have signed a logged entry
      }
      long from = key.validFrom() == null ? 0 : key.validFrom();
      long until = key.validUntil() == null ? Long.MAX_VALUE : key.validUntil();
      if (from < until) {
        keys.add(new LedgerKey(key.name(), key.publicKey(), from, until));
      }
    }
    return KeyRing.of(keys);
  }

  private List<NoteVerifierKey> trustedCheckpointKeys(String origin, long treeSize) {
    List<NoteVerifierKey> keys = new ArrayList<>();
    boolean named = false;
    for (TrustedKey key : trusted) {
      if (!isCheckpointKey(key, origin)) {
        continue;
      }
      named |= key.name().equals(origin);
      long last = treeSize - 1;
      boolean valid =
          !key.rangeKnown()
              || (key.validFrom() != null
                  && key.validFrom() <= last
                  && (key.validUntil() == null || last < key.validUntil()));
      if (valid) {
        keys.add(new NoteVerifierKey(key.name(), key.publicKey()));
      }
    }
    if (!named) {
      fail(
          "UNTRUSTED_ORIGIN",
          "no trusted checkpoint key is named after the certificate's origin " + origin);
    }
    return keys;
  }

  // --- what the entry says --------------------------------------------------------------------

  private void checkRetirement(Entry entry, JsonNode retirement) {
    String batchId = retirement.get("batchId").asText();
    expectEvent(entry, "CreditsRetired", "batch:" + batchId);
    JsonNode payload = payload(entry);
    if (payload == null) {
      return;
    }
    compareText(retirement, payload, "retirement", "batchId");
    compareText(retirement, payload, "retirement", "retirementId");
    compareNumber(retirement, payload, "retirement", "quantity");
    compareText(retirement, payload, "retirement", "beneficiary");
    ObjectNode facts = proven.putObject("retirement");
    facts.put("retirementId", payload.path("retirementId").asText(null));
    facts.put("batchId", payload.path("batchId").asText(null));
    facts.put("accountId", payload.path("accountId").asText(null));
    facts.put("beneficiary", payload.path("beneficiary").asText(null));
    facts.set("quantity", payload.get("quantity"));
    ArrayNode blocks = facts.putArray("serialBlocks");
    List<String> provenBlocks = new ArrayList<>();
    for (JsonNode block : payload.path("blocks")) {
      String range = block.path("first").asText() + "-" + block.path("last").asText();
      provenBlocks.add(range);
      blocks.add(range);
    }
    JsonNode stated = retirement.get("blocks");
    if (stated != null && stated.isArray()) {
      List<String> statedBlocks = new ArrayList<>();
      stated.forEach(
          b -> statedBlocks.add(b.path("first").asText() + "-" + b.path("last").asText()));
      if (!statedBlocks.equals(provenBlocks)) {
        fail(
            "CERTIFICATE_DISAGREES",
            "retirement.blocks are "
                + statedBlocks
                + " but the signed entry retires the serial blocks "
                + provenBlocks);
      }
    }
    JsonNode serials = retirement.get("serialNumbers");
    if (serials != null && serials.isArray()) {
      boolean match = serials.size() == provenBlocks.size();
      for (int i = 0; match && i < serials.size(); i++) {
        match = serials.get(i).asText().endsWith("-" + provenBlocks.get(i));
      }
      if (match) {
        ArrayNode labels = facts.putArray("serialNumbers");
        serials.forEach(labels::add);
      } else {
        fail(
            "CERTIFICATE_DISAGREES",
            "retirement.serialNumbers "
                + serials
                + " do not end in the signed serial blocks "
                + provenBlocks);
      }
    }
    facts.put("purpose", payload.path("purpose").asText(null));
    facts.put("reason", payload.path("reason").asText(null));
    facts.put("footprintId", payload.path("footprintId").asText(null));
    facts.put("retiredAt", instant(entry.timestampMicros()));
  }

  private void checkNeutrality(Entry entry, JsonNode certificate) {
    String footprintId = certificate.get("footprintId").asText();
    expectEvent(entry, "FootprintNeutralised", "footprint:" + footprintId);
    JsonNode payload = payload(entry);
    if (payload == null) {
      return;
    }
    compareText(certificate, payload, "certificate", "footprintId");
    compareText(certificate, payload, "certificate", "certificateId");
    compareText(certificate, payload, "certificate", "subject");
    compareNumber(certificate, payload, "certificate", "emissionsKg");
    compareNumber(certificate, payload, "certificate", "coveredKg");
    JsonNode lines = certificate.path("lines");
    JsonNode retirements = payload.path("retirements");
    if (lines.isArray()) {
      if (lines.size() != retirements.size()) {
        fail(
            "CERTIFICATE_DISAGREES",
            "certificate.lines has "
                + lines.size()
                + " retirements but the signed entry "
                + retirements.size());
      } else {
        for (int i = 0; i < lines.size(); i++) {
          String prefix = "certificate.lines[" + i + "]";
          compareText(lines.get(i), retirements.get(i), prefix, "retirementId");
          compareText(lines.get(i), retirements.get(i), prefix, "batchId");
          compareNumber(lines.get(i), retirements.get(i), prefix, "tonnes");
        }
      }
    }
    ObjectNode facts = proven.putObject("neutrality");
    facts.put("footprintId", payload.path("footprintId").asText(null));
    facts.put("certificateId", payload.path("certificateId").asText(null));
    facts.put("subject", payload.path("subject").asText(null));
    facts.set("emissionsKg", payload.get("emissionsKg"));
    facts.set("coveredKg", payload.get("coveredKg"));
    ArrayNode covered = facts.putArray("retirements");
    for (JsonNode line : retirements) {
      covered.add(
          line.path("tonnes").asText()
              + " t: retirement "
              + line.path("retirementId").asText()
              + " of batch "
              + line.path("batchId").asText()
              + " "
              + line.path("serialRanges"));
    }
    facts.put("neutralisedAt", instant(entry.timestampMicros()));
  }

  private void expectEvent(Entry entry, String eventType, String streamId) {
    if (!entry.eventType().equals(eventType)) {
      fail(
          "WRONG_EVENT", "the proven entry is a " + entry.eventType() + " event, not " + eventType);
    }
    if (!entry.streamId().equals(streamId)) {
      fail(
          "WRONG_STREAM",
          "the proven entry belongs to stream " + entry.streamId() + ", not " + streamId);
    }
  }

  private JsonNode payload(Entry entry) {
    try {
      JsonNode payload = JSON.readTree(entry.payload());
      if (payload != null && payload.isObject()) {
        return payload;
      }
    } catch (IOException e) {
      // reported below
    }
    fail("MALFORMED_PAYLOAD", "the signed payload is not a JSON object");
    return null;
  }

  private void compareText(JsonNode stated, JsonNode signed, String where, String member) {
    String claim = stated.hasNonNull(member) ? stated.get(member).asText() : null;
    String truth = signed.hasNonNull(member) ? signed.get(member).asText() : null;
    if (!Objects.equals(claim, truth)) {
      fail(
          "CERTIFICATE_DISAGREES",
          where + "." + member + " is '" + claim + "' but the signed entry says '" + truth + "'");
    }
  }

  private void compareNumber(JsonNode stated, JsonNode signed, String where, String member) {
    JsonNode claim = stated.get(member);
    JsonNode truth = signed.get(member);
    boolean equal =
        claim != null
            && truth != null
            && claim.isIntegralNumber()
            && truth.isIntegralNumber()
            && claim.bigIntegerValue().equals(truth.bigIntegerValue());
    if (!equal) {
      fail(
          "CERTIFICATE_DISAGREES",
          where + "." + member + " is " + claim + " but the signed entry says " + truth);
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  private void fail(String kind, String message) {
    failures.add(new Failure(kind, message));
  }

  static String kindOf(ChainFailure failure) {
    return failure.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
  }

  private static String instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
  }

  private static String requireText(JsonNode node, String member, String prefix)
      throws MalformedCertificateException {
    JsonNode value = node.get(member);
    if (value == null || !value.isTextual()) {
      throw new MalformedCertificateException(
          "the certificate's " + prefix + member + " is missing or not a string");
    }
    return value.asText();
  }

  private static long requireLong(JsonNode node, String member, String prefix)
      throws MalformedCertificateException {
    JsonNode value = node.get(member);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new MalformedCertificateException(
          "the certificate's " + prefix + member + " is missing or not an integer");
    }
    return value.asLong();
  }

  private static JsonNode requireObject(JsonNode node, String member, String prefix)
      throws MalformedCertificateException {
    JsonNode value = node.get(member);
    if (value == null || !value.isObject()) {
      throw new MalformedCertificateException(
          "the certificate's " + prefix + member + " is missing or not an object");
    }
    return value;
  }
}
