package org.carbonledger.auditlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteSigner;
import org.carbonledger.chain.note.SignedNote;

/**
 * Signs checkpoints of the Merkle log: every {@code everyLeaves} leaves (asked by the sequencer)
 * and every few moments while the log grows (asked by a timer), so that a retirement is covered by
 * a signed checkpoint soon after it commits, however quiet the ledger is.
 *
 * <p>A checkpoint commits to a tree size and root in the C2SP tlog-checkpoint format, wrapped in a
 * signed note by the log key. Complete subtrees never change once stored, so a checkpoint of any
 * size up to what is committed can be computed while the sequencer goes on appending.
 */
public final class Checkpointer {

  private final DataSource dataSource;
  private final String origin;

  /**
   * The checkpoint keys this service holds, by key id. Each checkpoint is signed by the key that
   * {@code ledger_key} makes valid at its last leaf, so that after a rotation the checkpoint that
   * first covers the rotation event is still signed by the retiring key, which thereby vouches for
   * its successor.
   */
  private final Map<String, Ed25519Signer> logKeys = new ConcurrentHashMap<>();

  /** The newest checkpoint key, which the next rotation retires. */
  private volatile String currentLogKeyId;

  private final long everyLeaves;
  private volatile long lastCheckpointSize = -1;

  /** The last checkpoint this instance signed; a rewritten log must never be signed over it. */
  private long lastSignedSize;

  private byte[] lastSignedRoot;

  /**
   * @param dataSource a plain data source: checkpoints are written in transactions of their own
   * @param everyLeaves how many new leaves make a checkpoint due, at least 1
   */
  public Checkpointer(DataSource dataSource, LedgerIdentity identity, long everyLeaves) {
    if (everyLeaves < 1) {
      throw new IllegalArgumentException("everyLeaves must be at least 1");
    }
    this.dataSource = dataSource;
    this.origin = identity.origin();
    addLogKey(identity.logKey());
    this.currentLogKeyId = identity.logKey().keyId();
    this.everyLeaves = everyLeaves;
  }

  /** Makes a rotated-in checkpoint key available for the checkpoints it becomes valid for. */
  public void addLogKey(Ed25519Signer key) {
    logKeys.put(key.keyId(), key);
  }

  /** The key id of the newest checkpoint key, which the next rotation retires. */
  public String currentLogKeyId() {
    return currentLogKeyId;
  }

  /** Records that the rotation to a key added with {@link #addLogKey} has committed. */
  public void makeCurrent(String keyId) {
    if (!logKeys.containsKey(keyId)) {
      throw new IllegalArgumentException("key " + keyId + " was never added");
    }
    currentLogKeyId = keyId;
  }

  /** Whether a log of {@code size} leaves has grown enough since the last checkpoint. */
  public boolean due(long size) {
    long last = lastCheckpointSize;
    return last < 0 || size - last >= everyLeaves;
  }

  /**
   * Signs and stores a checkpoint of everything committed to the log, unless the latest checkpoint
   * already covers it.
   *
   * @return the new checkpoint's signed note, if one was written
   */
  public synchronized Optional<SignedNote> checkpoint() {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        long size = JdbcNodeStore.storedSize(connection);
        long last = latestSize(connection);
        lastCheckpointSize = last;
        if (size == 0 || size <= last) {
          connection.rollback();
          return Optional.empty();
        }
        JdbcNodeStore nodes = new JdbcNodeStore(connection, size);
        if (lastSignedRoot != null
            && (size < lastSignedSize
                || !Arrays.equals(MerkleProofs.root(nodes, lastSignedSize), lastSignedRoot))) {
          // The stored log no longer extends what this ledger has already signed: someone
          // rewrote or truncated it. Signing now would lend the real key to the rewritten
          // history, so refuse, loudly.
          throw new IllegalStateException(
              "the Merkle log no longer extends the checkpoint of size "
                  + lastSignedSize
                  + " signed by this service; refusing to sign a rewritten log");
        }
        byte[] root = MerkleProofs.root(nodes, size);
        SignedNote note =
            Checkpoint.of(origin, size, root)
                .sign(List.of(NoteSigner.of(keyFor(connection, size))));
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO log_checkpoint (tree_size, root_hash, note, created_at)"
                    + " VALUES (?, ?, ?, ?)")) {
          insert.setLong(1, size);
          insert.setBytes(2, root);
          insert.setString(3, note.encode());
          insert.setString(4, Instant.now().toString());
          insert.executeUpdate();
        }
        connection.commit();
        lastCheckpointSize = size;
        lastSignedSize = size;
        lastSignedRoot = root;
        return Optional.of(note);
      } catch (SQLException e) {
        connection.rollback();
        if ("23505".equals(e.getSQLState())) {
          // Another node checkpointed the same size first; its checkpoint is as good as ours.
          return Optional.empty();
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write a checkpoint of the Merkle log", e);
    }
  }

  private Ed25519Signer keyFor(Connection connection, long size) throws SQLException {
    String keyId = PublishedKeys.checkpointKeyFor(connection, size);
    if (keyId == null) {
      throw new IllegalStateException(
          "no published checkpoint key is valid for a checkpoint of size " + size);
    }
    Ed25519Signer key = logKeys.get(keyId);
    if (key == null) {
      throw new IllegalStateException(
          "the checkpoint key valid for size "
              + size
              + " is "
              + keyId
              + ", which this service"
              + " does not hold");
    }
    return key;
  }

  private static long latestSize(Connection connection) throws SQLException {
    try (PreparedStatement query =
            connection.prepareStatement("SELECT max(tree_size) FROM log_checkpoint");
        ResultSet row = query.executeQuery()) {
      row.next();
      long size = row.getLong(1);
      return row.wasNull() ? 0 : size;
    }
  }
}
