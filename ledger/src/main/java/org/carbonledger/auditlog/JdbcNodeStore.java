package org.carbonledger.auditlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.carbonledger.chain.merkle.NodeStore;

/**
 * The Merkle log's nodes as stored: level 0 in {@code merkle_leaf}, the complete subtrees above it
 * in {@code merkle_node}. Reads go through one connection, so that a sequencer sees the nodes it
 * has written in its own, not yet committed, transaction.
 */
public final class JdbcNodeStore implements NodeStore {

  private final Connection connection;
  private final long size;

  /**
   * @param size the tree size the caller works with; nodes beyond it are treated as absent even if
   *     a concurrent sequencer has already stored them
   */
  public JdbcNodeStore(Connection connection, long size) {
    this.connection = connection;
    this.size = size;
  }

  /** The number of leaves stored and visible to {@code connection}. */
  public static long storedSize(Connection connection) throws SQLException {
    try (PreparedStatement query =
            connection.prepareStatement("SELECT max(leaf_index) FROM merkle_leaf");
        ResultSet row = query.executeQuery()) {
      row.next();
      long highest = row.getLong(1);
      return row.wasNull() ? 0 : highest + 1;
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public byte[] hash(int level, long index) {
    if (level < 0 || index < 0 || ((index + 1) << level) > size) {
      throw new IllegalArgumentException(
          "no complete subtree at level " + level + ", index " + index + " in size " + size);
    }
    try (PreparedStatement query =
        level == 0
            ? connection.prepareStatement("SELECT leaf_hash FROM merkle_leaf WHERE leaf_index = ?")
            : connection.prepareStatement(
                "SELECT hash FROM merkle_node WHERE tree_level = ? AND node_index = ?")) {
      if (level == 0) {
        query.setLong(1, index);
      } else {
        query.setInt(1, level);
        query.setLong(2, index);
      }
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException(
              "the Merkle log has no node at level " + level + ", index " + index);
        }
        return row.getBytes(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the Merkle log", e);
    }
  }
}
