package org.carbonledger.api.transparency;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.carbonledger.auditlog.JdbcNodeStore;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.note.NoteVerifierKey;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the Merkle log for the public: signed checkpoints, proofs computed from the stored nodes
 * (never by rebuilding the tree), and the published keys.
 */
public final class TransparencyLog {

  private final JdbcTemplate jdbc;

  public TransparencyLog(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * A signed checkpoint of the log.
   *
   * @param rootHash the RFC 6962 root of the first treeSize leaves, lowercase hex
   * @param note the C2SP signed note, exactly as signed; verify it with a checkpoint key
   */
  public record CheckpointView(long treeSize, String rootHash, String note, String createdAt) {}

  /**
   * A published key.
   *
   * @param purpose "entry" (signs chain entries) or "checkpoint" (signs checkpoints)
   * @param publicKey the 32-byte Ed25519 public key, base64
   * @param vkey the key as a C2SP verifier key, name+id+base64
   * @param validFrom the first leaf index the key may sign; null until its rotation is logged
   * @param validUntil the first leaf index it may no longer sign; null while it is current
   */
  public record KeyView(
      String keyId,
      String keyName,
      String purpose,
      String publicKey,
      String vkey,
      Long validFrom,
      Long validUntil) {}

  /**
   * @param proof the sibling hashes, deepest first, lowercase hex (RFC 9162 section 2.1.3)
   */
  public record InclusionProof(
      long leafIndex, long treeSize, String leafHash, List<String> proof) {}

  /**
   * @param proof the RFC 9162 section 2.1.4 consistency proof, lowercase hex
   */
  public record ConsistencyProof(long firstSize, long secondSize, List<String> proof) {}

  public Optional<CheckpointView> latestCheckpoint() {
    return checkpoint(
        "SELECT tree_size, root_hash, note, created_at FROM log_checkpoint"
            + " ORDER BY tree_size DESC LIMIT 1");
  }

  public Optional<CheckpointView> checkpoint(long treeSize) {
    return checkpoint(
        "SELECT tree_size, root_hash, note, created_at FROM log_checkpoint WHERE tree_size = ?",
        treeSize);
  }

  /** The smallest checkpoint that covers a leaf, if one has been signed yet. */
  public Optional<CheckpointView> firstCheckpointCovering(long leafIndex) {
    return checkpoint(
        "SELECT tree_size, root_hash, note, created_at FROM log_checkpoint WHERE tree_size > ?"
            + " ORDER BY tree_size LIMIT 1",
        leafIndex);
  }

  /** The proof that a leaf is in the tree of a signed checkpoint's size. */
  public InclusionProof inclusion(long leafIndex, long treeSize) {
    return jdbc.execute(
        (ConnectionCallback<InclusionProof>)
            connection -> {
              JdbcNodeStore nodes = new JdbcNodeStore(connection, treeSize);
              byte[] leaf = nodes.hash(0, leafIndex);
              return new InclusionProof(
                  leafIndex,
                  treeSize,
                  hex(leaf),
                  MerkleProofs.inclusionProof(nodes, leafIndex, treeSize).stream()
                      .map(TransparencyLog::hex)
                      .toList());
            });
  }

  /** The proof that the tree of the second size extends the tree of the first. */
  public ConsistencyProof consistency(long firstSize, long secondSize) {
    return jdbc.execute(
        (ConnectionCallback<ConsistencyProof>)
            connection ->
                new ConsistencyProof(
                    firstSize,
                    secondSize,
                    MerkleProofs.consistencyProof(
                            new JdbcNodeStore(connection, secondSize), firstSize, secondSize)
                        .stream()
                        .map(TransparencyLog::hex)
                        .toList()));
  }

  /** The number of leaves the log holds now. */
  public long size() {
    return jdbc.execute((ConnectionCallback<Long>) JdbcNodeStore::storedSize);
  }

  /** Whether a size is that of a signed checkpoint: proofs are served only against those. */
  public boolean isCheckpointed(long treeSize) {
    return checkpoint(treeSize).isPresent();
  }

  public List<KeyView> keys() {
    return jdbc.query(
        "SELECT key_id, key_name, purpose, public_key, valid_from, valid_until FROM ledger_key"
            + " ORDER BY purpose, valid_from NULLS LAST, key_id",
        (row, n) -> {
          byte[] publicKey = row.getBytes(4);
          return new KeyView(
              row.getString(1),
              row.getString(2),
              row.getString(3),
              Base64.getEncoder().encodeToString(publicKey),
              new NoteVerifierKey(row.getString(2), publicKey).vkey(),
              row.getObject(5, Long.class),
              row.getObject(6, Long.class));
        });
  }

  /** A key by id. */
  public Optional<KeyView> key(String keyId) {
    return keys().stream().filter(key -> key.keyId().equals(keyId)).findFirst();
  }

  private Optional<CheckpointView> checkpoint(String sql, Object... arguments) {
    return jdbc
        .query(
            sql,
            (row, n) ->
                new CheckpointView(
                    row.getLong(1), hex(row.getBytes(2)), row.getString(3), row.getString(4)),
            arguments)
        .stream()
        .findFirst();
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
