package org.carbonledger.auditlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.carbonledger.chain.Ed25519Signer;

/**
 * Publishes the ledger's public keys in {@code ledger_key}, where verifiers find them with the leaf
 * range in which each is valid.
 */
public final class PublishedKeys {

  private PublishedKeys() {}

  /**
   * Records the identity's keys if they are not recorded yet. A key first seen on a log that
   * already has leaves becomes valid from the next leaf on.
   */
  public static void publish(DataSource dataSource, LedgerIdentity identity) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      long from = JdbcNodeStore.storedSize(connection);
      publish(connection, identity.entryKey(), "entry", from);
      publish(connection, identity.logKey(), "checkpoint", from);
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot publish the ledger's keys", e);
    }
  }

  private static void publish(Connection connection, Ed25519Signer key, String purpose, long from)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT 1 FROM ledger_key WHERE key_id = ?")) {
      query.setString(1, key.keyId());
      try (ResultSet row = query.executeQuery()) {
        if (row.next()) {
          return;
        }
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO ledger_key (key_id, key_name, purpose, public_key, valid_from)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, key.keyId());
      insert.setString(2, key.keyName());
      insert.setString(3, purpose);
      insert.setBytes(4, key.publicKey());
      insert.setLong(5, from);
      insert.executeUpdate();
    }
  }
}
