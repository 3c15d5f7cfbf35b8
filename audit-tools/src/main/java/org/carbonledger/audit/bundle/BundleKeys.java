package org.carbonledger.audit.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.carbonledger.audit.verify.Finding;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.Ed25519Primitives;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.KeyIds;
import org.carbonledger.chain.KeyRing;
import org.carbonledger.chain.KeyRing.LedgerKey;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.note.NoteVerifierKey;

/**
 * The keys a bundle verifier accepts and for which leaves (spec section 3.6.1): the ledger's first
 * keys from {@code keys.jsonl}, then every key a signed {@code SigningKeyRotated} entry introduced.
 * A rotation at leaf {@code L} ends the retired key's range at {@code L + 1} and starts the new
 * key's there. The ranges listed in {@code keys.jsonl} are only compared with these.
 *
 * <p>This repeats the derivation of {@code org.carbonledger.audit.verify.KeyHistory}, which reads a
 * database connection and is not public; the rules and the finding kinds are the same.
 */
final class BundleKeys {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A row of {@code keys.jsonl}. */
  record Published(
      long line,
      String keyId,
      String name,
      String purpose,
      byte[] publicKey,
      Long from,
      Long until,
      String introducedBy) {}

  /** A line of {@code entries.jsonl} in the rotation stream. */
  record Rotation(
      long line,
      long sequence,
      String eventId,
      byte[] entry,
      String keyId,
      byte[] entryHash,
      byte[] signature,
      Long leaf) {}

  private static final class Derived {
    final String keyId;
    final String name;
    final byte[] publicKey;
    final long from;
    final boolean provisional;
    long until = Long.MAX_VALUE;

    Derived(String keyId, String name, byte[] publicKey, long from, boolean provisional) {
      this.keyId = keyId;
      this.name = name;
      this.publicKey = publicKey;
      this.from = from;
      this.provisional = provisional;
    }
  }

  private final Map<String, List<Derived>> byPurpose = new LinkedHashMap<>();
  private final List<Finding> findings;
  private String origin = "";
  private KeyRing entryKeys;

  private BundleKeys(List<Finding> findings) {
    this.findings = findings;
    byPurpose.put("entry", new ArrayList<>());
    byPurpose.put("checkpoint", new ArrayList<>());
  }

  /**
   * Derives the keys and their ranges.
   *
   * @param rotations the rotation stream's lines, in sequence order
   * @param leafCount the log's size: a rotation not logged yet takes effect there
   */
  static BundleKeys derive(
      List<Published> published, List<Rotation> rotations, long leafCount, List<Finding> findings) {
    BundleKeys keys = new BundleKeys(findings);
    Map<String, List<Published>> firsts = new LinkedHashMap<>();
    for (Published key : published) {
      if (key.introducedBy() == null) {
        firsts.computeIfAbsent(key.purpose(), p -> new ArrayList<>()).add(key);
      }
    }
    for (List<Published> candidates : firsts.values()) {
      if (candidates.size() == 1) {
        keys.trustFirst(candidates.get(0));
      } else {
        findings.add(
            keyFinding(
                "AMBIGUOUS_FIRST_KEYS",
                candidates.get(0).line(),
                candidates.size()
                    + " "
                    + candidates.get(0).purpose()
                    + " keys claim to be the ledger's first: "
                    + candidates.stream().map(Published::keyId).toList()));
      }
    }
    for (Rotation rotation : rotations) {
      keys.follow(rotation, leafCount);
    }
    keys.compare(published);
    if (keys.byPurpose.get("checkpoint").isEmpty()) {
      findings.add(
          keyFinding(
              "NO_CHECKPOINT_KEY",
              null,
              "no checkpoint key is published, so the log's origin and checkpoints cannot be"
                  + " checked"));
    }
    return keys;
  }

  /** The log's origin: the name of its first checkpoint key. */
  String origin() {
    return origin;
  }

  KeyRing entryKeys() {
    if (entryKeys == null) {
      List<LedgerKey> ring = new ArrayList<>();
      for (Derived key : byPurpose.get("entry")) {
        ring.add(new LedgerKey(key.name, key.publicKey, key.from, key.until));
      }
      entryKeys = KeyRing.of(ring);
    }
    return entryKeys;
  }

  /** The checkpoint keys that may sign a checkpoint of {@code size} leaves (at leaf size - 1). */
  List<NoteVerifierKey> checkpointKeysFor(long size) {
    List<NoteVerifierKey> keys = new ArrayList<>();
    for (Derived key : byPurpose.get("checkpoint")) {
      if (key.from <= size - 1 && size - 1 < key.until) {
        keys.add(new NoteVerifierKey(key.name, key.publicKey));
      }
    }
    return keys;
  }

  int size() {
    return byPurpose.values().stream().mapToInt(List::size).sum();
  }

  private void trustFirst(Published key) {
    List<Derived> keys = byPurpose.get(key.purpose());
    if (keys == null) {
      findings.add(
          keyFinding(
              "MALFORMED_KEY", key.line(), key.keyId() + ": unknown purpose " + key.purpose()));
      return;
    }
    try {
      String keyId = KeyIds.ledgerKeyId(key.name(), key.publicKey());
      new LedgerKey(key.name(), key.publicKey(), 0, Long.MAX_VALUE); // checks the point
      if (!keyId.equals(key.keyId())) {
        findings.add(
            keyFinding(
                "KEY_ID_MISMATCH",
                key.line(),
                "key " + key.keyId() + " is listed, but its name and public key make " + keyId));
        return;
      }
      long from = key.from() == null ? 0 : key.from();
      keys.add(new Derived(keyId, key.name(), key.publicKey(), from, false));
      if ("checkpoint".equals(key.purpose())) {
        origin = key.name();
      }
    } catch (RuntimeException e) {
      findings.add(keyFinding("MALFORMED_KEY", key.line(), key.keyId() + ": " + e.getMessage()));
    }
  }

  private void follow(Rotation rotation, long leafCount) {
    Entry entry;
    JsonNode payload;
    try {
      entry = EntryCodec.decode(rotation.entry());
      if (!BundleFormat.ROTATION_EVENT.equals(entry.eventType())) {
        return;
      }
      payload = JSON.readTree(entry.payload());
    } catch (ChainException | IllegalArgumentException | IOException e) {
      // A malformed entry is reported by the chain pass; it introduces no key.
      return;
    }
    String purpose = text(payload, "purpose").toLowerCase(Locale.ROOT);
    String retired = text(payload, "retiredKeyId");
    String keyId = text(payload, "keyId");
    String name = text(payload, "keyName");
    List<Derived> keys = byPurpose.get(purpose);
    byte[] publicKey;
    try {
      publicKey = Base64.getDecoder().decode(text(payload, "publicKey"));
      new LedgerKey(name, publicKey, 0, Long.MAX_VALUE); // checks the name and the point
      if (keys == null || !KeyIds.ledgerKeyId(name, publicKey).equals(keyId)) {
        throw new IllegalArgumentException("its purpose or key id does not match its key");
      }
    } catch (RuntimeException e) {
      findings.add(rotationFinding("MALFORMED_ROTATION", entry, rotation, e.getMessage()));
      return;
    }
    // Followed only if the entry key current at this point really signed it: otherwise anyone
    // who can edit the bundle could bring in a key of their own.
    List<Derived> entryKeyList = byPurpose.get("entry");
    Derived signer = entryKeyList.isEmpty() ? null : entryKeyList.get(entryKeyList.size() - 1);
    if (signer == null
        || !signer.keyId.equals(rotation.keyId())
        || !Arrays.equals(entry.hash(), rotation.entryHash())
        || !Ed25519Primitives.verify(
            signer.publicKey, SignedEntry.signatureMessage(entry.hash()), rotation.signature())) {
      findings.add(
          rotationFinding(
              "ROTATION_NOT_SIGNED_BY_CURRENT_KEY",
              entry,
              rotation,
              "the rotation is not signed by the current entry key"
                  + (signer == null ? "" : ", " + signer.keyId)
                  + ", so the key it brings in is not trusted"));
      return;
    }
    if (byPurpose.values().stream().flatMap(List::stream).anyMatch(k -> k.keyId.equals(keyId))) {
      findings.add(
          rotationFinding("MALFORMED_ROTATION", entry, rotation, "it reuses key " + keyId));
      return;
    }
    Derived current = keys.isEmpty() ? null : keys.get(keys.size() - 1);
    if (current == null || !current.keyId.equals(retired)) {
      findings.add(
          rotationFinding(
              "ROTATION_OF_NON_CURRENT_KEY",
              entry,
              rotation,
              "it retires "
                  + retired
                  + " but the current "
                  + purpose
                  + " key is "
                  + (current == null ? "none" : current.keyId)));
      return;
    }
    Long leaf = rotation.leaf();
    if (leaf == null) {
      keys.add(new Derived(keyId, name, publicKey, leafCount, true));
    } else {
      current.until = leaf + 1;
      keys.add(new Derived(keyId, name, publicKey, leaf + 1, false));
    }
  }

  /** Every derived key must be listed with the range the log gives it, and only those. */
  private void compare(List<Published> published) {
    Map<String, Published> byId = new LinkedHashMap<>();
    published.forEach(key -> byId.putIfAbsent(key.keyId(), key));
    for (List<Derived> keys : byPurpose.values()) {
      for (Derived key : keys) {
        Published row = byId.remove(key.keyId);
        if (row == null) {
          findings.add(
              keyFinding(
                  "KEY_NOT_PUBLISHED",
                  null,
                  "a rotation introduced key " + key.keyId + ", but keys.jsonl does not list it"));
          continue;
        }
        Long from = key.provisional ? null : key.from;
        Long until = key.until == Long.MAX_VALUE ? null : key.until;
        if (!Arrays.equals(row.publicKey(), key.publicKey)
            || !Objects.equals(row.from(), from)
            || !Objects.equals(row.until(), until)) {
          findings.add(
              keyFinding(
                  "PUBLISHED_KEY_DISAGREES",
                  row.line(),
                  "key "
                      + key.keyId
                      + " is listed as ["
                      + row.from()
                      + ", "
                      + row.until()
                      + ") but the log makes it ["
                      + from
                      + ", "
                      + until
                      + ")"));
        }
      }
    }
    for (Published extra : byId.values()) {
      findings.add(
          keyFinding(
              "KEY_WITHOUT_ROTATION",
              extra.line(),
              "key " + extra.keyId() + " is listed, but no logged rotation introduced it"));
    }
  }

  private static String text(JsonNode payload, String field) {
    JsonNode value = payload.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  private static Finding keyFinding(String kind, Long line, String message) {
    return new Finding(
        kind, null, null, null, BundleFormat.KEYS, line == null ? null : "line " + line, message);
  }

  private static Finding rotationFinding(
      String kind, Entry entry, Rotation rotation, String message) {
    return new Finding(
        kind,
        entry.streamId(),
        entry.sequence(),
        rotation.leaf(),
        BundleFormat.ENTRIES,
        "line " + rotation.line(),
        message + " (event " + rotation.eventId() + ")");
  }
}
