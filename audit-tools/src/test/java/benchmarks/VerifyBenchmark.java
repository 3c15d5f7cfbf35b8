package benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.carbonledger.chain.Ed25519Batch;
import org.carbonledger.chain.Ed25519Primitives;
import org.carbonledger.testsupport.TestPostgres;

/**
 * The regulator's verifier on a million events: its throughput in events per second next to the raw
 * single-core Ed25519 verify rate of the same machine in the same run, and its peak memory with
 * {@code -Xmx256m} (issue 6: the goal is at least 85% of twice the single-core rate on two cores).
 *
 * <p>It starts a durable PostgreSQL of its own, writes a synthetic registry of N events into a
 * fresh migrated schema ({@link SyntheticLedger}), measures Ed25519 verification and SHA-256 on one
 * core over real entry signatures of that ledger, and then runs {@code java -Xmx256m -jar
 * audit-tools/target/ledger-audit.jar verify --db ... --json} as a separate process, as a regulator
 * would, under {@code /usr/bin/time -v} and with GC logging, polling its resident set. It prints a
 * table and writes the figures to {@code target/verify-benchmark.json}. It asserts nothing: the
 * only failure is a verifier that does not find the synthetic ledger sound.
 *
 * <p>Run with {@code bench/verify.sh [events]}. System properties: {@code bench.jar} (the verifier
 * jar), {@code bench.out} (the JSON file), {@code bench.jfr} (a file: record the verifier with Java
 * Flight Recorder and print where its samples fall).
 */
public final class VerifyBenchmark {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern GC =
      Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000;
    Path jar = Path.of(System.getProperty("bench.jar", "audit-tools/target/ledger-audit.jar"));
    Path out = Path.of(System.getProperty("bench.out", "target/verify-benchmark.json"));
    String jfr = System.getProperty("bench.jfr", "");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no verifier jar at " + jar.toAbsolutePath());
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    long runStarted = System.nanoTime();

    TestPostgres postgres = TestPostgres.startDurable();
    String url = postgres.newMigratedSchema("verify_bench");

    System.out.printf("Generating a synthetic ledger of %,d events ...%n", events);
    SyntheticLedger.Result ledger =
        new SyntheticLedger(url, postgres.user(), postgres.password(), events).write();
    long databaseBytes = databaseBytes(url, postgres);
    System.out.printf(
        Locale.ROOT,
        "generated in %.1f s (written %.1f s, VACUUM ANALYZE %.1f s): %,d events in %,d streams"
            + " (%,d accounts, %,d projects, %,d batches, %,d credit movements), %,d checkpoints,"
            + " %,d stored nodes, %,d holding blocks, %,d account movements, %,d retirements in"
            + " the register; %,d MB on disk%n",
        ledger.seconds(),
        ledger.writeSeconds(),
        ledger.vacuumSeconds(),
        ledger.events(),
        ledger.streams(),
        ledger.accounts(),
        ledger.projects(),
        ledger.batches(),
        ledger.movements(),
        ledger.checkpoints(),
        ledger.nodes(),
        ledger.holdingBlocks(),
        ledger.statementRows(),
        ledger.retirements(),
        databaseBytes >> 20);

    System.out.printf(
        "Measuring raw Ed25519 verification on one core over %,d real entry signatures ...%n",
        ledger.samples().size());
    double verifyEncoded = verifyRate(ledger.samples(), Method.ENCODED_KEY);
    double verifyDecoded = verifyRate(ledger.samples(), Method.DECODED_KEY);
    double verifyOne = Math.max(verifyEncoded, verifyDecoded);
    double batchOne = verifyRate(ledger.samples(), Method.BATCH);
    double verifyTwo = verifyRateOnThreads(ledger.samples(), 2);
    double[] sha = sha256Rate(ledger.samples());
    System.out.printf(
        Locale.ROOT,
        "Ed25519 verify: %,.0f/s on one core, %,.0f/s on two threads; SHA-256 of entries: %,.0f/s"
            + " (%.0f MB/s, %.0f bytes each)%n",
        verifyOne,
        verifyTwo,
        sha[0],
        sha[1] / 1e6,
        sha[1] / sha[0]);

    System.out.println("Running the verifier: java -Xmx256m -jar " + jar + " verify ... --json");
    VerifierRun run = runVerifier(jar, url, postgres, jfr);
    int lastStep = Math.max(0, run.stderr.size() - 1);
    if (run.exitCode != 0 || !run.sound) {
      System.out.printf("VERIFIER FAILED: exit code %d%n", run.exitCode);
      run.failures.stream().limit(5).forEach(f -> System.out.println("  " + f));
      run.stderr.subList(Math.max(0, lastStep - 20), run.stderr.size()).stream()
          .map(Line::text)
          .filter(text -> !text.startsWith("..."))
          .forEach(text -> System.out.println("  stderr: " + text));
    }

    double goal = 0.85 * 2 * verifyOne;
    double rate = events / run.wallSeconds;
    double ratio = rate / goal;
    String table =
        String.join(
            "\n",
            "",
            String.format(
                Locale.ROOT,
                "ledger-audit verify, %,d events, %d cores, -Xmx256m, PostgreSQL on the same"
                    + " machine",
                events,
                Runtime.getRuntime().availableProcessors()),
            row("raw Ed25519 verify, one core, key as bytes", "%,.0f /s", verifyEncoded),
            row("raw Ed25519 verify, one core, key decoded once", "%,.0f /s", verifyDecoded),
            row("raw Ed25519 verify, one core (the faster)", "%,.0f /s", verifyOne),
            row("2 x one core", "%,.0f /s", 2 * verifyOne),
            row("goal: 85% of 2 x one core", "%,.0f /s", goal),
            row("raw Ed25519 verify, two threads", "%,.0f /s", verifyTwo),
            row("raw SHA-256 of entries, one core", "%,.0f /s", sha[0]),
            row("verifier wall time", "%.1f s", run.wallSeconds),
            row("verifier's own time (report)", "%.1f s", run.reportedSeconds),
            row("verifier events/s (wall)", "%,.0f /s", rate),
            row("ratio to goal", "%.2f (%s)", ratio, ratio >= 1 ? "met" : "NOT met"),
            row("ratio to 2 x one core", "%.2f", rate / (2 * verifyOne)),
            row("raw batch verify, one core (ADR 0007)", "%,.0f /s", batchOne),
            row("ratio to 2 x batch on one core", "%.2f", rate / (2 * batchOne)),
            row("verifier CPU user + sys", "%.1f + %.1f s", run.userSeconds, run.systemSeconds),
            row("PostgreSQL CPU during the run", "%.1f s", run.postgresCpuSeconds),
            row("peak heap before GC", "%s", megabytes(run.heapBeforeGcMax)),
            row("peak heap after GC", "%s", megabytes(run.heapAfterGcMax)),
            row("heap committed, max", "%s", megabytes(run.heapCommittedMax)),
            row("GC pauses", "%d, %.2f s in total", run.gcPauses, run.gcPauseSeconds),
            row("peak RSS (time -v)", "%s", megabytes(run.maxRssTime)),
            row("peak RSS (/proc VmHWM)", "%s", megabytes(run.maxRssProc)),
            row("exit code", "%d (%s)", run.exitCode, run.sound ? "sound" : "NOT sound"),
            row("generation time", "%.1f s", ledger.seconds()),
            row("whole benchmark so far", "%.1f s", (System.nanoTime() - runStarted) / 1e9));
    System.out.println(table);
    Map<String, Long> categories = Map.of();
    if (!jfr.isEmpty() && Files.exists(Path.of(jfr))) {
      categories = profile(Path.of(jfr));
    }

    ObjectNode json = JSON.createObjectNode();
    json.put("events", events);
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("cpu", cpuModel());
    json.put("java", System.getProperty("java.version"));
    json.put("rawEd25519VerifyPerSecondOneCoreEncodedKey", Math.round(verifyEncoded));
    json.put("rawEd25519VerifyPerSecondOneCoreDecodedKey", Math.round(verifyDecoded));
    json.put("rawEd25519VerifyPerSecondOneCore", Math.round(verifyOne));
    json.put("rawEd25519BatchVerifyPerSecondOneCore", Math.round(batchOne));
    json.put("ratioToTwiceOneCore", Math.round(rate / (2 * verifyOne) * 1000) / 1000.0);
    json.put("ratioToTwiceBatchOneCore", Math.round(rate / (2 * batchOne) * 1000) / 1000.0);
    json.put("twiceOneCore", Math.round(2 * verifyOne));
    json.put("goalEventsPerSecond", Math.round(goal));
    json.put("rawEd25519VerifyPerSecondTwoThreads", Math.round(verifyTwo));
    json.put("rawSha256PerSecondOneCore", Math.round(sha[0]));
    json.put("rawSha256MegabytesPerSecond", Math.round(sha[1] / 1e6));
    json.put("verifierWallSeconds", run.wallSeconds);
    json.put("verifierReportedSeconds", run.reportedSeconds);
    json.put("verifierEventsPerSecond", Math.round(rate));
    json.put("ratioToGoal", Math.round(ratio * 1000) / 1000.0);
    json.put("goalMet", ratio >= 1);
    json.put("verifierUserCpuSeconds", run.userSeconds);
    json.put("verifierSystemCpuSeconds", run.systemSeconds);
    json.put("postgresCpuSeconds", run.postgresCpuSeconds);
    json.put("peakHeapBeforeGcBytes", run.heapBeforeGcMax);
    json.put("peakHeapAfterGcBytes", run.heapAfterGcMax);
    json.put("heapCommittedMaxBytes", run.heapCommittedMax);
    json.put("gcPauses", run.gcPauses);
    json.put("gcPauseSeconds", run.gcPauseSeconds);
    json.put("peakRssBytesTime", run.maxRssTime);
    json.put("peakRssBytesProc", run.maxRssProc);
    json.put("exitCode", run.exitCode);
    json.put("sound", run.sound);
    json.put("failures", run.failures.size());
    json.put("generationSeconds", ledger.seconds());
    json.put("generationWriteSeconds", ledger.writeSeconds());
    json.put("generationVacuumSeconds", ledger.vacuumSeconds());
    json.put("databaseBytes", databaseBytes);
    json.put("streams", ledger.streams());
    json.put("batches", ledger.batches());
    json.put("accounts", ledger.accounts());
    json.put("creditMovements", ledger.movements());
    json.put("holdingBlocks", ledger.holdingBlocks());
    json.put("accountMovements", ledger.statementRows());
    json.put("retirements", ledger.retirements());
    json.put("checkpoints", ledger.checkpoints());
    ObjectNode profile = json.putObject("profileSamples");
    categories.forEach(profile::put);
    Files.writeString(out, JSON.writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
    System.out.println("figures written to " + out);
    // TestPostgres's shutdown hook stops and deletes the server.
    System.exit(run.exitCode == 0 && run.sound ? 0 : 1);
  }

  private static String row(String name, String format, Object... values) {
    return String.format(Locale.ROOT, "  %-34s " + format, prepend(name, values));
  }

  private static Object[] prepend(String name, Object[] values) {
    Object[] all = new Object[values.length + 1];
    all[0] = name;
    System.arraycopy(values, 0, all, 1, values.length);
    return all;
  }

  private static String megabytes(long bytes) {
    return bytes <= 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
  }

  // --- raw rates --------------------------------------------------------------------------------

  /** How the raw rate is measured. */
  enum Method {
    /** Bouncy Castle's verify with the 32-byte key, which decodes the key on every call. */
    ENCODED_KEY,
    /** Bouncy Castle's verify with the key decoded once: the fastest single verification. */
    DECODED_KEY,
    /** {@link Ed25519Batch}, 256 signatures at a time (its default size) (ADR 0007). */
    BATCH
  }

  /** Single verifications per second on this thread, the faster of the two ways of calling it. */
  static double verifyRate(List<SyntheticLedger.Sample> samples) {
    return Math.max(
        verifyRate(samples, Method.ENCODED_KEY), verifyRate(samples, Method.DECODED_KEY));
  }

  /** Verifications per second on this thread: 2 s of warm-up, then the median of three 2 s runs. */
  static double verifyRate(List<SyntheticLedger.Sample> samples, Method method) {
    timeVerify(samples, 2.0, method);
    List<Double> rates = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      rates.add(timeVerify(samples, 2.0, method));
    }
    Collections.sort(rates);
    return rates.get(1);
  }

  private static double timeVerify(List<SyntheticLedger.Sample> samples, double seconds) {
    return timeVerify(samples, seconds, Method.ENCODED_KEY);
  }

  private static double timeVerify(
      List<SyntheticLedger.Sample> samples, double seconds, Method method) {
    Map<String, Ed25519.PublicPoint> decoded = new HashMap<>();
    Ed25519Batch batch = new Ed25519Batch();
    long started = System.nanoTime();
    long deadline = started + (long) (seconds * 1e9);
    long count = 0;
    int i = 0;
    while (true) {
      SyntheticLedger.Sample sample = samples.get(i);
      boolean valid =
          switch (method) {
            case ENCODED_KEY ->
                Ed25519Primitives.verify(sample.publicKey(), sample.message(), sample.signature());
            case DECODED_KEY ->
                Ed25519.verify(
                    sample.signature(),
                    0,
                    decoded.computeIfAbsent(
                        HexFormat.of().formatHex(sample.publicKey()),
                        key -> Ed25519.validatePublicKeyPartialExport(sample.publicKey(), 0)),
                    sample.message(),
                    0,
                    sample.message().length);
            case BATCH -> {
              batch.add(sample.publicKey(), sample.message(), sample.signature());
              boolean holds = !batch.isFull() || batch.verifyAll();
              if (batch.isFull()) {
                batch.clear();
              }
              yield holds;
            }
          };
      if (!valid) {
        throw new IllegalStateException("a generated signature does not verify");
      }
      count++;
      i = i + 1 == samples.size() ? 0 : i + 1;
      if ((count & 255) == 0 && System.nanoTime() >= deadline) {
        return count / ((System.nanoTime() - started) / 1e9);
      }
    }
  }

  /** Verifications per second on {@code threads} threads together, for comparison. */
  static double verifyRateOnThreads(List<SyntheticLedger.Sample> samples, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Double>> rates = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * samples.size() / threads;
        List<SyntheticLedger.Sample> rotated =
            new ArrayList<>(samples.subList(offset, samples.size()));
        rotated.addAll(samples.subList(0, offset));
        rates.add(pool.submit(() -> timeVerify(rotated, 3.0)));
      }
      double total = 0;
      for (Future<Double> rate : rates) {
        total += rate.get();
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }

  /** SHA-256 of the samples' canonical entries: hashes per second and bytes per second. */
  static double[] sha256Rate(List<SyntheticLedger.Sample> samples) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    double[] result = null;
    for (int round = 0; round < 2; round++) { // the first is warm-up
      long started = System.nanoTime();
      long deadline = started + 2_000_000_000L;
      long count = 0;
      long bytes = 0;
      int i = 0;
      while (true) {
        byte[] canonical = samples.get(i).canonical();
        sha.update(canonical);
        sha.digest();
        count++;
        bytes += canonical.length;
        i = i + 1 == samples.size() ? 0 : i + 1;
        if ((count & 1023) == 0 && System.nanoTime() >= deadline) {
          double seconds = (System.nanoTime() - started) / 1e9;
          result = new double[] {count / seconds, bytes / seconds};
          break;
        }
      }
    }
    return result;
  }

  // --- the verifier as a separate process
  // ---------------------------------------------------------

  private record Line(double seconds, String text) {}

  private static final class VerifierRun {
    int exitCode;
    boolean sound;
    double wallSeconds;
    double reportedSeconds;
    double userSeconds;
    double systemSeconds;
    double postgresCpuSeconds;
    long maxRssTime;
    long maxRssProc;
    long heapBeforeGcMax;
    long heapAfterGcMax;
    long heapCommittedMax;
    int gcPauses;
    double gcPauseSeconds;
    final List<String> failures = new ArrayList<>();
    final List<Line> stderr = Collections.synchronizedList(new ArrayList<>());
  }

  private static VerifierRun runVerifier(Path jar, String url, TestPostgres postgres, String jfr)
      throws Exception {
    Path gcLog = Files.createTempFile("verify-gc-", ".log");
    // Only the name is wanted: the JVM would archive an existing log file as <name>.0.
    Files.delete(gcLog);
    List<String> command = new ArrayList<>();
    boolean timeV = Files.isExecutable(Path.of("/usr/bin/time"));
    if (timeV) {
      command.addAll(List.of("/usr/bin/time", "-v"));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-Xlog:gc:file=" + gcLog);
    if (!jfr.isEmpty()) {
      command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
    }
    command.addAll(
        List.of("-jar", jar.toString(), "verify", "--db", url, "--user", postgres.user()));
    if (!postgres.password().isEmpty()) {
      command.addAll(List.of("--password", postgres.password()));
    }
    command.add("--json");

    VerifierRun run = new VerifierRun();
    double postgresBefore = postgresCpuSeconds();
    long started = System.nanoTime();
    Process process = new ProcessBuilder(command).start();
    StringBuilder stdout = new StringBuilder();
    Thread readOut = reader(process.getInputStream(), line -> stdout.append(line).append('\n'));
    Thread readErr =
        reader(
            process.getErrorStream(),
            line -> run.stderr.add(new Line((System.nanoTime() - started) / 1e9, line)));
    AtomicLong hwm = new AtomicLong();
    Thread poll =
        new Thread(
            () -> {
              while (process.isAlive()) {
                ProcessHandle java =
                    timeV
                        ? process.toHandle().children().findFirst().orElse(null)
                        : process.toHandle();
                if (java != null) {
                  hwm.accumulateAndGet(vmHwm(java.pid()), Math::max);
                }
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    poll.setDaemon(true);
    poll.start();
    run.exitCode = process.waitFor();
    run.wallSeconds = (System.nanoTime() - started) / 1e9;
    readOut.join();
    readErr.join();
    poll.interrupt();
    Thread.sleep(300); // lets the postmaster reap the verifier's backend
    run.postgresCpuSeconds = postgresCpuSeconds() - postgresBefore;
    run.maxRssProc = hwm.get();

    String text = stdout.toString().trim();
    int brace = text.indexOf('{');
    if (brace >= 0) {
      JsonNode report = JSON.readTree(text.substring(brace));
      run.sound = report.path("sound").asBoolean(false);
      run.reportedSeconds = report.path("seconds").asDouble();
      for (JsonNode failure : report.path("failures")) {
        run.failures.add(failure.toString());
      }
    }
    List<Line> lines;
    synchronized (run.stderr) {
      lines = new ArrayList<>(run.stderr);
    }
    for (Line line : lines) {
      String s = line.text().trim();
      if (s.startsWith("Maximum resident set size (kbytes):")) {
        run.maxRssTime = Long.parseLong(s.substring(s.indexOf(':') + 1).trim()) * 1024;
      } else if (s.startsWith("User time (seconds):")) {
        run.userSeconds = Double.parseDouble(s.substring(s.indexOf(':') + 1).trim());
      } else if (s.startsWith("System time (seconds):")) {
        run.systemSeconds = Double.parseDouble(s.substring(s.indexOf(':') + 1).trim());
      }
    }
    for (String line : Files.readAllLines(gcLog)) {
      Matcher gc = GC.matcher(line);
      if (gc.find()) {
        run.heapBeforeGcMax = Math.max(run.heapBeforeGcMax, bytes(gc.group(1), gc.group(2)));
        run.heapAfterGcMax = Math.max(run.heapAfterGcMax, bytes(gc.group(3), gc.group(4)));
        run.heapCommittedMax = Math.max(run.heapCommittedMax, bytes(gc.group(5), gc.group(6)));
        Matcher pause = Pattern.compile("([\\d.]+)ms\\s*$").matcher(line);
        if (line.contains("Pause") && pause.find()) {
          run.gcPauses++;
          run.gcPauseSeconds += Double.parseDouble(pause.group(1)) / 1000;
        }
      }
    }
    Files.deleteIfExists(gcLog);
    return run;
  }

  private static long bytes(String number, String unit) {
    long n = Long.parseLong(number);
    return switch (unit) {
      case "K" -> n << 10;
      case "M" -> n << 20;
      default -> n << 30;
    };
  }

  private static Thread reader(InputStream stream, java.util.function.Consumer<String> lines) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.accept(line);
                }
              } catch (IOException e) {
                // The process ended.
              }
            });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The peak resident set of a process in bytes, from {@code /proc/<pid>/status}. */
  private static long vmHwm(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Gone, or no /proc.
    }
    return 0;
  }

  /**
   * CPU seconds used so far by the PostgreSQL processes on this machine: every live process named
   * postgres, plus the children the postmaster has already reaped (such as a finished backend).
   */
  private static double postgresCpuSeconds() {
    Map<Long, long[]> stats = new HashMap<>();
    Map<Long, Long> parents = new HashMap<>();
    try (var pids = Files.list(Path.of("/proc"))) {
      for (Path dir : (Iterable<Path>) pids::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(dir.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (!stat.substring(open + 1, close).equals("postgres")) {
            continue;
          }
          String[] fields = stat.substring(close + 2).split(" ");
          // Fields after the name, from 3 (state): ppid is 4, utime 14, stime 15, cutime 16,
          // cstime 17.
          long pid = Long.parseLong(name);
          parents.put(pid, Long.parseLong(fields[1]));
          stats.put(
              pid,
              new long[] {
                Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                Long.parseLong(fields[13]) + Long.parseLong(fields[14])
              });
        } catch (IOException | RuntimeException e) {
          // Gone meanwhile.
        }
      }
    } catch (IOException e) {
      return 0;
    }
    long ticks = 0;
    for (Map.Entry<Long, long[]> process : stats.entrySet()) {
      ticks += process.getValue()[0];
      if (!stats.containsKey(parents.get(process.getKey()))) {
        ticks += process.getValue()[1]; // the postmaster: its reaped children too
      }
    }
    return ticks / 100.0; // USER_HZ
  }

  // --- where the time goes ----------------------------------------------------------------------

  /** Prints where the verifier's CPU samples fall, from its flight recording. */
  private static Map<String, Long> profile(Path recording) throws IOException {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    Map<String, Long> categories = new LinkedHashMap<>();
    Map<String, String> markers = new LinkedHashMap<>();
    markers.put("Ed25519 (Bouncy Castle)", "org.bouncycastle.math.ec.rfc8032.");
    markers.put("SHA-256", "sun.security.provider.");
    markers.put("PostgreSQL JDBC", "org.postgresql.");
    markers.put("Jackson (JSON)", "com.fasterxml.jackson.");
    markers.put("entry decoding (EntryCodec)", "org.carbonledger.chain.EntryCodec");
    markers.put("java.time parsing", "java.time.format.");
    markers.put("credit replay", "org.carbonledger.audit.replay.");
    markers.put("stored nodes", "org.carbonledger.audit.verify.StoredNodeCheck");
    markers.forEach((name, prefix) -> categories.put(name, 0L));
    Map<String, Long> mainCategories = new LinkedHashMap<>(categories);
    Map<String, Long> mainSelf = new HashMap<>();
    long mainTotal = 0;
    long total = 0;
    Map<String, Long> waiting = new HashMap<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      String type = event.getEventType().getName();
      if (event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
        continue;
      }
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (type.equals("jdk.NativeMethodSample")) {
        String thread = event.getThread("sampledThread").getJavaName();
        waiting.merge(thread + " in " + method(frames.get(0)), 1L, Long::sum);
        continue;
      }
      if (!type.equals("jdk.ExecutionSample")) {
        continue;
      }
      total++;
      String thread = event.getThread("sampledThread").getJavaName();
      boolean main = "main".equals(thread);
      self.merge(method(frames.get(0)), 1L, Long::sum);
      threads.merge(thread, 1L, Long::sum);
      if (main) {
        mainTotal++;
        mainSelf.merge(method(frames.get(0)), 1L, Long::sum);
      }
      for (Map.Entry<String, String> marker : markers.entrySet()) {
        if (frames.stream().anyMatch(f -> method(f).startsWith(marker.getValue()))) {
          categories.merge(marker.getKey(), 1L, Long::sum);
          if (main) {
            mainCategories.merge(marker.getKey(), 1L, Long::sum);
          }
        }
      }
    }
    System.out.printf("%nVerifier CPU samples (JFR, %,d in total)%n", total);
    System.out.println("  by thread:");
    top(threads, 6, total);
    System.out.println("  by what is on the stack (inclusive):");
    long all = total;
    categories.forEach(
        (name, count) ->
            System.out.printf(
                Locale.ROOT, "    %-40s %6d  %5.1f%%%n", name, count, 100.0 * count / all));
    System.out.println("  hottest methods (self):");
    top(self, 15, total);
    System.out.printf("  main thread only (%,d samples), inclusive:%n", mainTotal);
    long mains = mainTotal;
    mainCategories.forEach(
        (name, count) ->
            System.out.printf(
                Locale.ROOT, "    %-40s %6d  %5.1f%%%n", name, count, 100.0 * count / mains));
    System.out.println("  main thread only, hottest methods (self):");
    top(mainSelf, 15, mainTotal);
    long waits = waiting.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("  native (I/O) samples, %,d:%n", waits);
    top(waiting, 6, waits);
    categories.put("total", total);
    return categories;
  }

  private static void top(Map<String, Long> counts, int limit, long total) {
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "    %-70s %6d  %5.1f%%%n",
                    e.getKey().length() > 70 ? e.getKey().substring(0, 70) : e.getKey(),
                    e.getValue(),
                    100.0 * e.getValue() / Math.max(1, total)));
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  // --- the machine and the database -------------------------------------------------------------

  private static long databaseBytes(String url, TestPostgres postgres) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement sql = connection.createStatement();
        ResultSet row =
            sql.executeQuery(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                    + " AND c.relkind = 'r'")) {
      row.next();
      return row.getLong(1);
    }
  }

  private static String cpuModel() {
    try {
      Optional<String> model =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(line -> line.startsWith("model name"))
              .map(line -> line.substring(line.indexOf(':') + 1).trim())
              .findFirst();
      return model.orElse(ManagementFactory.getOperatingSystemMXBean().getArch());
    } catch (IOException e) {
      return ManagementFactory.getOperatingSystemMXBean().getArch();
    }
  }

  private VerifyBenchmark() {}
}
