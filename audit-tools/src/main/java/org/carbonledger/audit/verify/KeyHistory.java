package org.carbonledger.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.carbonledger.audit.verify.VerifyOptions.TrustedKey;
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
 * The keys a verifier accepts, and for which leaves (spec section 3.6): the ledger's first keys,
 * then every key that a signed, logged {@code SigningKeyRotated} event introduced. If a rotation
 * sits at leaf {@code L}, the retired key is valid up to and including {@code L} and the new key
 * from {@code L + 1} on. An entry key is valid for the entries at those leaves; a checkpoint key
 * for the checkpoints whose last leaf is there.
 *
 * <p>The ranges are derived from the log, never read from {@code ledger_key}: that table is only
 * compared with them, and each disagreement is a finding.
 */
public final class KeyHistory {

  /** The stream of the ledger's key rotations and the type of their events. */
  public static final String ROTATION_STREAM = "signing-keys:ledger";

  public static final String ROTATION_EVENT = "SigningKeyRotated";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, List<Derived>> byPurpose = new LinkedHashMap<>();
  private final List<Finding> findings;
  private final Sources sources;
  private String origin = "";
  private KeyRing entryKeys;

  /** A key and its range as the log defines them; {@code until} is exclusive. */
  private static final class Derived {
    final String keyId;
    final String name;
    final byte[] publicKey;
    final long from;

    /** Whether {@code from} is only where the key's rotation will be logged at the earliest. */
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

  /**
   * A published key, as {@code ledger_key} or an audit bundle lists it.
   *
   * @param introducedBy the event that rotated the key in; null for a first key
   * @param row where it is listed, for findings: the key id in a table, a line in a bundle
   */
  public record PublishedKey(
      String keyId,
      String name,
      String purpose,
      byte[] publicKey,
      Long from,
      Long until,
      String introducedBy,
      String row) {}

  /**
   * A signed entry of the rotation stream.
   *
   * @param leaf its leaf index; null while it is not logged
   * @param row where it is stored, for findings
   */
  public record RotationEntry(
      String eventId,
      byte[] entry,
      String keyId,
      byte[] entryHash,
      byte[] signature,
      Long leaf,
      String row) {}

  /**
   * Where the keys and the entries were read from, named in findings.
   *
   * @param keys the table or file of the published keys, such as {@code ledger_key}
   * @param entries the table or file of the signed entries, such as {@code chain_entry}
   */
  public record Sources(String keys, String entries) {}

  private KeyHistory(List<Finding> findings, Sources sources) {
    this.findings = findings;
    this.sources = sources;
    byPurpose.put("entry", new ArrayList<>());
    byPurpose.put("checkpoint", new ArrayList<>());
  }

  /**
   * Reads the first keys from {@code ledger_key} and follows the rotations in the log.
   *
   * @param leafCount the log's size: a rotation not logged yet takes effect there
   * @param findings where disagreements are reported
   * @param trusted the regulator's first keys; empty to take them from {@code ledger_key}
   */
  static KeyHistory load(
      Connection connection, long leafCount, List<Finding> findings, List<TrustedKey> trusted)
      throws SQLException {
    return derive(
        readPublished(connection),
        readRotations(connection),
        leafCount,
        findings,
        trusted,
        new Sources("ledger_key", "chain_entry"));
  }

  /**
   * Derives the keys and their ranges from the published keys and the rotation entries, wherever
   * they were read from.
   *
   * @param rotations the rotation stream's entries in sequence order
   * @param leafCount the log's size: a rotation not logged yet takes effect there
   * @param findings where disagreements are reported
   * @param trusted the regulator's first keys; empty to take the published first keys
   */
  public static KeyHistory derive(
      List<PublishedKey> published,
      List<RotationEntry> rotations,
      long leafCount,
      List<Finding> findings,
      List<TrustedKey> trusted,
      Sources sources) {
    KeyHistory history = new KeyHistory(findings, sources);
    Map<String, List<PublishedKey>> firsts = new LinkedHashMap<>();
    if (trusted.isEmpty()) {
      for (PublishedKey key : published) {
        if (key.introducedBy() == null) {
          firsts.computeIfAbsent(key.purpose(), p -> new ArrayList<>()).add(key);
        }
      }
    } else {
      for (TrustedKey key : trusted) {
        String keyId = KeyIds.ledgerKeyId(key.keyName(), key.publicKey());
        firsts
            .computeIfAbsent(key.purpose(), p -> new ArrayList<>())
            .add(
                new PublishedKey(
                    keyId, key.keyName(), key.purpose(), key.publicKey(), 0L, null, null, keyId));
      }
      history.compareFirstKeys(published, trusted);
    }
    for (List<PublishedKey> keys : firsts.values()) {
      if (keys.size() == 1) {
        history.trustFirst(keys.get(0));
      } else {
        // The list alone cannot tell which is the ledger's real first key, so none is trusted.
        findings.add(
            history.finding(
                "AMBIGUOUS_FIRST_KEYS",
                null,
                keys.size()
                    + " "
                    + keys.get(0).purpose()
                    + " keys claim to be the ledger's first: "
                    + keys.stream().map(PublishedKey::keyId).toList()));
      }
    }
    for (RotationEntry rotation : rotations) {
      history.follow(rotation, leafCount);
    }
    history.compare(published);
    if (history.byPurpose.get("checkpoint").isEmpty()) {
      findings.add(
          history.finding(
              "NO_CHECKPOINT_KEY",
              null,
              "no checkpoint key is published, so the log's origin and checkpoints cannot be"
                  + " checked"));
    }
    return history;
  }

  /** The first keys {@code ledger_key} publishes must be the ones the regulator trusts. */
  private void compareFirstKeys(List<PublishedKey> published, List<TrustedKey> trusted) {
    for (PublishedKey key : published) {
      if (key.introducedBy() != null) {
        continue;
      }
      boolean isTrusted =
          trusted.stream()
              .anyMatch(
                  t ->
                      t.purpose().equals(key.purpose())
                          && t.keyName().equals(key.name())
                          && Arrays.equals(t.publicKey(), key.publicKey()));
      if (!isTrusted) {
        findings.add(
            finding(
                "FIRST_KEY_NOT_TRUSTED",
                key.row(),
                sources.keys()
                    + " publishes a first "
                    + key.purpose()
                    + " key that is not among the trusted keys"));
      }
    }
  }

  /** The log's origin: the name of its first checkpoint key. */
  public String origin() {
    return origin;
  }

  /** The entry keys with their ranges. */
  public KeyRing entryKeys() {
    if (entryKeys != null) {
      return entryKeys;
    }
    List<LedgerKey> keys = new ArrayList<>();
    for (Derived key : byPurpose.get("entry")) {
      keys.add(new LedgerKey(key.name, key.publicKey, key.from, key.until));
    }
    entryKeys = KeyRing.of(keys);
    return entryKeys;
  }

  /** The checkpoint keys that may sign a checkpoint of {@code size} leaves. */
  public List<NoteVerifierKey> checkpointKeysFor(long size) {
    List<NoteVerifierKey> keys = new ArrayList<>();
    for (Derived key : byPurpose.get("checkpoint")) {
      if (key.from <= size - 1 && size - 1 < key.until) {
        keys.add(new NoteVerifierKey(key.name, key.publicKey));
      }
    }
    return keys;
  }

  /** How many keys the history holds. */
  public int size() {
    return byPurpose.values().stream().mapToInt(List::size).sum();
  }

  private static List<PublishedKey> readPublished(Connection connection) throws SQLException {
    List<PublishedKey> published = new ArrayList<>();
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT key_id, key_name, purpose, public_key, valid_from, valid_until,"
                    + " introduced_by FROM ledger_key ORDER BY valid_from, key_id");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        published.add(
            new PublishedKey(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getBytes(4),
                rows.getObject(5, Long.class),
                rows.getObject(6, Long.class),
                rows.getString(7),
                rows.getString(1)));
      }
    }
    return published;
  }

  private static List<RotationEntry> readRotations(Connection connection) throws SQLException {
    List<RotationEntry> rotations = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT c.event_identifier, c.entry, c.key_id, l.leaf_index, c.entry_hash,"
                + " c.signature FROM chain_entry c"
                + " LEFT JOIN merkle_leaf l ON l.event_identifier = c.event_identifier"
                + " WHERE c.stream_id = ? ORDER BY c.sequence_number")) {
      query.setString(1, ROTATION_STREAM);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          rotations.add(
              new RotationEntry(
                  rows.getString(1),
                  rows.getBytes(2),
                  rows.getString(3),
                  rows.getBytes(5),
                  rows.getBytes(6),
                  rows.getObject(4, Long.class),
                  rows.getString(1)));
        }
      }
    }
    return rotations;
  }

  private void trustFirst(PublishedKey key) {
    List<Derived> keys = byPurpose.get(key.purpose());
    if (keys == null) {
      findings.add(finding("MALFORMED_KEY", key.row(), "unknown purpose " + key.purpose()));
      return;
    }
    try {
      String keyId = KeyIds.ledgerKeyId(key.name(), key.publicKey());
      new LedgerKey(key.name(), key.publicKey(), 0, Long.MAX_VALUE); // checks the point
      if (!keyId.equals(key.keyId())) {
        findings.add(
            finding(
                "KEY_ID_MISMATCH",
                key.row(),
                "key " + key.keyId() + " is listed, but its name and public key make " + keyId));
        return;
      }
      long from = key.from() == null ? 0 : key.from();
      keys.add(new Derived(keyId, key.name(), key.publicKey(), from, false));
      if ("checkpoint".equals(key.purpose())) {
        origin = key.name();
      }
    } catch (RuntimeException e) {
      findings.add(finding("MALFORMED_KEY", key.row(), key.keyId() + ": " + e.getMessage()));
    }
  }

  private void follow(RotationEntry rotation, long leafCount) {
    Long leaf = rotation.leaf();
    Entry entry;
    JsonNode payload;
    try {
      entry = EntryCodec.decode(rotation.entry());
      if (!ROTATION_EVENT.equals(entry.eventType())) {
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
    // A rotation is followed only if the entry key it sits under really signed it; otherwise
    // anyone who can write to the database could bring in a key of their own.
    List<Derived> entryKeys = byPurpose.get("entry");
    Derived signer = entryKeys.isEmpty() ? null : entryKeys.get(entryKeys.size() - 1);
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
    if (keyIdInUse(keyId)) {
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
    if (leaf == null) {
      // Not logged yet: its leaf will be at the log's end or later. Until it is logged the old
      // key stays valid, and the new key may only have signed entries that are not logged either.
      keys.add(new Derived(keyId, name, publicKey, leafCount, true));
    } else {
      current.until = leaf + 1;
      keys.add(new Derived(keyId, name, publicKey, leaf + 1, false));
    }
  }

  private boolean keyIdInUse(String keyId) {
    return byPurpose.values().stream()
        .flatMap(List::stream)
        .anyMatch(key -> key.keyId.equals(keyId));
  }

  /** Every rotated-in key must be published with the range the log gives it, and only those. */
  private void compare(List<PublishedKey> published) {
    Map<String, PublishedKey> byId = new LinkedHashMap<>();
    published.forEach(key -> byId.putIfAbsent(key.keyId(), key));
    for (List<Derived> keys : byPurpose.values()) {
      for (Derived key : keys) {
        PublishedKey row = byId.remove(key.keyId);
        if (row == null) {
          findings.add(
              finding(
                  "KEY_NOT_PUBLISHED",
                  key.keyId,
                  "a rotation introduced the key, but " + sources.keys() + " does not list it"));
          continue;
        }
        Long from = key.provisional ? null : key.from;
        Long until = key.until == Long.MAX_VALUE ? null : key.until;
        if (!Arrays.equals(row.publicKey(), key.publicKey)
            || !Objects.equals(row.from(), from)
            || !Objects.equals(row.until(), until)) {
          findings.add(
              finding(
                  "PUBLISHED_KEY_DISAGREES",
                  row.row(),
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
    for (PublishedKey extra : byId.values()) {
      findings.add(
          finding(
              "KEY_WITHOUT_ROTATION",
              extra.row(),
              "key " + extra.keyId() + " is listed, but no logged rotation introduced it"));
    }
  }

  private static String text(JsonNode payload, String field) {
    JsonNode value = payload.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  private Finding finding(String kind, String row, String message) {
    return new Finding(kind, null, null, null, sources.keys(), row, message);
  }

  private Finding rotationFinding(
      String kind, Entry entry, RotationEntry rotation, String message) {
    return new Finding(
        kind,
        entry.streamId(),
        entry.sequence(),
        rotation.leaf(),
        sources.entries(),
        rotation.row(),
        message);
  }
}
