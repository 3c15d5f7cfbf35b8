package benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the benchmark's own PostgreSQL did during a measurement: commits, WAL flushes and the time
 * they took ({@code pg_stat_database}, {@code pg_stat_wal} with {@code track_wal_io_timing}), and,
 * when asked, what the busy backends were waiting on, sampled from {@code pg_stat_activity} every
 * few milliseconds. Commits per WAL flush show how much group commit helps; the waits show whether
 * the server's time goes to fsync ({@code IO:WALSync}, {@code LWLock:WALWrite}), locks or CPU.
 */
final class PostgresActivity {

  /** Counters at one moment. */
  record Counters(
      long commits, long walSyncs, double walSyncMillis, long walBytes, double cpuSeconds) {

    Counters minus(Counters before) {
      return new Counters(
          commits - before.commits,
          walSyncs - before.walSyncs,
          walSyncMillis - before.walSyncMillis,
          walBytes - before.walBytes,
          cpuSeconds - before.cpuSeconds);
    }

    String describe(long items, String item) {
      return String.format(
          Locale.ROOT,
          "%,d commits, %,d WAL flushes (%.1f commits each, %.2f ms each), %.1f kB WAL per %s,"
              + " server CPU %.3f ms per %s",
          commits,
          walSyncs,
          walSyncs == 0 ? 0.0 : (double) commits / walSyncs,
          walSyncs == 0 ? 0.0 : walSyncMillis / walSyncs,
          items == 0 ? 0.0 : walBytes / 1024.0 / items,
          item,
          items == 0 ? 0.0 : 1000 * cpuSeconds / items,
          item);
    }
  }

  private final String url;
  private final String user;
  private final String password;

  PostgresActivity(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** Turns on the timing of WAL flushes; needs a superuser, which the benchmark's server has. */
  void enableWalTiming() {
    try (Connection connection = connect();
        Statement sql = connection.createStatement()) {
      sql.execute("ALTER SYSTEM SET track_wal_io_timing = on");
      sql.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      System.err.println("[bench] cannot turn on track_wal_io_timing: " + e.getMessage());
    }
  }

  /**
   * Gathers the planner's statistics for every table of the benchmark's schema, as autovacuum does
   * for a database in service, and waits for it.
   *
   * <p>Each measurement starts on a new schema whose tables grow from nothing while it runs.
   * PostgreSQL's server-side prepared statements switch to a generic plan after five executions,
   * and a generic plan made while a table held a few hundred rows scans the whole table: cheap
   * then, but kept until the table's statistics change, while the table grows tenfold. Autovacuum
   * first analyzes a new table up to a minute after it fills ({@code autovacuum_naptime}), so
   * without this the service's processors spent the first minute of a run reading whole tables (the
   * Merkle sequencer's entry query took 43 ms instead of 0.3 ms), and what the measurement saw
   * depended on when autovacuum came round. A registry in service has statistics; after its
   * warm-up, the benchmark's schema has them too. Set {@code bench.analyze=false} to see a new
   * database's first minute instead.
   */
  void analyze() {
    if (!Boolean.parseBoolean(System.getProperty("bench.analyze", "true"))) {
      return;
    }
    try (Connection connection = connect();
        Statement sql = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rows =
          sql.executeQuery(
              "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
                  + " WHERE schemaname = current_schema()")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      for (String table : tables) {
        sql.execute("ANALYZE " + table);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot analyze the benchmark's tables", e);
    }
  }

  Counters counters() {
    try (Connection connection = connect();
        Statement sql = connection.createStatement()) {
      double cpu = 0;
      try (ResultSet pids = sql.executeQuery("SELECT pid FROM pg_stat_activity")) {
        while (pids.next()) {
          cpu += cpuSeconds(pids.getInt(1));
        }
      }
      try (ResultSet row =
          sql.executeQuery(
              "SELECT (SELECT sum(xact_commit) FROM pg_stat_database),"
                  + " wal_sync, wal_sync_time, wal_bytes FROM pg_stat_wal")) {
        row.next();
        return new Counters(row.getLong(1), row.getLong(2), row.getDouble(3), row.getLong(4), cpu);
      }
    } catch (SQLException e) {
      return new Counters(0, 0, 0, 0, 0);
    }
  }

  /**
   * The CPU time of one of the server's processes (backends, WAL writer, ...), from /proc: this
   * benchmark's server runs on this machine. Processes that exit between two readings drop out.
   */
  private static double cpuSeconds(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "(comm) ".
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Samples what active client backends wait on, until {@link WaitSampler#stop}. */
  WaitSampler sampleWaits(long intervalMillis) {
    WaitSampler sampler = new WaitSampler(intervalMillis);
    Thread thread = new Thread(sampler, "bench-pg-waits");
    thread.setDaemon(true);
    thread.start();
    return sampler;
  }

  final class WaitSampler implements Runnable {
    private final long intervalMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Long> counts = new HashMap<>();
    private long samples;
    private long backends;

    WaitSampler(long intervalMillis) {
      this.intervalMillis = intervalMillis;
    }

    @Override
    public void run() {
      try (Connection connection = connect();
          Statement sql = connection.createStatement()) {
        while (running.get()) {
          try (ResultSet rows =
              sql.executeQuery(
                  "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU (no wait)')"
                      + " FROM pg_stat_activity WHERE backend_type = 'client backend'"
                      + " AND state = 'active' AND pid <> pg_backend_pid()")) {
            synchronized (this) {
              samples++;
              while (rows.next()) {
                backends++;
                counts.merge(rows.getString(1), 1L, Long::sum);
              }
            }
          }
          Thread.sleep(intervalMillis);
        }
      } catch (SQLException | InterruptedException e) {
        // The server went away or the run ended: what was sampled stands.
      }
    }

    /** Stops sampling and prints the waits of active backends, most frequent first. */
    synchronized void stopAndPrint(String title) {
      running.set(false);
      System.out.printf(
          Locale.ROOT,
          "  PostgreSQL %s: %,d samples, %.1f active client backends on average%n",
          title,
          samples,
          samples == 0 ? 0.0 : (double) backends / samples);
      long all = backends;
      counts.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(8)
          .forEach(
              e ->
                  System.out.printf(
                      Locale.ROOT,
                      "    %-40s %5.1f%%%n",
                      e.getKey(),
                      100.0 * e.getValue() / Math.max(1, all)));
    }
  }

  /**
   * Whether the server tracks statements ({@code -Dbench.pgstatements=true}, see {@code
   * TestPostgres}); if so, forgets what it has counted so far, so that {@link #printStatements}
   * shows one measurement.
   */
  boolean resetStatements() {
    if (!Boolean.getBoolean("bench.pgstatements")) {
      return false;
    }
    try (Connection connection = connect();
        Statement sql = connection.createStatement()) {
      sql.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      sql.execute("SELECT pg_stat_statements_reset()");
      return true;
    } catch (SQLException e) {
      System.err.println("[bench] cannot read pg_stat_statements: " + e.getMessage());
      return false;
    }
  }

  /**
   * Prints the statements that took the most of the server's time since {@link #resetStatements},
   * per item of work (a transfer, an event): their calls, rows, execution time (planning not
   * included), buffers touched and WAL written.
   */
  void printStatements(long items, String item, int top) {
    try (Connection connection = connect();
        Statement sql = connection.createStatement();
        ResultSet rows =
            sql.executeQuery(
                "SELECT calls, rows, total_exec_time, shared_blks_hit + shared_blks_read,"
                    + " wal_bytes, regexp_replace(query, '\\s+', ' ', 'g')"
                    + " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT "
                    + top)) {
      System.out.printf(
          Locale.ROOT,
          "  statements by execution time, per %s (%,d %ss):%n    %8s %8s %8s %8s %8s  %s%n",
          item,
          items,
          item,
          "calls",
          "rows",
          "µs",
          "blocks",
          "WAL B",
          "statement");
      double per = Math.max(1, items);
      while (rows.next()) {
        String query = rows.getString(6);
        System.out.printf(
            Locale.ROOT,
            "    %8.3f %8.3f %8.1f %8.1f %8.0f  %s%n",
            rows.getLong(1) / per,
            rows.getLong(2) / per,
            1000 * rows.getDouble(3) / per,
            rows.getLong(4) / per,
            rows.getDouble(5) / per,
            query.length() > 110 ? query.substring(0, 110) + "..." : query);
      }
    } catch (SQLException e) {
      System.err.println("[bench] cannot read pg_stat_statements: " + e.getMessage());
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }
}
