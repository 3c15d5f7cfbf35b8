package org.carbonledger.audit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import picocli.CommandLine.Option;

/**
 * Where the ledger's database is. The password may come from the environment so that it does not
 * show in the process list.
 */
public final class DatabaseOptions {

  @Option(
      names = "--db",
      required = true,
      paramLabel = "<jdbc url>",
      description = "JDBC URL of the ledger database, e.g. jdbc:postgresql://host:5432/ledger")
  String url;

  @Option(
      names = "--user",
      defaultValue = "${env:LEDGER_DB_USER}",
      description = "Database user (default: $LEDGER_DB_USER)")
  String user;

  @Option(
      names = "--password",
      defaultValue = "${env:LEDGER_DB_PASSWORD}",
      description = "Database password (default: $LEDGER_DB_PASSWORD)")
  String password;

  /**
   * Opens a read-only connection outside auto-commit, so that PostgreSQL streams large results
   * through a cursor instead of loading them whole.
   */
  public Connection openReadOnly() throws SQLException {
    Connection connection = DriverManager.getConnection(url, user, password);
    connection.setAutoCommit(false);
    connection.setReadOnly(true);
    return connection;
  }

  public String url() {
    return url;
  }
}
