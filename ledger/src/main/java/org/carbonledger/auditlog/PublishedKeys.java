package org.carbonledger.auditlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.carbonledger.auditlog.SigningKeysEvent.SigningKeyRotated;
import org.carbonledger.chain.Ed25519Signer;

/**
 * The ledger's public keys in {@code ledger_key}, where verifiers find them with the leaf range in
 * which each is valid.
 *
 * <p>The table is a convenience, not the authority: the first keys are the ledger's trust anchor,
 * and every later key is introduced by a signed and logged {@link SigningKeyRotated} event, from
 * which a verifier derives the same ranges on its own and compares them with this table.
 */
public final class PublishedKeys {

  private PublishedKeys() {}

  /**
   * The current key id of each purpose: the key that no other key has replaced. Empty for a ledger
   * that has not published its first keys yet.
   */
  public static Map<KeyPurpose, String> current(DataSource dataSource) {
    Map<KeyPurpose, String> current = new EnumMap<>(KeyPurpose.class);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT k.purpose, k.key_id FROM ledger_key k WHERE NOT EXISTS"
                    + " (SELECT 1 FROM ledger_key n WHERE n.retires_key_id = k.key_id)");
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        KeyPurpose purpose = KeyPurpose.ofColumn(rows.getString(1));
        String previous = current.put(purpose, rows.getString(2));
        if (previous != null) {
          throw new IllegalStateException(
              "ledger_key lists two current "
                  + purpose.column()
                  + " keys, "
                  + previous
                  + " and "
                  + rows.getString(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the ledger's published keys", e);
    }
    return current;
  }

  /**
   * Publishes the ledger's first keys, valid from the first leaf. Only an empty ledger may do so: a
   * ledger that has keys gets new ones by rotation alone.
   *
   * @throws IllegalStateException if the ledger already holds events or keys
   */
  public static void publishFirst(DataSource dataSource, LedgerIdentity identity) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        if (count(connection, "SELECT count(*) FROM ledger_key") > 0
            || count(connection, "SELECT count(*) FROM chain_entry") > 0) {
          throw new IllegalStateException(
              "the ledger already has keys or entries; new keys come only by rotation");
        }
        insertFirst(connection, identity.entryKey(), KeyPurpose.ENTRY);
        insertFirst(connection, identity.logKey(), KeyPurpose.CHECKPOINT);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot publish the ledger's keys", e);
    }
  }

  /**
   * Publishes a rotated-in key in the transaction that stores its rotation event. Its validity
   * starts once the event has a leaf ({@link #markLogged}).
   */
  static void recordRotation(Connection connection, SigningKeyRotated rotated, String eventId)
      throws SQLException {
    insert(
        connection,
        rotated.keyId(),
        rotated.keyName(),
        rotated.purpose(),
        Base64.getDecoder().decode(rotated.publicKey()),
        null,
        rotated.retiredKeyId(),
        eventId);
  }

  /**
   * Fixes the validity of the keys a rotation event swaps, now that the event sits at {@code
   * leafIndex}: the retired key signs up to and including that leaf, the new key from the next one
   * on. Does nothing for an event that introduced no key.
   */
  static void markLogged(Connection connection, String eventId, long leafIndex)
      throws SQLException {
    try (PreparedStatement retire =
            connection.prepareStatement(
                "UPDATE ledger_key SET valid_until = ? WHERE key_id ="
                    + " (SELECT retires_key_id FROM ledger_key WHERE introduced_by = ?)");
        PreparedStatement start =
            connection.prepareStatement(
                "UPDATE ledger_key SET valid_from = ? WHERE introduced_by = ?")) {
      retire.setLong(1, leafIndex + 1);
      retire.setString(2, eventId);
      retire.executeUpdate();
      start.setLong(1, leafIndex + 1);
      start.setString(2, eventId);
      start.executeUpdate();
    }
  }

  /**
   * The key id of the checkpoint key valid for a checkpoint of {@code size} leaves: the key valid
   * at its last leaf, {@code size - 1}.
   *
   * @return the key id, or null if no published key covers that leaf
   */
  static String checkpointKeyFor(Connection connection, long size) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT key_id FROM ledger_key WHERE purpose = ? AND valid_from IS NOT NULL"
                + " AND valid_from <= ? AND (valid_until IS NULL OR valid_until > ?)")) {
      query.setString(1, KeyPurpose.CHECKPOINT.column());
      query.setLong(2, size - 1);
      query.setLong(3, size - 1);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? row.getString(1) : null;
      }
    }
  }

  private static void insertFirst(Connection connection, Ed25519Signer key, KeyPurpose purpose)
      throws SQLException {
    insert(connection, key.keyId(), key.keyName(), purpose, key.publicKey(), 0L, null, null);
  }

  private static void insert(
      Connection connection,
      String keyId,
      String keyName,
      KeyPurpose purpose,
      byte[] publicKey,
      Long validFrom,
      String retires,
      String introducedBy)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO ledger_key (key_id, key_name, purpose, public_key, valid_from,"
                + " retires_key_id, introduced_by) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, keyId);
      insert.setString(2, keyName);
      insert.setString(3, purpose.column());
      insert.setBytes(4, publicKey);
      if (validFrom == null) {
        insert.setNull(5, Types.BIGINT);
      } else {
        insert.setLong(5, validFrom);
      }
      insert.setString(6, retires);
      insert.setString(7, introducedBy);
      insert.executeUpdate();
    }
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql);
        ResultSet row = query.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }
}
