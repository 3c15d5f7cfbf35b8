package benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.carbonledger.testsupport.TestPostgres;

/**
 * Transfers through the REST API as clients send them: the whole service started in a JVM of its
 * own ({@link ServiceProcess}) on a real port with API-key authentication on, on a durable
 * PostgreSQL (fsync on) started by this program, and driven over loopback by a load generator in
 * this JVM, {@link LoopbackHttp} (HTTP/1.1, keep-alive, a socket per client thread). Three
 * measurements in one run:
 *
 * <ol>
 *   <li><b>HTTP throughput and latency.</b> After a warm-up that lasts until the service's JIT
 *       compiler is nearly idle ({@link #warmUp}), a closed loop of {@code connections} (32)
 *       clients that each send their next transfer when the last one answered, for maximum
 *       throughput; then an open loop at a fixed arrival rate (1,000 requests/s) over 64
 *       connections, wrk2-style, each request's latency measured from the moment it was due, not
 *       sent, so that queueing in the generator or the server is not hidden (no coordinated
 *       omission): p50, p99, p99.9; then the same open loop at half the closed loop's rate, a rate
 *       the service can sustain; and, for comparison, a closed loop of authenticated reads of one
 *       account (the web layer's and the API key's own cost).
 *   <li><b>Sequencer lag.</b> A poller reads the public {@code GET /api/v1/checkpoints/latest}
 *       every 20 ms and notes when each tree size first appears, and the size of the Merkle log in
 *       the database likewise. After the run the leaf of every transfer is looked up ({@code
 *       merkle_leaf} joined to its event); its lag is the time from the transfer's response (its
 *       commit) to the first signed checkpoint seen to cover its leaf, split at the moment its leaf
 *       was seen in the log.
 *   <li><b>Memory.</b> The service's RSS and high-water mark ({@code /proc/self/status}) and heap
 *       ({@code MemoryMXBean}), sampled inside the service every 250 ms, with its CPU time and its
 *       JIT compiler threads' CPU time ({@link CompilerCpu}).
 * </ol>
 *
 * <p>At the end it checks that the projections kept up with the writes, and says so loudly if they
 * stalled.
 *
 * <p>Transfers go from one holder account over 128 batches (request {@code i} uses batch {@code i
 * mod 128}) to another account, each with the holder's API key, without an {@code Idempotency-Key}
 * unless {@code -Dbench.idempotency=true}. The service keeps its own defaults (Hikari pool of 20,
 * Tomcat's 200 threads) and runs with {@code -Xmx1g} unless {@code BENCH_SERVICE_JAVA_OPTS} (the
 * system property {@code bench.service.java-opts}) says otherwise. {@code
 * -Dbench.service.jfr=<file>} records the service's closed-loop run (or the phase named by {@code
 * bench.service.jfr.phase}: open, half, read) with Flight Recorder, through jcmd, and prints where
 * its time went. The generator shares the two cores with the service and PostgreSQL; its CPU is
 * reported.
 *
 * <p>Run with {@code bench/http.sh [closed-loop seconds] [open-loop rate] [open-loop seconds]
 * [connections]}. Prints a table and writes {@code target/bench/parts/http.json}; asserts nothing.
 */
public final class HttpLoadBenchmark {

  static final String OPERATOR = "cl_00000000000000be.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  private static final int BATCHES = 128;
  private static final long LAG_POLL_MILLIS = 20;
  private static final int OPEN_LOOP_CONNECTIONS = 64;
  private static final int DRAIN_SECONDS = 20;

  private final int closedSeconds;
  private final int openRate;
  private final int openSeconds;
  private final int connections;
  private final boolean idempotency = Boolean.getBoolean("bench.idempotency");
  private final String jfrFile = System.getProperty("bench.service.jfr", "");
  private final String jfrPhase = System.getProperty("bench.service.jfr.phase", "closed");

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private String base;

  /** The load phases' client; {@link #http} does the set-up and the polling. */
  private LoopbackHttp load;

  private Path memoryFile;
  private String dbUrl;
  private String dbUser;
  private String dbPassword;
  private String holderToken;
  private final List<String> batches = new ArrayList<>();
  private final AtomicLong requestNumber = new AtomicLong();

  /** When each transfer's response arrived (nanoTime), by transfer id, per phase. */
  private final Map<String, Map<String, Long>> committed = new ConcurrentHashMap<>();

  /** Checkpoint tree sizes in the order they were first seen, with when (nanoTime). */
  private final List<long[]> checkpointsSeen = new CopyOnWriteArrayList<>();

  /** Sizes of the Merkle log in the database in the order they were first seen, with when. */
  private final List<long[]> leavesSeen = new CopyOnWriteArrayList<>();

  private HttpLoadBenchmark(int closedSeconds, int openRate, int openSeconds, int connections) {
    this.closedSeconds = closedSeconds;
    this.openRate = openRate;
    this.openSeconds = openSeconds;
    this.connections = connections;
  }

  public static void main(String[] args) throws Exception {
    int closedSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int openRate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int openSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int connections = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    new HttpLoadBenchmark(closedSeconds, openRate, openSeconds, connections).run();
    System.exit(0);
  }

  /** What one load phase measured. */
  record Phase(
      String name,
      int rate,
      long startMillis,
      long endMillis,
      double seconds,
      long ok,
      long errors,
      Map<Integer, Long> statuses,
      Latencies latencies,
      double serviceCpuSeconds,
      double generatorCpuSeconds,
      double serviceJitSeconds,
      String timeline) {

    double perSecond() {
      return ok / seconds;
    }
  }

  private void run() throws Exception {
    String loadBefore = FigureSheet.loadAverage();
    long started = System.nanoTime();
    TestPostgres postgres = TestPostgres.startDurable();
    String url = postgres.newSchema("http");
    Path work = Files.createTempDirectory("bench-http-");
    memoryFile = work.resolve("memory.txt");
    dbUrl = url;
    dbUser = postgres.user();
    dbPassword = postgres.password();
    Path serviceLog = work.resolve("service.log");
    int port = freePort();
    base = "http://127.0.0.1:" + port;
    load = new LoopbackHttp("127.0.0.1", port);
    String serviceOpts =
        System.getProperty("bench.service.java-opts", "").isBlank()
            ? "-Xmx1g"
            : System.getProperty("bench.service.java-opts");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(serviceOpts.trim().split("\\s+")));
    command.addAll(
        List.of(
            "-Dbench.memory.file=" + memoryFile,
            "-cp",
            System.getProperty("java.class.path"),
            ServiceProcess.class.getName(),
            "--spring.profiles.active=postgres",
            "--spring.datasource.url=" + url,
            "--spring.datasource.username=" + postgres.user(),
            "--spring.datasource.password=" + postgres.password(),
            "--server.port=" + port,
            "--server.address=127.0.0.1",
            "--ledger.bootstrap-token=" + OPERATOR,
            "--ledger.keys-dir=" + work.resolve("keys"),
            "--ledger.data-dir=" + work.resolve("data"),
            "--logging.level.root=WARN"));
    System.out.println("[bench] service: java " + serviceOpts + " ... ServiceProcess on " + base);
    Process service =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(serviceLog.toFile())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(service::destroyForcibly));
    FigureSheet sheet = new FigureSheet("http");
    try {
      awaitHealthy(service, serviceLog);
      setUp();
      PostgresActivity activity = new PostgresActivity(url, postgres.user(), postgres.password());
      activity.enableWalTiming();

      AtomicBoolean polling = new AtomicBoolean(true);
      Thread poller = new Thread(() -> pollCheckpoints(polling), "bench-checkpoint-poller");
      poller.setDaemon(true);
      poller.start();

      // When recording, Flight Recorder starts during the warm-up, so that its own code is
      // compiled by the time the measured recording begins.
      if (!jfrFile.isBlank()) {
        jcmd(service, "JFR.start", "name=warm", "settings=profile");
      }
      warmUp();
      awaitCoverage(Duration.ofSeconds(15));
      activity.analyze();

      Phase closed =
          measured(service, activity, "closed", () -> closedLoop("closed", closedSeconds));
      awaitCoverage(Duration.ofSeconds(15));
      Thread.sleep(1_000);

      Phase open =
          measured(service, activity, "open", () -> openLoop("open", openRate, openSeconds));
      awaitCoverage(Duration.ofSeconds(30));
      Thread.sleep(1_000);

      // The latency at a rate the service can sustain: half of what the closed loop reached.
      int halfRate = (int) Math.max(1, Math.round(closed.perSecond() / 2));
      Phase half =
          measured(service, activity, "half", () -> openLoop("half", halfRate, openSeconds));

      // The web layer's own cost: an authenticated read of one account (the API key's lookup
      // and one query of the projections), closed loop with as many connections.
      byte[] readRequest =
          load.request(
              "GET",
              "/api/v1/accounts/bench-a",
              Map.of("Authorization", "Bearer " + holderToken),
              null);
      Phase read =
          measured(
              service,
              activity,
              "read",
              () ->
                  closedLoop(
                      "read", Math.max(5, closedSeconds / 2), () -> readRequest, 200, connections));
      awaitCoverage(Duration.ofSeconds(15));
      polling.set(false);
      poller.join(1_000);
      if (!jfrFile.isBlank()) {
        jcmd(service, "JFR.stop", "name=warm");
      }

      Map<String, Long> leaves = leavesOfTransfers();
      Map<String, Lags> lags = new HashMap<>();
      for (Phase phase : List.of(closed, open, half)) {
        lags.put(phase.name(), lags(phase.name(), leaves));
      }
      List<long[]> memory = readMemory(memoryFile);
      long[] projections = projectionsBehind();
      if (projections[0] < projections[1]) {
        // Behind is not stuck: they may still be catching up with the load. Watch a while longer
        // and say which.
        long[] later = projectionsBehind(Duration.ofSeconds(60));
        if (later[0] >= later[1]) {
          System.out.printf(
              "[bench] the projections were %,d events behind when the run ended and caught up"
                  + " within 60 s more%n",
              projections[1] - projections[0]);
        } else {
          System.out.printf(
              "[bench] THE PROJECTIONS %s: at position %,d of %,d when the run ended, %,d of %,d"
                  + " 60 s later (see the service log %s)%n",
              later[0] > projections[0] ? "ARE FAR BEHIND" : "STALLED",
              projections[0],
              projections[1],
              later[0],
              later[1],
              serviceLog);
        }
      }
      sheet.context("projectionsPositionAtEnd", projections[0]);
      sheet.context("eventStoreHeadAtEnd", projections[1]);

      report(sheet, List.of(closed, open, half, read), lags, memory, serviceOpts, projections);
      sheet.context("loadAverageBefore", loadBefore);
      sheet.context("loadAverageAfter", FigureSheet.loadAverage());
      sheet.context("seconds", (System.nanoTime() - started) / 1e9);
      sheet.context("serviceJavaOptions", serviceOpts);
      sheet.context("idempotencyKeys", idempotency);
      sheet.context("connections", connections);
      sheet.context("warmUpSeconds", warmUpSeconds);
      sheet.context("warmUpLastJitShare", warmUpJitShare);
      sheet.print();
      System.out.printf(
          Locale.ROOT,
          "(%.0f s; load average %s before, %s after: a shared 2-core machine that the generator,"
              + " the service and PostgreSQL share)%n",
          (System.nanoTime() - started) / 1e9,
          loadBefore,
          FigureSheet.loadAverage());
      sheet.write();
    } finally {
      stop(service);
    }
  }

  // --- the service -------------------------------------------------------------------------------

  private void awaitHealthy(Process service, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        throw new IllegalStateException(
            "the service exited with " + service.exitValue() + ":\n" + tail(log));
      }
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/actuator/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the service did not become healthy:\n" + tail(log));
  }

  private interface Run {
    Phase run() throws Exception;
  }

  /**
   * Runs a load phase and prints what it measured, with PostgreSQL's and the machine's share of the
   * work; records it with Flight Recorder if it is the phase {@code bench.service.jfr.phase}
   * (closed) and {@code bench.service.jfr} names a file.
   */
  private Phase measured(Process service, PostgresActivity activity, String name, Run run)
      throws Exception {
    boolean recording = !jfrFile.isBlank() && name.equals(jfrPhase);
    if (recording) {
      jcmd(service, "JFR.start", "name=" + name, "settings=profile");
    }
    boolean statements = activity.resetStatements();
    PostgresActivity.Counters before = activity.counters();
    Cpu cpuBefore = Cpu.now();
    Phase phase = run.run();
    Cpu cpuAfter = Cpu.now();
    PostgresActivity.Counters database = activity.counters().minus(before);
    if (recording) {
      jcmd(service, "JFR.dump", "name=" + name, "filename=" + Path.of(jfrFile).toAbsolutePath());
      jcmd(service, "JFR.stop", "name=" + name);
    }
    printPhase(phase);
    System.out.println("  PostgreSQL: " + database.describe(phase.ok(), "request"));
    System.out.println(
        "  generator: "
            + cpuAfter.since(
                cpuBefore,
                phase.ok(),
                "request",
                database.cpuSeconds() + phase.serviceCpuSeconds()));
    if (statements) {
      activity.printStatements(phase.ok(), "request", 15);
    }
    if (recording) {
      JfrSummary.print(Path.of(jfrFile), "");
    }
    return phase;
  }

  /** Runs a diagnostic command in the service's JVM, such as starting Flight Recorder. */
  private static void jcmd(Process service, String... command) throws Exception {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    line.add(Long.toString(service.pid()));
    line.addAll(List.of(command));
    Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes());
    if (jcmd.waitFor() != 0) {
      System.err.println("[bench] " + String.join(" ", line) + " failed: " + output);
    }
  }

  private static void stop(Process service) throws InterruptedException {
    service.destroy(); // SIGTERM: a graceful shutdown, which also lets JFR write its recording.
    if (!service.waitFor(60, TimeUnit.SECONDS)) {
      service.destroyForcibly();
      service.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  // --- the registry, set up through the API by the operator ----------------------------------

  private void setUp() throws Exception {
    write(
        OPERATOR,
        "/api/v1/methodologies",
        """
        {"methodologyId":"BM","version":"1.0","title":"Low-carbon trips","sector":"transport",
         "quantifies":"g CO2e avoided per km"}""");
    write(
        OPERATOR,
        "/api/v1/methodologies/BM/approve",
        "{\"reviewer\":\"Expert panel\",\"reviewReference\":\"R-1\"}");
    for (String account : List.of("bench-op", "bench-a", "bench-b")) {
      write(
          OPERATOR,
          "/api/v1/accounts",
          """
          {"accountId":"%s","holderType":"%s","name":"Account %s","jurisdiction":"CN-HB"}"""
              .formatted(account, account.equals("bench-op") ? "OPERATOR" : "ENTERPRISE", account));
    }
    write(
        OPERATOR,
        "/api/v1/projects",
        """
        {"projectId":"BP","name":"Wuhan cycling","proponentAccountId":"bench-op",
         "methodologyId":"BM","jurisdiction":"CN-HB","district":"Wuchang","location":"Wuhan"}""");
    write(OPERATOR, "/api/v1/projects/BP/approve", null);
    for (int i = 0; i < BATCHES; i++) {
      String answer =
          write(
              OPERATOR,
              "/api/v1/projects/BP/batches",
              """
              {"vintageStart":"2026-01-01","vintageEnd":"2026-03-31","verificationReportId":"VR-1",
               "verifier":"CQC","quantity":10000000,"receivingAccountId":"bench-a"}""");
      batches.add(field(answer, "id"));
    }
    String key =
        write(
            OPERATOR,
            "/api/v1/api-keys",
            "{\"name\":\"bench holder\",\"role\":\"HOLDER\",\"accountIds\":[\"bench-a\"]}");
    holderToken = field(key, "token");
    System.out.printf("[bench] set up %d batches and a holder key through the API%n", BATCHES);
  }

  private String write(String token, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json");
    request.POST(
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** A string member of a flat JSON object, without a JSON parser on the generator's hot path. */
  static String field(String json, String name) {
    String marker = "\"" + name + "\":\"";
    int start = json.indexOf(marker);
    if (start < 0) {
      return null;
    }
    start += marker.length();
    return json.substring(start, json.indexOf('"', start));
  }

  private static long longField(String json, String name) {
    String marker = "\"" + name + "\":";
    int start = json.indexOf(marker) + marker.length();
    int end = start;
    while (end < json.length() && Character.isDigit(json.charAt(end))) {
      end++;
    }
    return Long.parseLong(json.substring(start, end));
  }

  // --- the load ----------------------------------------------------------------------------------

  private byte[] transfer() {
    long n = requestNumber.getAndIncrement();
    String batch = batches.get((int) (n % batches.size()));
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + holderToken);
    headers.put("Content-Type", "application/json");
    if (idempotency) {
      headers.put("Idempotency-Key", UUID.randomUUID().toString());
    }
    return load.request(
        "POST",
        "/api/v1/batches/" + batch + "/transfers",
        headers,
        "{\"fromAccountId\":\"bench-a\",\"toAccountId\":\"bench-b\",\"quantity\":1}");
  }

  /** Counts the outcome of one response; remembers when a transfer committed. */
  private final class Outcomes {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final Map<Integer, Long> statuses = new ConcurrentHashMap<>();
    final Map<String, Long> commits;
    final int expected;
    final long started = System.nanoTime();
    final Map<Long, LongAdder> perFiveSeconds = new ConcurrentHashMap<>();

    Outcomes(String phase, int expected) {
      commits = committed.computeIfAbsent(phase, p -> new ConcurrentHashMap<>());
      this.expected = expected;
    }

    void count(LoopbackHttp.Response response, Throwable failure, long now) {
      int status = failure != null ? -1 : response.status();
      statuses.merge(status, 1L, Long::sum);
      if (status == expected) {
        ok.incrementAndGet();
        perFiveSeconds
            .computeIfAbsent((now - started) / 5_000_000_000L, k -> new LongAdder())
            .increment();
        String id = field(response.body(), "id");
        if (id != null) {
          commits.put(id, now);
        }
      } else {
        if (errors.incrementAndGet() <= 3) {
          System.err.println(
              "[bench] a request failed: "
                  + (failure != null ? failure : status + " " + response.body()));
        }
      }
    }
  }

  /**
   * Loads the service until its JIT compiler is nearly idle: with at most 8 connections, for at
   * least {@code bench.warmup.seconds} (60), then in 10-second slices until one in which the
   * compiler threads used less than a tenth of a core; then with all the connections in 10-second
   * slices, at least one, until one in which they used less than a twentieth; or {@code
   * bench.warmup.max-seconds} (150) in all, which the one slice with all connections may pass.
   *
   * <p>Why: on two shared cores the service (Tomcat, Spring, Axon, Jackson, the driver) keeps C2
   * busy for minutes of load. After a fixed 20 s the closed loop measured about 300 transfers/s
   * with a quarter of the service's CPU still compiling, and about 600 after 150 s. With 32
   * connections the compiler threads get so small a share of the cores that they look idle while
   * their queue is still long, hence the 8 connections. A service runs for days: its compiled rate
   * is the one to report. How long the warm-up took, and the compiler's share in its last slice,
   * are printed and recorded.
   */
  private void warmUp() throws Exception {
    int least = Integer.getInteger("bench.warmup.seconds", 60);
    int most = Math.max(least, Integer.getInteger("bench.warmup.max-seconds", 150));
    int warmConnections = Math.min(8, connections);
    System.out.printf(
        "[bench] warm-up: closed loop, %d connections, %d s, then until the service's JIT is"
            + " nearly idle (at most %d s)%n",
        warmConnections, least, most);
    Phase first = closedLoop("warmup", least, this::transfer, 201, warmConnections);
    printPhase(first);
    int seconds = least;
    double jitShare = first.serviceJitSeconds() / first.seconds();
    while (jitShare >= 0.1 && seconds < most) {
      int slice = Math.min(10, most - seconds);
      seconds += slice;
      jitShare = warmUpSlice(slice, warmConnections, seconds);
    }
    // Then at the measured concurrency: larger command groups and processor batches take other
    // paths through the code, and C2 compiled them during the measurement, 8% of the service's CPU
    // in a 20-second closed loop (docs/performance.md).
    int slices = 0;
    do {
      int slice = slices++ == 0 ? 10 : Math.min(10, most - seconds);
      seconds += slice;
      jitShare = warmUpSlice(slice, connections, seconds);
    } while (jitShare >= 0.05 && seconds < most);
    warmUpSeconds = seconds;
    warmUpJitShare = jitShare;
  }

  /**
   * One slice of the warm-up's closed loop, printed with the warm-up's length so far.
   *
   * @return the share of a core the service's JIT compiler threads used during the slice
   */
  private double warmUpSlice(int seconds, int sliceConnections, int sinceStart) throws Exception {
    Phase slice = closedLoop("warmup", seconds, this::transfer, 201, sliceConnections);
    double jitShare = slice.serviceJitSeconds() / slice.seconds();
    System.out.printf(
        "warmup    %3d s: %,6.0f /s with %d connections, the service's JIT compiler threads used"
            + " %.2f of a core%n",
        sinceStart, slice.perSecond(), sliceConnections, jitShare);
    return jitShare;
  }

  private int warmUpSeconds;
  private double warmUpJitShare;

  private Phase closedLoop(String name, int seconds) throws Exception {
    return closedLoop(name, seconds, this::transfer, 201, connections);
  }

  private Phase closedLoop(
      String name,
      int seconds,
      java.util.function.Supplier<byte[]> requests,
      int expected,
      int connections)
      throws Exception {
    Outcomes outcomes = new Outcomes(name, expected);
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    List<Future<Latencies>> clients = new ArrayList<>();
    long cpuBefore = serviceCpuNanos();
    long jitBefore = lastSample()[7];
    long generatorBefore = generatorCpuNanos();
    long startMillis = System.currentTimeMillis();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    for (int c = 0; c < connections; c++) {
      clients.add(
          pool.submit(
              () -> {
                Latencies latencies = new Latencies();
                try (LoopbackHttp.Connection connection = load.connect()) {
                  while (System.nanoTime() < end) {
                    send(connection, requests.get(), System.nanoTime(), latencies, outcomes);
                  }
                }
                return latencies;
              }));
    }
    List<Latencies> parts = new ArrayList<>();
    for (Future<Latencies> client : clients) {
      parts.add(client.get());
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return new Phase(
        name,
        0,
        startMillis,
        System.currentTimeMillis(),
        elapsed,
        outcomes.ok.get(),
        outcomes.errors.get(),
        new HashMap<>(outcomes.statuses),
        Latencies.merge(parts),
        (serviceCpuNanos() - cpuBefore) / 1e9,
        (generatorCpuNanos() - generatorBefore) / 1e9,
        (lastSample()[7] - jitBefore) / 1e3,
        timeline(outcomes));
  }

  /**
   * Sends at a fixed rate whatever the answers do, as wrk2 does: request {@code i} is due at {@code
   * start + i / rate}, and each of {@value #OPEN_LOOP_CONNECTIONS} connections sends the next due
   * request as soon as it is free. Each latency counts from the request's due time, so a stall
   * delays the measured latency of every request due during it (no coordinated omission). Requests
   * still unsent {@value #DRAIN_SECONDS} s after the last was due are not sent; each counts with
   * the time it had waited by then, a lower bound, and as unfinished.
   */
  private Phase openLoop(String name, int rate, int seconds) throws Exception {
    Outcomes outcomes = new Outcomes(name, 201);
    long total = (long) rate * seconds;
    double interval = 1e9 / rate;
    AtomicLong next = new AtomicLong();
    AtomicLong unsent = new AtomicLong();
    long cpuBefore = serviceCpuNanos();
    long jitBefore = lastSample()[7];
    long generatorBefore = generatorCpuNanos();
    long startMillis = System.currentTimeMillis();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
    long stop = start + TimeUnit.SECONDS.toNanos(seconds + DRAIN_SECONDS);
    SlowRequests slow = new SlowRequests(start, startMillis + 10);
    ExecutorService pool = Executors.newFixedThreadPool(OPEN_LOOP_CONNECTIONS);
    List<Future<Latencies>> workers = new ArrayList<>();
    for (int c = 0; c < OPEN_LOOP_CONNECTIONS; c++) {
      workers.add(
          pool.submit(
              () -> {
                Latencies latencies = new Latencies();
                try (LoopbackHttp.Connection connection = load.connect()) {
                  long i;
                  while ((i = next.getAndIncrement()) < total) {
                    long due = start + (long) (i * interval);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                      LockSupport.parkNanos(wait);
                    }
                    if (System.nanoTime() > stop) {
                      // Too late to send: the service fell this far behind.
                      latencies.record(stop - due);
                      unsent.incrementAndGet();
                      continue;
                    }
                    send(connection, transfer(), due, latencies, outcomes);
                    slow.note(due, System.nanoTime());
                  }
                }
                return latencies;
              }));
    }
    List<Latencies> parts = new ArrayList<>();
    for (Future<Latencies> worker : workers) {
      parts.add(worker.get());
    }
    pool.shutdown();
    slow.print(name);
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (unsent.get() > 0) {
      System.out.printf(
          "[bench] %s: %,d of %,d requests were still unsent %d s after the last was due%n",
          name, unsent.get(), total, DRAIN_SECONDS);
    }
    return new Phase(
        name,
        rate,
        startMillis,
        System.currentTimeMillis(),
        elapsed,
        outcomes.ok.get(),
        outcomes.errors.get() + unsent.get(),
        new HashMap<>(outcomes.statuses),
        Latencies.merge(parts),
        (serviceCpuNanos() - cpuBefore) / 1e9,
        (generatorCpuNanos() - generatorBefore) / 1e9,
        (lastSample()[7] - jitBefore) / 1e3,
        timeline(outcomes));
  }

  /**
   * Sends one request and counts its outcome, its latency measured from {@code from}: the moment it
   * was sent in a closed loop, the moment it was due in an open one.
   */
  private static void send(
      LoopbackHttp.Connection connection,
      byte[] request,
      long from,
      Latencies latencies,
      Outcomes outcomes) {
    LoopbackHttp.Response response = null;
    Throwable failure = null;
    try {
      response = connection.exchange(request);
    } catch (IOException e) {
      failure = e;
    }
    long now = System.nanoTime();
    latencies.record(now - from);
    outcomes.count(response, failure, now);
  }

  /** Successful requests per second in each five seconds of a phase: is it steady? */
  private static String timeline(Outcomes outcomes) {
    StringBuilder text = new StringBuilder();
    new java.util.TreeMap<>(outcomes.perFiveSeconds)
        .values()
        .forEach(count -> text.append(' ').append(count.sum() / 5));
    return text.toString().trim();
  }

  private void printPhase(Phase phase) {
    System.out.printf(
        Locale.ROOT,
        "%-7s %,7d requests in %5.1f s = %,6.0f /s, %d errors %s; p50 %.1f ms, p99 %.1f ms,"
            + " p99.9 %.1f ms, max %.1f ms; service CPU %.2f cores (%.2f ms per request),"
            + " generator CPU %.2f cores%n",
        phase.name(),
        phase.ok(),
        phase.seconds(),
        phase.perSecond(),
        phase.errors(),
        phase.statuses(),
        phase.latencies().percentileMillis(50),
        phase.latencies().percentileMillis(99),
        phase.latencies().percentileMillis(99.9),
        phase.latencies().maxMillis(),
        phase.serviceCpuSeconds() / phase.seconds(),
        1000 * phase.serviceCpuSeconds() / Math.max(1, phase.ok()),
        phase.generatorCpuSeconds() / phase.seconds());
    System.out.printf(
        Locale.ROOT,
        "  per second, in 5-second steps: %s; the service's JIT compiler threads used %.1f s of"
            + " CPU in the %.1f s%n",
        phase.timeline(),
        phase.serviceJitSeconds(),
        phase.seconds());
  }

  // --- sequencer lag -----------------------------------------------------------------------------

  /**
   * Every {@value #LAG_POLL_MILLIS} ms: the latest signed checkpoint, as the public sees it, and
   * the size of the Merkle log in the database, so that the lag splits into the sequencer's part
   * (commit to leaf) and the checkpointer's (leaf to signed checkpoint).
   */
  private void pollCheckpoints(AtomicBoolean polling) {
    HttpRequest latest =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/checkpoints/latest")).GET().build();
    long last = -1;
    long lastLeaves = -1;
    try (Connection connection = DriverManager.getConnection(dbUrl, dbUser, dbPassword);
        Statement sql = connection.createStatement()) {
      while (polling.get()) {
        try {
          HttpResponse<String> response = http.send(latest, HttpResponse.BodyHandlers.ofString());
          long now = System.nanoTime();
          if (response.statusCode() == 200) {
            long size = longField(response.body(), "treeSize");
            if (size > last) {
              checkpointsSeen.add(new long[] {now, size});
              last = size;
            }
          }
          try (ResultSet row =
              sql.executeQuery("SELECT coalesce(max(leaf_index) + 1, 0) FROM merkle_leaf")) {
            row.next();
            long leaves = row.getLong(1);
            if (leaves > lastLeaves) {
              leavesSeen.add(new long[] {System.nanoTime(), leaves});
              lastLeaves = leaves;
            }
          }
          Thread.sleep(LAG_POLL_MILLIS);
        } catch (IOException e) {
          // Try again at the next tick.
        }
      }
    } catch (SQLException | InterruptedException e) {
      // The run is over.
    }
  }

  /** Waits until a checkpoint covers every event stored so far, or the timeout passes. */
  private void awaitCoverage(Duration timeout) throws Exception {
    long stored;
    try (Connection connection = DriverManager.getConnection(dbUrl, dbUser, dbPassword);
        Statement sql = connection.createStatement();
        ResultSet row = sql.executeQuery("SELECT count(*) FROM domain_event_entry")) {
      row.next();
      stored = row.getLong(1);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!checkpointsSeen.isEmpty()
          && checkpointsSeen.get(checkpointsSeen.size() - 1)[1] >= stored) {
        return;
      }
      Thread.sleep(50);
    }
    System.out.printf("[bench] no checkpoint covered all %,d events within %s%n", stored, timeout);
  }

  /** The leaf index of every transfer, by transfer id. */
  private Map<String, Long> leavesOfTransfers() throws Exception {
    Map<String, Long> leaves = new HashMap<>();
    try (Connection connection = DriverManager.getConnection(dbUrl, dbUser, dbPassword);
        Statement sql = connection.createStatement();
        ResultSet rows =
            sql.executeQuery(
                "SELECT convert_from(e.payload, 'UTF8')::json->>'transferId', l.leaf_index"
                    + " FROM merkle_leaf l JOIN domain_event_entry e"
                    + " ON e.event_identifier = l.event_identifier"
                    + " WHERE e.payload_type LIKE '%CreditsTransferred'")) {
      while (rows.next()) {
        leaves.put(rows.getString(1), rows.getLong(2));
      }
    }
    return leaves;
  }

  /** A phase's lags: commit to signed checkpoint, and its two parts. */
  record Lags(Latencies total, Latencies toLeaf, Latencies leafToCheckpoint) {}

  /** Commit-to-checkpoint lag of every transfer of a phase that a seen checkpoint covers. */
  private Lags lags(String phase, Map<String, Long> leaves) {
    Lags lags = new Lags(new Latencies(), new Latencies(), new Latencies());
    long[][] seen = checkpointsSeen.toArray(new long[0][]);
    long[][] logged = leavesSeen.toArray(new long[0][]);
    long uncovered = 0;
    for (Map.Entry<String, Long> commit : committed.getOrDefault(phase, Map.of()).entrySet()) {
      Long leaf = leaves.get(commit.getKey());
      long coveredAt = leaf == null ? -1 : firstCovering(seen, leaf);
      long loggedAt = leaf == null ? -1 : firstCovering(logged, leaf);
      if (coveredAt < 0 || loggedAt < 0) {
        uncovered++;
        continue;
      }
      lags.total().record(Math.max(0, coveredAt - commit.getValue()));
      lags.toLeaf().record(Math.max(0, loggedAt - commit.getValue()));
      lags.leafToCheckpoint()
          .record(Math.max(0, coveredAt - Math.max(loggedAt, commit.getValue())));
    }
    if (uncovered > 0) {
      System.out.printf(
          "[bench] %,d transfers of %s were not seen covered in time%n", uncovered, phase);
    }
    return lags;
  }

  /** When a tree (checkpoint or log) holding leaf {@code leaf} was first seen, or -1. */
  static long firstCovering(long[][] seen, long leaf) {
    int low = 0;
    int high = seen.length - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (seen[mid][1] > leaf) {
        found = mid;
        high = mid - 1;
      } else {
        low = mid + 1;
      }
    }
    return found < 0 ? -1 : seen[found][0];
  }

  // --- memory and CPU ----------------------------------------------------------------------------

  /**
   * The service's samples: epochMillis, rssKb, hwmKb, heapUsed, heapCommitted, nonHeap, cpuNanos.
   */
  private static List<long[]> readMemory(Path file) throws IOException {
    List<long[]> samples = new ArrayList<>();
    if (!Files.exists(file)) {
      return samples;
    }
    for (String line : Files.readAllLines(file)) {
      String[] fields = line.trim().split(" ");
      if (fields.length == 8) {
        long[] sample = new long[8];
        for (int i = 0; i < 8; i++) {
          sample[i] = Long.parseLong(fields[i]);
        }
        samples.add(sample);
      }
    }
    return samples;
  }

  private long serviceCpuNanos() {
    // The service writes its own CPU time with every memory sample; read the newest.
    return lastSample()[6];
  }

  private long[] lastSample() {
    try {
      List<long[]> samples = readMemory(memoryFile);
      return samples.isEmpty() ? new long[8] : samples.get(samples.size() - 1);
    } catch (IOException e) {
      return new long[8];
    }
  }

  private static long generatorCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The projections' position and the event store's head: {position, head}. */
  private long[] projectionsBehind() throws Exception {
    return projectionsBehind(Duration.ofSeconds(10));
  }

  /** {@link #projectionsBehind()}, waiting at most {@code patience} for them to catch up. */
  private long[] projectionsBehind(Duration patience) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try (Connection connection = DriverManager.getConnection(dbUrl, dbUser, dbPassword);
          Statement sql = connection.createStatement();
          ResultSet row =
              sql.executeQuery(
                  "SELECT (SELECT coalesce(max(last_position), -1) FROM projection_position),"
                      + " (SELECT coalesce(max(global_index), 0) FROM domain_event_entry)")) {
        row.next();
        long[] result = {row.getLong(1), row.getLong(2)};
        if (result[0] >= result[1] || System.nanoTime() > deadline) {
          return result;
        }
      }
      Thread.sleep(200);
    }
  }

  // --- the report --------------------------------------------------------------------------------

  private void report(
      FigureSheet sheet,
      List<Phase> phases,
      Map<String, Lags> lags,
      List<long[]> memory,
      String serviceOpts,
      long[] projections) {
    Phase closed = phases.get(0);
    Phase open = phases.get(1);
    Phase half = phases.get(2);
    Phase read = phases.get(3);
    String stalled =
        projections[0] < projections[1]
            ? "; THE PROJECTIONS STALLED at position "
                + projections[0]
                + " of "
                + projections[1]
                + ", so they did no work for part of the run"
            : "";
    String how =
        "POST /api/v1/batches/{id}/transfers with a holder API key"
            + (idempotency ? " and an Idempotency-Key" : "")
            + ", 128 batches, whole service in its own JVM ("
            + serviceOpts
            + ", its default pool of 20 connections), PostgreSQL fsync on, java.net.http generator"
            + " in another JVM over loopback"
            + stalled;
    sheet.add(
        "http.transfers.closedLoop.perSecond",
        closed.perSecond(),
        "transfers/s",
        null,
        ">= 3000 /s",
        "closed loop, "
            + connections
            + " connections, "
            + closedSeconds
            + " s; "
            + closed.errors()
            + " errors; "
            + how);
    addLatencies(sheet, "http.closedLoop", closed, null, "closed loop, from each request's send");
    sheet.add(
        "http.closedLoop.service.cpu.cores",
        closed.serviceCpuSeconds() / closed.seconds(),
        "cores",
        null,
        null,
        "the service process's CPU time over the run's wall time (2 cores in the machine)");
    sheet.add(
        "http.closedLoop.service.cpu.msPerTransfer",
        1000 * closed.serviceCpuSeconds() / Math.max(1, closed.ok()),
        "ms",
        null,
        null,
        "service CPU per transfer");
    sheet.add(
        "http.closedLoop.service.jit.share",
        closed.serviceJitSeconds() / closed.seconds(),
        "s/s",
        null,
        null,
        "CPU seconds the service's JIT compiler threads used per second of the closed loop: how"
            + " far from a warm JVM the measurement was");
    sheet.add(
        "http.closedLoop.generator.cpu.cores",
        closed.generatorCpuSeconds() / closed.seconds(),
        "cores",
        null,
        null,
        "the load generator's CPU, taken from the same two cores");
    for (Phase phase : List.of(open, half)) {
      String prefix = phase == open ? "http.openLoop" + openRate : "http.openLoopHalfOfClosedLoop";
      String openHow =
          "open loop at "
              + phase.rate()
              + " requests/s for "
              + openSeconds
              + " s over "
              + OPEN_LOOP_CONNECTIONS
              + " connections, latency from each request's due time (no coordinated omission; a"
              + " request unsent "
              + DRAIN_SECONDS
              + " s after the last was due counts with its wait so far); "
              + phase.errors()
              + " errors or unsent; "
              + how;
      sheet.add(
          prefix + ".achieved.perSecond",
          phase.perSecond(),
          "transfers/s",
          null,
          null,
          "successful transfers per second; " + openHow);
      addLatencies(
          sheet, prefix, phase, phase == open && openRate == 1000 ? "<= 50 ms" : null, openHow);
      sheet.add(
          prefix + ".service.cpu.msPerTransfer",
          1000 * phase.serviceCpuSeconds() / Math.max(1, phase.ok()),
          "ms",
          null,
          null,
          "service CPU per transfer");
    }

    Lags closedLags = lags.get(closed.name());
    Latencies closedLag = closedLags.total();
    String lagHow =
        "from a transfer's 201 response to the first signed checkpoint covering its leaf, seen by"
            + " polling GET /api/v1/checkpoints/latest every "
            + LAG_POLL_MILLIS
            + " ms (so up to that much late); checkpoints every 1000 leaves or 1 s (service"
            + " defaults); ";
    sheet.add(
        "sequencer.eventsPerSecond",
        closed.perSecond(),
        "events/s",
        null,
        ">= 3000 /s",
        "the event rate of the closed loop, at which the lag below was measured");
    String closedLagHow = lagHow + closedLag.count() + " transfers of the closed loop";
    sheet.add(
        "sequencer.lag.p50.ms", closedLag.percentileMillis(50), "ms", null, null, closedLagHow);
    sheet.add(
        "sequencer.lag.p99.ms",
        closedLag.percentileMillis(99),
        "ms",
        null,
        "<= 1000 ms",
        closedLagHow);
    sheet.add("sequencer.lag.max.ms", closedLag.maxMillis(), "ms", null, null, closedLagHow);
    String split =
        "the closed loop's lag split where the poller (also every "
            + LAG_POLL_MILLIS
            + " ms, in the database) first saw the transfer's leaf: ";
    sheet.add(
        "sequencer.lag.toLeaf.p50.ms",
        closedLags.toLeaf().percentileMillis(50),
        "ms",
        null,
        null,
        split + "commit to leaf (event store polling, the sequencer's batch)");
    sheet.add(
        "sequencer.lag.toLeaf.p99.ms",
        closedLags.toLeaf().percentileMillis(99),
        "ms",
        null,
        null,
        split + "commit to leaf");
    sheet.add(
        "sequencer.lag.leafToCheckpoint.p50.ms",
        closedLags.leafToCheckpoint().percentileMillis(50),
        "ms",
        null,
        null,
        split + "leaf to signed checkpoint (the checkpointer's timer or leaf count)");
    sheet.add(
        "sequencer.lag.leafToCheckpoint.p99.ms",
        closedLags.leafToCheckpoint().percentileMillis(99),
        "ms",
        null,
        null,
        split + "leaf to signed checkpoint");
    for (Phase phase : List.of(open, half)) {
      Latencies lag = lags.get(phase.name()).total();
      String prefix =
          phase == open ? "sequencer.openLoop" + openRate : "sequencer.openLoopHalfOfClosedLoop";
      String text =
          lagHow
              + lag.count()
              + " transfers of the open loop at "
              + phase.rate()
              + "/s ("
              + String.format(Locale.ROOT, "%.0f", phase.perSecond())
              + " events/s achieved)";
      sheet.add(prefix + ".lag.p50.ms", lag.percentileMillis(50), "ms", null, null, text);
      sheet.add(prefix + ".lag.p99.ms", lag.percentileMillis(99), "ms", null, null, text);
      sheet.add(prefix + ".lag.max.ms", lag.maxMillis(), "ms", null, null, text);
    }

    // Memory under load: the samples taken while a measured load phase ran.
    long rss = 0;
    long hwm = 0;
    long heapUsed = 0;
    long heapCommitted = 0;
    long nonHeap = 0;
    for (long[] sample : memory) {
      boolean loaded =
          phases.stream().anyMatch(p -> sample[0] >= p.startMillis() && sample[0] <= p.endMillis());
      hwm = Math.max(hwm, sample[2]);
      if (loaded) {
        rss = Math.max(rss, sample[1]);
        heapUsed = Math.max(heapUsed, sample[3]);
        heapCommitted = Math.max(heapCommitted, sample[4]);
        nonHeap = Math.max(nonHeap, sample[5]);
      }
    }
    String memoryHow =
        "the service's own samples every 250 ms while the load ran (VmRSS, VmHWM from"
            + " /proc/self/status; MemoryMXBean), "
            + serviceOpts;
    sheet.add("service.rss.mb", rss / 1024.0, "MB", null, null, "peak VmRSS; " + memoryHow);
    sheet.add(
        "service.rss.hwm.mb", hwm / 1024.0, "MB", null, null, "VmHWM at the end; " + memoryHow);
    sheet.add(
        "service.heap.used.max.mb",
        heapUsed / 1048576.0,
        "MB",
        null,
        null,
        "peak heap used (garbage included, sampled before GC reclaims it); " + memoryHow);
    sheet.add(
        "service.heap.committed.max.mb",
        heapCommitted / 1048576.0,
        "MB",
        null,
        null,
        "peak heap committed; " + memoryHow);
    sheet.add(
        "service.nonheap.used.mb",
        nonHeap / 1048576.0,
        "MB",
        null,
        null,
        "metaspace, code cache and other non-heap pools; " + memoryHow);
  }

  private static void addLatencies(
      FigureSheet sheet, String prefix, Phase phase, String p99Goal, String notes) {
    Latencies latencies = phase.latencies();
    sheet.add(prefix + ".p50.ms", latencies.percentileMillis(50), "ms", null, null, notes);
    sheet.add(prefix + ".p99.ms", latencies.percentileMillis(99), "ms", null, p99Goal, notes);
    sheet.add(prefix + ".p999.ms", latencies.percentileMillis(99.9), "ms", null, null, notes);
    sheet.add(prefix + ".max.ms", latencies.maxMillis(), "ms", null, null, notes);
  }
}
