package org.carbonledger.api.transparency;

import java.util.Base64;
import java.util.List;
import org.carbonledger.api.transparency.TransparencyLog.CheckpointView;
import org.carbonledger.api.transparency.TransparencyLog.InclusionProof;
import org.carbonledger.api.transparency.TransparencyLog.KeyView;
import org.carbonledger.api.web.ApiException;
import org.carbonledger.api.web.ApiProblem;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Assembles the offline proof of one stored event (spec section 3.11): its signed chain entry
 * exactly as stored, its leaf index, the inclusion proof to the latest signed checkpoint, that
 * checkpoint, and the two public keys that signed them.
 */
public final class EntryProofs {

  private final JdbcTemplate jdbc;
  private final TransparencyLog log;
  private final String origin;

  public EntryProofs(JdbcTemplate jdbc, TransparencyLog log, String origin) {
    this.jdbc = jdbc;
    this.log = log;
    this.origin = origin;
  }

  /** The ledger's origin, which every entry and checkpoint names. */
  public String origin() {
    return origin;
  }

  /**
   * The offline proof of one event.
   *
   * @param entry the canonical entry bytes exactly as hashed and signed, base64 (spec 3.2)
   * @param entryHash SHA-256 of the domain-separated entry bytes, lowercase hex (spec 3.3)
   * @param signature the Ed25519 signature over the entry hash's signature message, base64
   * @param checkpoint the signed checkpoint the inclusion proof leads to, as a C2SP signed note
   * @param entryKey the key that signed the entry, with its valid leaf range
   * @param checkpointKey the key that signed the checkpoint
   */
  public record EntryProofView(
      String entry,
      String entryHash,
      String keyId,
      String signature,
      long leafIndex,
      long treeSize,
      List<String> inclusionProof,
      String checkpoint,
      KeyView entryKey,
      KeyView checkpointKey) {}

  /**
   * @throws ApiException PROOF_NOT_READY if the event has no leaf or no signed checkpoint covers it
   *     yet
   */
  public EntryProofView of(String eventIdentifier) {
    var rows =
        jdbc.query(
            "SELECT c.entry, c.entry_hash, c.key_id, c.signature, l.leaf_index FROM chain_entry c"
                + " LEFT JOIN merkle_leaf l ON l.event_identifier = c.event_identifier"
                + " WHERE c.event_identifier = ?",
            (row, n) ->
                new Object[] {
                  row.getBytes(1),
                  row.getBytes(2),
                  row.getString(3),
                  row.getBytes(4),
                  row.getObject(5, Long.class)
                },
            eventIdentifier);
    if (rows.isEmpty()) {
      throw new ApiException(ApiProblem.NOT_FOUND, "no chain entry for event " + eventIdentifier);
    }
    Object[] row = rows.get(0);
    Long leafIndex = (Long) row[4];
    if (leafIndex == null) {
      throw notReady();
    }
    CheckpointView checkpoint = log.latestCheckpoint().orElseThrow(EntryProofs::notReady);
    if (checkpoint.treeSize() <= leafIndex) {
      throw notReady();
    }
    InclusionProof inclusion = log.inclusion(leafIndex, checkpoint.treeSize());
    String keyId = (String) row[2];
    List<KeyView> keys = log.keys();
    KeyView entryKey =
        keys.stream()
            .filter(key -> key.keyId().equals(keyId))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("entry key " + keyId + " is unpublished"));
    long last = checkpoint.treeSize() - 1;
    KeyView checkpointKey =
        keys.stream()
            .filter(key -> key.purpose().equals("checkpoint"))
            .filter(key -> key.validFrom() != null && key.validFrom() <= last)
            .filter(key -> key.validUntil() == null || key.validUntil() > last)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no checkpoint key covers " + last));
    Base64.Encoder base64 = Base64.getEncoder();
    return new EntryProofView(
        base64.encodeToString((byte[]) row[0]),
        TransparencyLog.hex((byte[]) row[1]),
        keyId,
        base64.encodeToString((byte[]) row[3]),
        leafIndex,
        checkpoint.treeSize(),
        inclusion.proof(),
        checkpoint.note(),
        entryKey,
        checkpointKey);
  }

  private static ApiException notReady() {
    return new ApiException(
        ApiProblem.PROOF_NOT_READY,
        "the event is not yet covered by a signed checkpoint; retry in a second");
  }
}
