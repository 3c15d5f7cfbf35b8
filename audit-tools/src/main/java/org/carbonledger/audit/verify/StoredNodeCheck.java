package org.carbonledger.audit.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.merkle.NodeStore;

/**
 * Compares the stored interior nodes ({@code merkle_node}) with the nodes recomputed from the
 * leaves, in the order the leaves complete them, through a second streaming cursor: the service
 * builds the inclusion and consistency proofs it serves from these rows, so a wrong row would make
 * honest certificates fail, or a forged one pass a careless check.
 */
final class StoredNodeCheck implements CompactRange.NodeSink {

  private final List<Finding> findings;
  private final PreparedStatement query;
  private final ResultSet stored;
  private final Map<String, Integer> reported = new HashMap<>();
  private boolean storedHasRow;

  StoredNodeCheck(Connection connection, List<Finding> findings) throws SQLException {
    this.findings = findings;
    // A node of level L and index i is completed by leaf (i + 1) * 2^L - 1; nodes completed by
    // the same leaf come lowest level first.
    this.query =
        connection.prepareStatement(
            "SELECT tree_level, node_index, hash FROM merkle_node"
                + " ORDER BY (node_index + 1) * CAST(POWER(2, tree_level) AS BIGINT), tree_level");
    query.setFetchSize(DatabaseVerifier.FETCH_SIZE);
    this.stored = query.executeQuery();
    this.storedHasRow = stored.next();
  }

  @Override
  public void node(int level, long index, byte[] hash) {
    try {
      while (storedHasRow && before(stored.getInt(1), stored.getLong(2), level, index)) {
        report(
            "MERKLE_NODE_UNEXPECTED",
            stored.getInt(1),
            stored.getLong(2),
            "a stored node that no leaf completes");
        storedHasRow = stored.next();
      }
      if (!storedHasRow || stored.getInt(1) != level || stored.getLong(2) != index) {
        report("MERKLE_NODE_MISSING", level, index, "the node is not stored");
        return;
      }
      if (!Arrays.equals(stored.getBytes(3), hash)) {
        report(
            "MERKLE_NODE_ALTERED",
            level,
            index,
            "stored " + Hashing.hex(stored.getBytes(3)) + ", recomputed " + Hashing.hex(hash));
      }
      storedHasRow = stored.next();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read merkle_node", e);
    }
  }

  /** Reports stored nodes no leaf completed, and closes the cursor. */
  void finish() throws SQLException {
    try {
      while (storedHasRow) {
        report(
            "MERKLE_NODE_UNEXPECTED",
            stored.getInt(1),
            stored.getLong(2),
            "a stored node beyond the leaves of the log");
        storedHasRow = stored.next();
      }
    } finally {
      stored.close();
      query.close();
    }
  }

  private static boolean before(int level, long index, int otherLevel, long otherIndex) {
    long completedBy = (index + 1) << level;
    long otherCompletedBy = (otherIndex + 1) << otherLevel;
    return completedBy < otherCompletedBy
        || (completedBy == otherCompletedBy && level < otherLevel);
  }

  private void report(String kind, int level, long index, String message) {
    int count = reported.merge(kind, 1, Integer::sum);
    if (count <= DatabaseVerifier.MAX_NODE_FINDINGS) {
      findings.add(
          new Finding(
              kind,
              null,
              null,
              null,
              "merkle_node",
              "tree_level " + level + ", node_index " + index,
              count == DatabaseVerifier.MAX_NODE_FINDINGS
                  ? message + " (further " + kind + " findings are not listed)"
                  : message));
    }
  }

  /**
   * The stored tree of the first {@code size} leaves, as the service reads it to build proofs:
   * leaves from {@code merkle_leaf}, interior nodes from {@code merkle_node}.
   */
  static final class Store implements NodeStore {
    private final Connection connection;
    private final long size;

    Store(Connection connection, long size) {
      this.connection = connection;
      this.size = size;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public byte[] hash(int level, long index) {
      String sql =
          level == 0
              ? "SELECT leaf_hash FROM merkle_leaf WHERE leaf_index = ?"
              : "SELECT hash FROM merkle_node WHERE tree_level = ? AND node_index = ?";
      try (PreparedStatement lookup = connection.prepareStatement(sql)) {
        if (level == 0) {
          lookup.setLong(1, index);
        } else {
          lookup.setInt(1, level);
          lookup.setLong(2, index);
        }
        try (ResultSet row = lookup.executeQuery()) {
          if (!row.next()) {
            throw new IllegalStateException(
                "the stored tree lacks node " + level + "/" + index + " of a proof");
          }
          return row.getBytes(1);
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read the stored tree", e);
      }
    }
  }
}
