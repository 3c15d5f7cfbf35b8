package org.carbonledger.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.carbonledger.testsupport.TestPostgres;
import org.postgresql.PGConnection;

/**
 * PostgreSQL's limits on this machine, on one durable server (fsync, synchronous commit and full
 * page writes on, as in production), in the same run as the figures they bound:
 *
 * <ul>
 *   <li>single-row durable commits per second, with 1, 8 and 32 connections each inserting one
 *       event-shaped row and committing, again and again: the ceiling of a command path that
 *       commits once per command (PostgreSQL's group commit lets many connections share a flush);
 *   <li>rows per second in batches: 1,000 rows per JDBC batch and commit, as the event store
 *       writes, and the same rows by {@code COPY}: the ceiling of writing events at all.
 * </ul>
 *
 * <p>Rows go into the event store's own table, created by the ledger's migration {@code
 * V1__event_store.sql} in a fresh schema for every measurement, with its indexes and constraints: a
 * 500-byte {@code bytea} payload, about 100 bytes of metadata, identifiers and a time stamp.
 *
 * <p>The server is started by {@link TestPostgres#startDurable()}, which the other benchmarks use
 * too; this checks that durability is really on and refuses to measure otherwise. It prints a table
 * and writes {@code target/bench/parts/postgres-limits.json}.
 *
 * <p>Usage: {@code PostgresLimits [seconds per measurement, default 10] [warm-up seconds, default
 * 2]}.
 */
public final class PostgresLimits {

  private static final String INSERT =
      "INSERT INTO domain_event_entry (event_identifier, aggregate_identifier, sequence_number,"
          + " aggregate_type, time_stamp, payload_type, payload_revision, payload, meta_data)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String COPY =
      "COPY domain_event_entry (event_identifier, aggregate_identifier, sequence_number,"
          + " aggregate_type, time_stamp, payload_type, payload_revision, payload, meta_data)"
          + " FROM STDIN WITH (FORMAT csv)";
  private static final String PAYLOAD_TYPE =
      "org.carbonledger.credits.BatchEvent$CreditsTransferred";
  private static final int PAYLOAD_BYTES = 500;
  private static final int META_BYTES = 100;
  private static final int BATCH_ROWS = 1_000;
  private static final int[] CONNECTIONS = {1, 8, 32};

  private final TestPostgres postgres;
  private final String ddl;
  private final double seconds;
  private final double warmUp;
  private final byte[] payload;
  private final byte[] meta;

  private PostgresLimits(TestPostgres postgres, String ddl, double seconds, double warmUp) {
    this.postgres = postgres;
    this.ddl = ddl;
    this.seconds = seconds;
    this.warmUp = warmUp;
    Random random = new Random(11);
    payload = new byte[PAYLOAD_BYTES];
    random.nextBytes(payload);
    meta = new byte[META_BYTES];
    random.nextBytes(meta);
  }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    double warmUp = args.length > 1 ? Double.parseDouble(args[1]) : 2;
    String ddl;
    try (InputStream in =
        PostgresLimits.class.getResourceAsStream("/db/migration/V1__event_store.sql")) {
      if (in == null) {
        throw new IllegalStateException(
            "the ledger's V1__event_store.sql is not on the class path");
      }
      ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    TestPostgres postgres = TestPostgres.startDurable();
    PostgresLimits limits = new PostgresLimits(postgres, ddl, seconds, warmUp);
    Map<String, String> settings = limits.settings();
    System.out.println("PostgreSQL " + settings);
    for (String durable : List.of("fsync", "synchronous_commit", "full_page_writes")) {
      if (!"on".equals(settings.get(durable))) {
        throw new IllegalStateException(
            durable + " is " + settings.get(durable) + ": these limits are for a durable server");
      }
    }

    Part part = new Part("postgres-limits");
    part.root().put("secondsPerMeasurement", seconds);
    part.root().put("warmUpSeconds", warmUp);
    part.root().put("server", settings.get("server_version"));
    part.root().put("walSyncMethod", settings.get("wal_sync_method"));
    part.root().put("cores", Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-44s %14s %10s %10s%n",
        "PostgreSQL limit (durable)",
        "rate",
        "p50 ms",
        "p99 ms");
    for (int connections : CONNECTIONS) {
      Result result = limits.singleRowCommits(connections);
      String name =
          "pg.commit." + connections + (connections == 1 ? "_connection" : "_connections");
      print(name, result, "commits/s");
      part.figure(
              name + ".commits_per_s",
              result.rate,
              "commits/s",
              null,
              null,
              String.format(
                  Locale.ROOT,
                  "INSERT of one event row + COMMIT, %d connection(s); latency p50 %.2f ms,"
                      + " p99 %.2f ms",
                  connections,
                  result.p50Millis,
                  result.p99Millis))
          .put("p50Millis", result.p50Millis)
          .put("p99Millis", result.p99Millis);
    }
    Result batched = limits.batchedRows(false);
    print("pg.batch.jdbc_1000", batched, "rows/s");
    part.figure(
        "pg.batch.jdbc_1000.rows_per_s",
        batched.rate,
        "rows/s",
        null,
        null,
        "one connection, JDBC batches of 1,000 event rows, one COMMIT each, as the event store"
            + " writes");
    Result copied = limits.batchedRows(true);
    print("pg.batch.copy_1000", copied, "rows/s");
    part.figure(
        "pg.batch.copy_1000.rows_per_s",
        copied.rate,
        "rows/s",
        null,
        null,
        "one connection, COPY of 1,000 event rows (CSV), one COMMIT each");
    Path file = part.write(Part.DIRECTORY);
    System.out.println("figures written to " + file);
    // TestPostgres's shutdown hook stops and deletes the server.
    System.exit(0);
  }

  private static void print(String name, Result result, String unit) {
    System.out.printf(
        Locale.ROOT,
        "%-44s %,14.0f %10.2f %10.2f  %s%n",
        name,
        result.rate,
        result.p50Millis,
        result.p99Millis,
        unit);
  }

  /** A rate and the latencies of the units it counted (a commit, or a batch and its commit). */
  private record Result(double rate, double p50Millis, double p99Millis) {}

  private Map<String, String> settings() throws SQLException {
    Map<String, String> settings = new LinkedHashMap<>();
    try (Connection connection =
            DriverManager.getConnection(
                postgres.newSchema("settings"), postgres.user(), postgres.password());
        Statement sql = connection.createStatement()) {
      for (String name :
          List.of(
              "server_version",
              "fsync",
              "synchronous_commit",
              "full_page_writes",
              "wal_sync_method",
              "commit_delay")) {
        try (ResultSet row = sql.executeQuery("SHOW " + name)) {
          row.next();
          settings.put(name, row.getString(1));
        }
      }
    }
    return settings;
  }

  /** A fresh schema holding an empty event store table; returns its URL. */
  private String freshTable(String hint) throws SQLException {
    String url = postgres.newSchema(hint);
    try (Connection connection = connect(url);
        Statement sql = connection.createStatement()) {
      sql.execute(ddl);
    }
    return url;
  }

  private Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, postgres.user(), postgres.password());
  }

  /** Each connection inserts one row and commits, again and again, for the measured time. */
  private Result singleRowCommits(int connections) throws Exception {
    String url = freshTable("commit_" + connections);
    // All connections are open when the clock starts; the barrier's action sets one window for
    // all, and await() publishes it to every thread.
    long[] window = new long[2];
    CyclicBarrier start =
        new CyclicBarrier(
            connections,
            () -> {
              window[0] = System.nanoTime() + (long) (warmUp * 1e9);
              window[1] = window[0] + (long) (seconds * 1e9);
            });
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    List<Future<long[]>> work = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int client = c;
      work.add(
          pool.submit(
              () -> {
                try (Connection connection = connect(url);
                    PreparedStatement insert = connection.prepareStatement(INSERT)) {
                  connection.setAutoCommit(false);
                  long[] latencies = new long[1 << 12];
                  int count = 0;
                  long sequence = 0;
                  start.await();
                  long measureFrom = window[0];
                  long until = window[1];
                  while (true) {
                    long before = System.nanoTime();
                    if (before >= until) {
                      break;
                    }
                    bind(insert, "c" + client, sequence++);
                    insert.executeUpdate();
                    connection.commit();
                    long after = System.nanoTime();
                    if (before >= measureFrom && after <= until) {
                      if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                      }
                      latencies[count++] = after - before;
                    }
                  }
                  return Arrays.copyOf(latencies, count);
                }
              }));
    }
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> done : work) {
      all.add(done.get());
    }
    pool.shutdown();
    long total = all.stream().mapToLong(latencies -> latencies.length).sum();
    long[] merged = new long[(int) total];
    int at = 0;
    for (long[] latencies : all) {
      System.arraycopy(latencies, 0, merged, at, latencies.length);
      at += latencies.length;
    }
    return result(total, (window[1] - window[0]) / 1e9, merged);
  }

  /** One connection writes batches of {@value #BATCH_ROWS} rows, one commit each. */
  private Result batchedRows(boolean copy) throws Exception {
    String url = freshTable(copy ? "copy" : "batch");
    try (Connection connection = connect(url);
        PreparedStatement insert = connection.prepareStatement(INSERT)) {
      connection.setAutoCommit(false);
      long[] latencies = new long[1 << 10];
      int batches = 0;
      long sequence = 0;
      long began = System.nanoTime();
      long measureFrom = began + (long) (warmUp * 1e9);
      long until = measureFrom + (long) (seconds * 1e9);
      long rows = 0;
      long measuredFrom = -1;
      long measuredUntil = -1;
      while (true) {
        long before = System.nanoTime();
        if (before >= until) {
          break;
        }
        if (copy) {
          copyBatch(connection, sequence);
        } else {
          for (int i = 0; i < BATCH_ROWS; i++) {
            bind(insert, "b", sequence + i);
            insert.addBatch();
          }
          insert.executeBatch();
        }
        connection.commit();
        sequence += BATCH_ROWS;
        long after = System.nanoTime();
        // Whole batches only: the rate is rows over the time of the batches counted.
        if (before >= measureFrom) {
          if (measuredFrom < 0) {
            measuredFrom = before;
          }
          measuredUntil = after;
          rows += BATCH_ROWS;
          if (batches == latencies.length) {
            latencies = Arrays.copyOf(latencies, batches * 2);
          }
          latencies[batches++] = after - before;
        }
      }
      if (batches == 0) {
        throw new IllegalStateException("no batch finished in the measured time");
      }
      return result(rows, (measuredUntil - measuredFrom) / 1e9, Arrays.copyOf(latencies, batches));
    }
  }

  private void bind(PreparedStatement insert, String stream, long sequence) throws SQLException {
    insert.setString(1, stream + "-" + sequence + "-" + System.nanoTime());
    insert.setString(2, "batch-" + stream);
    insert.setLong(3, sequence);
    insert.setString(4, "Batch");
    insert.setString(5, Instant.now().toString());
    insert.setString(6, PAYLOAD_TYPE);
    insert.setString(7, null);
    insert.setBytes(8, payload);
    insert.setBytes(9, meta);
  }

  private void copyBatch(Connection connection, long sequence) throws SQLException, IOException {
    String payloadHex = "\\x" + HexFormat.of().formatHex(payload);
    String metaHex = "\\x" + HexFormat.of().formatHex(meta);
    StringBuilder csv = new StringBuilder(BATCH_ROWS * (PAYLOAD_BYTES * 2 + META_BYTES * 2 + 200));
    String now = Instant.now().toString();
    for (int i = 0; i < BATCH_ROWS; i++) {
      long n = sequence + i;
      csv.append("c-")
          .append(n)
          .append('-')
          .append(System.nanoTime())
          .append(",batch-c,")
          .append(n)
          .append(",Batch,")
          .append(now)
          .append(',')
          .append(PAYLOAD_TYPE)
          .append(",,")
          .append(payloadHex)
          .append(',')
          .append(metaHex)
          .append('\n');
    }
    byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
    connection
        .unwrap(PGConnection.class)
        .getCopyAPI()
        .copyIn(COPY, new ByteArrayInputStream(bytes));
  }

  private static Result result(long units, double seconds, long[] latencies) {
    Arrays.sort(latencies);
    return new Result(
        units / seconds, percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
