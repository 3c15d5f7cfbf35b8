package org.carbonledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.axonframework.common.jdbc.ConnectionProvider;

/**
 * Whether the ledger's database is PostgreSQL (production) or not (H2, the embedded default of a
 * local run, ADR 0002), asked of the first connection and then remembered; and what only PostgreSQL
 * can do.
 */
public final class DatabaseKind {

  private final ConnectionProvider connections;
  private volatile Boolean postgres;

  /**
   * @param connections where to ask, once, not null
   */
  public DatabaseKind(ConnectionProvider connections) {
    this.connections = connections;
  }

  public boolean isPostgres() {
    Boolean known = postgres;
    if (known == null) {
      try (Connection connection = connections.getConnection()) {
        known = isPostgres(connection);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot tell which database holds the ledger", e);
      }
      postgres = known;
    }
    return known;
  }

  /** Whether {@code connection} is to PostgreSQL. */
  public static boolean isPostgres(Connection connection) throws SQLException {
    return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
  }

  /**
   * On PostgreSQL, lets the transaction open on {@code connection} commit before its WAL reaches
   * the disk ({@code SET LOCAL synchronous_commit TO OFF}: for that transaction only); elsewhere
   * nothing. Only for transactions that write what can be derived again (the Merkle log's leaves,
   * the projections: ADR 0005, ADR 0010); commands stay fully durable.
   */
  public void commitAsynchronously(Connection connection) throws SQLException {
    // Asked of this connection if not known yet: borrowing another one inside a transaction could
    // wait forever on a small pool.
    Boolean known = postgres;
    if (known == null) {
      known = isPostgres(connection);
      postgres = known;
    }
    if (known) {
      try (var statement = connection.createStatement()) {
        statement.execute("SET LOCAL synchronous_commit TO OFF");
      }
    }
  }
}
