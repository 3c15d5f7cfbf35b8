package org.carbonledger.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * A real PostgreSQL for integration tests: the one named by {@code LEDGER_TEST_DB_URL}, or else a
 * throw-away server that this class starts from the machine's PostgreSQL binaries and stops and
 * deletes when the test JVM exits, whether the tests passed or not.
 *
 * <p>Every test class gets a schema of its own ({@link #newSchema}), so classes never see each
 * other's rows and no test depends on the order they run in.
 *
 * <p>This never skips a test. If no PostgreSQL can be found or started it throws with the reason,
 * because a green build that silently skipped its database tests would prove nothing.
 *
 * <p>Environment:
 *
 * <ul>
 *   <li>{@code LEDGER_TEST_DB_URL}, {@code LEDGER_TEST_DB_USER}, {@code LEDGER_TEST_DB_PASSWORD}:
 *       use this database instead of starting one. The user must be allowed to create schemas.
 *   <li>{@code LEDGER_PG_BIN}: the folder holding {@code initdb} and {@code pg_ctl}; by default the
 *       newest {@code /usr/lib/postgresql/N/bin}.
 * </ul>
 */
public final class TestPostgres {

  /** The name of the directories this class creates, so that leftovers can be found. */
  public static final String DIRECTORY_PREFIX = "ledger-test-pg-";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static TestPostgres instance;

  private final String baseUrl;
  private final String user;
  private final String password;

  private TestPostgres(String baseUrl, String user, String password) {
    this.baseUrl = baseUrl;
    this.user = user;
    this.password = password;
  }

  /** The PostgreSQL of this test JVM, started on first use. */
  public static synchronized TestPostgres get() {
    if (instance == null) {
      String url = System.getenv("LEDGER_TEST_DB_URL");
      instance =
          url != null && !url.isBlank()
              ? new TestPostgres(
                  url,
                  envOr("LEDGER_TEST_DB_USER", "postgres"),
                  envOr("LEDGER_TEST_DB_PASSWORD", ""))
              : LocalServer.start(false);
    }
    return instance;
  }

  /**
   * A server of its own with durability on ({@code fsync}, synchronous commit, full page writes),
   * as production runs, for benchmarks; stopped when the JVM exits. Not for tests, which use the
   * faster {@link #get()}.
   */
  public static TestPostgres startDurable() {
    return LocalServer.start(true);
  }

  /**
   * With {@code -Dbench.pgstatements=true}, a benchmark's (durable) server loads {@code
   * pg_stat_statements} so that the benchmark can print which statements took PostgreSQL's time.
   * Off by default: it costs a little on every statement.
   */
  private static String statementStatistics(boolean durable) {
    return durable && Boolean.getBoolean("bench.pgstatements")
        ? " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
            + " -c track_io_timing=on"
        : "";
  }

  /**
   * With {@code -Dbench.pgoptions=log_min_duration_statement=20,log_checkpoints=on}, a benchmark's
   * (durable) server also takes these settings, separated by commas (the benchmark scripts split
   * their Java options at spaces): to log what it did at the moment a benchmark saw a stall. The
   * server's log is the file {@code server.log} in the folder it prints at start.
   */
  private static String benchmarkOptions(boolean durable) {
    String options = System.getProperty("bench.pgoptions", "").trim();
    if (!durable || options.isEmpty()) {
      return "";
    }
    StringBuilder settings = new StringBuilder();
    for (String setting : options.split(",")) {
      settings.append(" -c ").append(setting.trim());
    }
    return settings.toString();
  }

  /**
   * Creates an empty schema with a unique name and returns a JDBC URL whose connections use it as
   * their search path.
   */
  public String newSchema(String hint) {
    String schema =
        (hint.replaceAll("[^A-Za-z0-9]", "_")
                + "_"
                + SCHEMAS.incrementAndGet()
                + "_"
                + ProcessHandle.current().pid())
            .toLowerCase(Locale.ROOT);
    try (Connection connection = DriverManager.getConnection(baseUrl, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test schema " + schema + " at " + baseUrl, e);
    }
    return withParameter(baseUrl, "currentSchema=" + schema);
  }

  /**
   * The migrations PostgreSQL runs: those both databases share, then PostgreSQL's own, as the
   * service's {@code spring.flyway.locations} resolves them.
   */
  public static final String[] MIGRATIONS = {
    "classpath:db/migration", "classpath:db/vendor/postgresql"
  };

  /**
   * {@link #newSchema} with the ledger's migrations applied, as the service's Flyway applies them.
   */
  public String newMigratedSchema(String hint) {
    String url = newSchema(hint);
    Flyway.configure().dataSource(url, user, password).locations(MIGRATIONS).load().migrate();
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  private static String withParameter(String url, String parameter) {
    return url + (url.contains("?") ? "&" : "?") + parameter;
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }

  /** A server of our own in a temporary directory, owned by the postgres user when root. */
  private static final class LocalServer {

    private static final String SUPERUSER = "ledger";

    static TestPostgres start(boolean durable) {
      Path bin = findBinaries();
      boolean root = "root".equals(System.getProperty("user.name"));
      try {
        Path base = Files.createTempDirectory(DIRECTORY_PREFIX);
        Path data = base.resolve("data");
        Path log = base.resolve("server.log");
        if (root) {
          // initdb refuses to run as root, so the cluster belongs to the postgres user, who
          // must be able to enter the directory.
          Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
          UserPrincipal postgres =
              base.getFileSystem()
                  .getUserPrincipalLookupService()
                  .lookupPrincipalByName("postgres");
          Files.setOwner(base, postgres);
        }
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> stop(bin, base, data, root), "stop-test-postgres"));

        run(
            root,
            base,
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync");
        int port = freePort();
        // Durability is relaxed for tests, whose databases live for one run; benchmarks keep it.
        String durability =
            durable
                ? " -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
                : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        String options =
            "-p "
                + port
                + " -k "
                + base
                + " -c listen_addresses=127.0.0.1 -c max_connections=200"
                + durability
                + statementStatistics(durable)
                + benchmarkOptions(durable);
        run(
            root,
            base,
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            log.toString(),
            "-o",
            options,
            "-w",
            "-t",
            Long.toString(START_TIMEOUT.toSeconds()),
            "start");
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        System.out.println("[TestPostgres] started " + url + " in " + base);
        return new TestPostgres(url, SUPERUSER, "");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start a test PostgreSQL from " + bin, e);
      }
    }

    private static Path findBinaries() {
      String configured = System.getenv("LEDGER_PG_BIN");
      if (configured != null && !configured.isBlank()) {
        return Path.of(configured);
      }
      Path debian = Path.of("/usr/lib/postgresql");
      Optional<Path> newest = Optional.empty();
      if (Files.isDirectory(debian)) {
        try (Stream<Path> versions = Files.list(debian)) {
          newest =
              versions
                  .map(version -> version.resolve("bin"))
                  .filter(binDir -> Files.isExecutable(binDir.resolve("initdb")))
                  .max(Comparator.comparingInt(LocalServer::majorVersion));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return newest.orElseThrow(
          () ->
              new IllegalStateException(
                  "No PostgreSQL server binaries found under /usr/lib/postgresql. Install the"
                      + " Debian package 'postgresql', set LEDGER_PG_BIN to the folder holding"
                      + " initdb and pg_ctl, or set LEDGER_TEST_DB_URL to a running database."));
    }

    private static int majorVersion(Path binDir) {
      try {
        return Integer.parseInt(binDir.getParent().getFileName().toString());
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      }
    }

    private static void stop(Path bin, Path base, Path data, boolean root) {
      try {
        if (Files.exists(data.resolve("postmaster.pid"))) {
          run(
              root,
              base,
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-m",
              "immediate",
              "-w",
              "stop");
        }
      } catch (RuntimeException | IOException e) {
        System.err.println("[TestPostgres] could not stop the server in " + base + ": " + e);
      } finally {
        deleteRecursively(base);
      }
    }

    private static void run(boolean root, Path workDir, String... command) throws IOException {
      List<String> line = new ArrayList<>();
      if (root) {
        line.addAll(List.of("runuser", "-u", "postgres", "--"));
      }
      line.addAll(List.of(command));
      Path output = Files.createTempFile("ledger-test-pg-command-", ".log");
      try {
        Process process =
            new ProcessBuilder(line)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(START_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("timed out: " + String.join(" ", line));
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              "failed with exit code "
                  + process.exitValue()
                  + ": "
                  + String.join(" ", line)
                  + "\n"
                  + Files.readString(output, StandardCharsets.UTF_8)
                  + serverLog(workDir));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + String.join(" ", line), e);
      } finally {
        Files.deleteIfExists(output);
      }
    }

    private static String serverLog(Path base) {
      Path log = base.resolve("server.log");
      try {
        return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
      } catch (IOException e) {
        return "";
      }
    }

    private static void deleteRecursively(Path root) {
      if (!Files.exists(root)) {
        return;
      }
      try (Stream<Path> paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        System.err.println("[TestPostgres] could not delete " + root + ": " + e);
      }
    }
  }
}
