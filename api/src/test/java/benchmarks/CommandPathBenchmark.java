package benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.api.LedgerApplication;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.store.GroupCommitCommandBus;
import org.carbonledger.testsupport.RegistrySetup;
import org.carbonledger.testsupport.TestPostgres;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The ledger's command path against its limit: transfers (and retirements) per second and the
 * latency of each command, sent through Axon's {@link CommandGateway} by 1, 8 and 32 concurrent
 * clients, on one durable PostgreSQL (fsync on) started by this program, in two configurations side
 * by side in one run:
 *
 * <ul>
 *   <li><b>service</b>: the whole service ({@link LedgerApplication}: the audit chain with its
 *       hashing and Ed25519 signing, the Merkle sequencer and checkpoints, the projections, the web
 *       layer idle);
 *   <li><b>bare</b>: bare Axon on the same store, the limit ({@link
 *       ChainOverheadBenchmark.BareAxon}: the same aggregates and event store tables without
 *       chaining, signing, sequencing or projections).
 * </ul>
 *
 * <p>Each measurement sends the same number of commands to fresh batches of a fresh project, so
 * that both configurations replay streams of the same length: (a) <i>many batches</i>, 128 batches,
 * client {@code c} using batches {@code c, c + clients, ...} in turn; (b) <i>hot batch</i>, every
 * command on one batch, whose stream grows by one event per command and which Axon's aggregate lock
 * serialises. Rounds run both configurations back to back so that drift on a shared machine affects
 * both alike; the figures are medians over rounds.
 *
 * <p>Run with {@code bench/command-path.sh [commands] [rounds] [clients,...]}. Prints a table and
 * writes {@code target/bench/parts/command-path.json}; asserts nothing. {@code
 * -Dbench.pgwaits=true} also samples what PostgreSQL's backends wait on during each measurement;
 * {@code -Dbench.jfr=<folder>} records each measurement with Flight Recorder into a file of its own
 * there (read it with {@link JfrSummary}).
 */
public final class CommandPathBenchmark {

  private static final int MANY_BATCHES = 128;

  /** The two configurations compared. */
  enum Mode {
    BARE("bare", ChainOverheadBenchmark.BareAxon.class),
    SERVICE("service", LedgerApplication.class);

    final String label;
    final Class<?> application;

    Mode(String label, Class<?> application) {
      this.label = label;
      this.application = application;
    }
  }

  enum Spread {
    MANY("manyBatches"),
    HOT("hotBatch");

    final String label;

    Spread(String label) {
      this.label = label;
    }
  }

  enum Kind {
    TRANSFER,
    RETIREMENT
  }

  /** One measurement's result. */
  record Result(double perSecond, double p50, double p99, int commands, long streamLength) {}

  private final int commands;
  private final int rounds;
  private final List<Integer> clientCounts;
  private final boolean pgWaits = Boolean.getBoolean("bench.pgwaits");
  private final String jfrDirectory = System.getProperty("bench.jfr", "");
  private final List<String> stalls = new ArrayList<>();

  /** Seconds each configuration warmed up for, by "mode round n". */
  private final Map<String, Long> warmUps = new LinkedHashMap<>();

  /** Results by key (e.g. "service transfer 32 manyBatches"), one per round. */
  private final Map<String, List<Result>> results = new LinkedHashMap<>();

  private CommandPathBenchmark(int commands, int rounds, List<Integer> clientCounts) {
    this.commands = commands;
    this.rounds = rounds;
    this.clientCounts = clientCounts;
  }

  public static void main(String[] args) throws Exception {
    int commands = args.length > 0 ? Integer.parseInt(args[0]) : 1_600;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    List<Integer> clients = new ArrayList<>();
    for (String n : (args.length > 2 ? args[2] : "1,8,32").split(",")) {
      clients.add(Integer.parseInt(n.trim()));
    }
    System.setProperty("axoniq.update-checker.disabled", "true");
    System.setProperty("disable-axoniq-console-message", "true");
    new CommandPathBenchmark(commands, rounds, clients).run();
    // Axon keeps a non-daemon janitor thread alive after its contexts close.
    System.exit(0);
  }

  private void run() throws Exception {
    String loadBefore = FigureSheet.loadAverage();
    long started = System.nanoTime();
    TestPostgres postgres = TestPostgres.startDurable();
    List<String> modes = List.of(System.getProperty("bench.modes", "bare,service").split(","));
    for (int round = 1; round <= rounds; round++) {
      for (Mode mode : Mode.values()) {
        if (modes.contains(mode.label)) {
          measure(postgres, mode, round);
        }
      }
    }
    report(loadBefore, (System.nanoTime() - started) / 1e9);
  }

  /** How many commands a measurement with this many clients sends. */
  private int commandsFor(int clients, Spread spread) {
    // The hot batch's stream, which every command replays, grows by one event per command: it
    // is as long for every number of clients (bench.hot.commands, 400), or the figures would not
    // compare. One client is latency-bound and slow; it sends a quarter.
    if (spread == Spread.HOT) {
      return Integer.getInteger("bench.hot.commands", 400);
    }
    if (clients == 1) {
      return Math.max(50, commands / 4);
    }
    return clients < 16 ? commands / 2 : commands;
  }

  /** The service's command bus, whose groups each measurement reports; null in bare Axon. */
  private GroupCommitCommandBus groupCommits;

  private void measure(TestPostgres postgres, Mode mode, int round) throws Exception {
    String url = postgres.newSchema("command_" + mode.label + "_" + round);
    PostgresActivity activity = new PostgresActivity(url, postgres.user(), postgres.password());
    activity.enableWalTiming();
    int maxClients = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(32);
    // The same pool for both: one connection per client and some for the processors.
    try (ConfigurableApplicationContext context =
        BenchApplications.start(
            mode.application, mode == Mode.SERVICE, postgres, url, maxClients + 6)) {
      CommandGateway gateway = context.getBean(CommandGateway.class);
      groupCommits = context.getBeanProvider(GroupCommitCommandBus.class).getIfAvailable();
      Function<Object, ?> send = gateway::sendAndWait;
      send.apply(new OpenAccount("bench-op", HolderType.OPERATOR, "Operator", "CN-HB"));
      send.apply(new OpenAccount("bench-a", HolderType.ENTERPRISE, "A", "CN-HB"));
      send.apply(new OpenAccount("bench-b", HolderType.ENTERPRISE, "B", "CN-HB"));
      AtomicInteger projects = new AtomicInteger();

      // Flight Recorder's own code is warmed up too: started cold, its compilations delayed the
      // compilation of Ed25519's field arithmetic for a minute and made signing look four times
      // as expensive as it is.
      Recording warmRecording = null;
      if (!jfrDirectory.isBlank()) {
        warmRecording = new Recording(Configuration.getConfiguration("profile"));
        warmRecording.start();
      }
      warmUp(mode, round, gateway, send, projects, maxClients);
      if (warmRecording != null) {
        warmRecording.stop();
        warmRecording.close();
      }
      activity.analyze();

      for (int clients : clientCounts) {
        for (Spread spread : Spread.values()) {
          List<String> batches = batches(send, projects, spread == Spread.HOT ? 1 : MANY_BATCHES);
          record(
              mode,
              round,
              Kind.TRANSFER,
              clients,
              spread,
              activity,
              () -> drive(gateway, batches, clients, commandsFor(clients, spread), Kind.TRANSFER));
        }
      }
      int retirementClients = maxClients;
      List<String> batches = batches(send, projects, MANY_BATCHES);
      record(
          mode,
          round,
          Kind.RETIREMENT,
          retirementClients,
          Spread.MANY,
          activity,
          () -> drive(gateway, batches, retirementClients, commands, Kind.RETIREMENT));
      if (mode == Mode.SERVICE) {
        checkProjections(context, url, postgres, round);
      }
    }
  }

  /**
   * Warms up the JIT, the pool and the caches on batches of their own, with every kind of command
   * measured, until the JIT compiler threads are nearly idle: at least {@code
   * bench.command.warmup.seconds} (10), then until a slice in which they used less than a tenth of
   * a core, at most {@code bench.command.warmup.max-seconds} (40). A fixed 2,600 commands left C2
   * compiling through the measurements on two cores (0.4 to 1.1 CPU-s of JIT in a 3-second
   * measurement), and the ratios moved by 0.15 or more between runs. Later contexts in the same JVM
   * find most of the code compiled and stop at the minimum.
   */
  private void warmUp(
      Mode mode,
      int round,
      CommandGateway gateway,
      Function<Object, ?> send,
      AtomicInteger projects,
      int clients)
      throws Exception {
    int least = Integer.getInteger("bench.command.warmup.seconds", 10);
    int most = Math.max(least, Integer.getInteger("bench.command.warmup.max-seconds", 40));
    long started = System.nanoTime();
    while (true) {
      long compiled = CompilerCpu.millis();
      long sliceStarted = System.nanoTime();
      drive(gateway, batches(send, projects, MANY_BATCHES), clients, 1_000, Kind.TRANSFER);
      drive(gateway, batches(send, projects, 1), clients, 100, Kind.TRANSFER);
      drive(gateway, batches(send, projects, MANY_BATCHES), clients, 200, Kind.RETIREMENT);
      double sliceMillis = (System.nanoTime() - sliceStarted) / 1e6;
      double jitShare = (CompilerCpu.millis() - compiled) / sliceMillis;
      double seconds = (System.nanoTime() - started) / 1e9;
      if ((seconds >= least && jitShare < 0.1) || seconds >= most) {
        System.out.printf(
            Locale.ROOT,
            "warm-up %s round %d: %.0f s, the JIT compiler threads used %.2f of a core in the"
                + " last slice%n",
            mode.label,
            round,
            seconds,
            jitShare);
        warmUps.put(mode.label + " round " + round, Math.round(seconds));
        return;
      }
    }
  }

  /** Whether the projections kept up; they are part of the service whose cost is measured. */
  private void checkProjections(
      ConfigurableApplicationContext context, String url, TestPostgres postgres, int round)
      throws Exception {
    long head;
    try (Connection connection =
            DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement sql = connection.createStatement();
        ResultSet row =
            sql.executeQuery("SELECT coalesce(max(global_index), 0) FROM domain_event_entry")) {
      row.next();
      head = row.getLong(1);
    }
    ProjectionProgress progress = context.getBean(ProjectionProgress.class);
    if (!progress.awaitPosition(head, Duration.ofSeconds(15))) {
      String text =
          "round "
              + round
              + ": THE PROJECTIONS STALLED at position "
              + progress.position()
              + " of "
              + head
              + " (the service's projections did no work after that)";
      System.out.println("[bench] " + text);
      stalls.add(text);
    }
  }

  private interface Measurement {
    Result run() throws Exception;
  }

  private void record(
      Mode mode,
      int round,
      Kind kind,
      int clients,
      Spread spread,
      PostgresActivity activity,
      Measurement measurement)
      throws Exception {
    PostgresActivity.Counters before = activity.counters();
    GroupCommitCommandBus.Statistics groupsBefore =
        groupCommits == null ? null : groupCommits.statistics();
    PostgresActivity.WaitSampler waits = pgWaits ? activity.sampleWaits(5) : null;
    Map<String, Long> sqlBefore = SqlCounter.snapshot();
    boolean statements = activity.resetStatements();
    Cpu cpuBefore = Cpu.now();
    Recording recording = null;
    if (!jfrDirectory.isBlank()) {
      recording = new Recording(Configuration.getConfiguration("profile"));
      recording.start();
    }
    Result result = measurement.run();
    if (recording != null) {
      recording.stop();
      Path file =
          Path.of(jfrDirectory)
              .resolve(
                  String.format(
                      Locale.ROOT,
                      "%s-%s-%dclients-%s-round%d.jfr",
                      mode.label,
                      kind.name().toLowerCase(Locale.ROOT),
                      clients,
                      spread.label,
                      round));
      Files.createDirectories(file.getParent());
      recording.dump(file);
      recording.close();
      System.out.println("  recorded " + file);
    }
    Cpu cpuAfter = Cpu.now();
    PostgresActivity.Counters during = activity.counters().minus(before);
    System.out.printf(
        Locale.ROOT,
        "round %d %-7s %-10s %2d clients %-11s %,6d in %5.2f s = %,7.0f /s  p50 %6.2f ms  p99"
            + " %7.2f ms  (stream %,d)%n",
        round,
        mode.label,
        kind.name().toLowerCase(Locale.ROOT),
        clients,
        spread.label,
        result.commands(),
        result.commands() / result.perSecond(),
        result.perSecond(),
        result.p50(),
        result.p99(),
        result.streamLength());
    System.out.println("  PostgreSQL: " + during.describe(result.commands(), "command"));
    if (groupsBefore != null) {
      GroupCommitCommandBus.Statistics after = groupCommits.statistics();
      long groups = after.groups() - groupsBefore.groups();
      long grouped = after.groupedCommands() - groupsBefore.groupedCommands();
      System.out.printf(
          Locale.ROOT,
          "  command groups (ADR 0012): %,d commands in %,d groups (%.1f each), %,d alone;"
              + " %,d attempts at a group rolled back%n",
          grouped,
          groups,
          groups == 0 ? 0.0 : (double) grouped / groups,
          result.commands() - grouped,
          after.groupsRolledBack() - groupsBefore.groupsRolledBack());
    }
    System.out.println(
        "  " + cpuAfter.since(cpuBefore, result.commands(), "command", during.cpuSeconds()));
    if (SqlCounter.enabled()) {
      SqlCounter.print(sqlBefore, SqlCounter.snapshot(), result.commands(), "command");
    }
    if (statements) {
      activity.printStatements(result.commands(), "command", 12);
    }
    if (waits != null) {
      waits.stopAndPrint("waits of " + mode.label + " " + clients + " clients " + spread.label);
    }
    results.computeIfAbsent(key(mode, kind, clients, spread), k -> new ArrayList<>()).add(result);
  }

  private static String key(Mode mode, Kind kind, int clients, Spread spread) {
    return mode.label + " " + kind + " " + clients + " " + spread.label;
  }

  /** Issues fresh batches of a fresh project into bench-a; returns their ids. */
  private static List<String> batches(Function<Object, ?> send, AtomicInteger projects, int count) {
    String projectId = "BENCH" + projects.incrementAndGet();
    RegistrySetup.approvedProject(send, projectId, "bench-op");
    List<String> batches = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batches.add(RegistrySetup.issue(send, projectId, 10_000_000, "bench-a"));
    }
    return batches;
  }

  /**
   * Sends {@code total} commands from {@code clients} threads, client {@code c} using batches
   * {@code c, c + clients, ...} of the list in turn (all the same one if the list holds one).
   */
  private static Result drive(
      CommandGateway gateway, List<String> batches, int clients, int total, Kind kind)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Latencies>> work = new ArrayList<>();
    String tag = Long.toString(System.nanoTime(), 36);
    long started = System.nanoTime();
    for (int client = 0; client < clients; client++) {
      int me = client;
      int share = total / clients + (client < total % clients ? 1 : 0);
      List<String> mine = new ArrayList<>();
      for (int i = me % batches.size(); i < batches.size(); i += clients) {
        mine.add(batches.get(i));
      }
      if (mine.isEmpty()) {
        mine.add(batches.get(me % batches.size()));
      }
      work.add(
          pool.submit(
              () -> {
                Latencies latencies = new Latencies();
                for (int i = 0; i < share; i++) {
                  String batch = mine.get(i % mine.size());
                  String id = tag + "-" + me + "-" + i;
                  Object command =
                      kind == Kind.TRANSFER
                          ? new TransferCredits(batch, "T" + id, "bench-a", "bench-b", 1, null)
                          : new RetireCredits(
                              batch,
                              "R" + id,
                              "bench-a",
                              1,
                              null,
                              "Wuhan Marathon 2026",
                              "Benchmark retirement",
                              null,
                              RetirementPurpose.VOLUNTARY,
                              null,
                              null,
                              "CN-HB",
                              null);
                  long sent = System.nanoTime();
                  gateway.sendAndWait(command);
                  latencies.record(System.nanoTime() - sent);
                }
                return latencies;
              }));
    }
    List<Latencies> parts = new ArrayList<>();
    for (Future<Latencies> done : work) {
      parts.add(done.get());
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    Latencies all = Latencies.merge(parts);
    long stream = (long) Math.ceil((double) total / batches.size()) + 1;
    return new Result(
        total / seconds, all.percentileMillis(50), all.percentileMillis(99), total, stream);
  }

  private void report(String loadBefore, double seconds) {
    FigureSheet sheet = new FigureSheet("command-path");
    sheet.context("commandsPerMeasurement", commands);
    sheet.context("rounds", rounds);
    sheet.context("clients", clientCounts);
    sheet.context("loadAverageBefore", loadBefore);
    sheet.context("loadAverageAfter", FigureSheet.loadAverage());
    sheet.context("seconds", seconds);
    sheet.context("projectionStalls", stalls);
    sheet.context("warmUpSeconds", warmUps);
    String how =
        "CommandGateway.sendAndWait, PostgreSQL fsync on, pool = max clients + 6; median of "
            + rounds
            + " round(s), both configurations back to back per round"
            + (stalls.isEmpty()
                ? ""
                : "; THE SERVICE'S PROJECTIONS STALLED during the run (" + stalls + ")");
    for (int clients : clientCounts) {
      for (Spread spread : Spread.values()) {
        String suffix = clients + "clients." + spread.label;
        String bareName = "command.bare." + suffix;
        String serviceName = "command.transfers." + suffix;
        String shape =
            spread == Spread.HOT
                ? "all on one batch (its stream grows to "
                    + median(
                            key(Mode.SERVICE, Kind.TRANSFER, clients, spread), Result::streamLength)
                        .longValue()
                    + " events)"
                : "over " + MANY_BATCHES + " batches";
        addThree(
            sheet,
            bareName,
            key(Mode.BARE, Kind.TRANSFER, clients, spread),
            null,
            null,
            "bare Axon (the limit), transfers " + shape + "; " + how);
        String goal =
            clients == 32 && spread == Spread.MANY
                ? ">= 0.8 of limit and >= 5000 /s"
                : ">= 0.8 of limit";
        addThree(
            sheet,
            serviceName,
            key(Mode.SERVICE, Kind.TRANSFER, clients, spread),
            bareName + ".perSecond",
            goal,
            "whole service (chained, signed, sequenced, projected), signed transfers "
                + shape
                + "; "
                + how
                + ratios(
                    key(Mode.SERVICE, Kind.TRANSFER, clients, spread),
                    key(Mode.BARE, Kind.TRANSFER, clients, spread)));
      }
    }
    int clients = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(32);
    String suffix = clients + "clients." + Spread.MANY.label;
    addThree(
        sheet,
        "command.bare.retirements." + suffix,
        key(Mode.BARE, Kind.RETIREMENT, clients, Spread.MANY),
        null,
        null,
        "bare Axon (the limit), retirements over " + MANY_BATCHES + " batches; " + how);
    addThree(
        sheet,
        "command.retirements." + suffix,
        key(Mode.SERVICE, Kind.RETIREMENT, clients, Spread.MANY),
        "command.bare.retirements." + suffix + ".perSecond",
        ">= 0.8 of limit",
        "whole service, signed retirements over "
            + MANY_BATCHES
            + " batches; "
            + how
            + ratios(
                key(Mode.SERVICE, Kind.RETIREMENT, clients, Spread.MANY),
                key(Mode.BARE, Kind.RETIREMENT, clients, Spread.MANY)));
    sheet.print();
    System.out.printf(
        Locale.ROOT,
        "(%.0f s; load average %s before, %s after: a shared 2-core machine, so read ratios of"
            + " the same round, not absolute rates)%n",
        seconds,
        loadBefore,
        FigureSheet.loadAverage());
    sheet.write();
  }

  private void addThree(
      FigureSheet sheet, String name, String key, String limit, String goal, String notes) {
    sheet.add(
        name + ".perSecond", median(key, Result::perSecond), "commands/s", limit, goal, notes);
    sheet.add(name + ".p50.ms", median(key, Result::p50), "ms", null, null, "per command");
    sheet.add(name + ".p99.ms", median(key, Result::p99), "ms", null, null, "per command");
  }

  private String ratios(String measured, String bare) {
    List<Result> m = results.getOrDefault(measured, List.of());
    List<Result> b = results.getOrDefault(bare, List.of());
    StringBuilder text = new StringBuilder("; per-round ratio to bare:");
    for (int i = 0; i < Math.min(m.size(), b.size()); i++) {
      text.append(String.format(Locale.ROOT, " %.2f", m.get(i).perSecond() / b.get(i).perSecond()));
    }
    return text.toString();
  }

  private Double median(String key, Function<Result, Number> figure) {
    List<Double> values = new ArrayList<>();
    for (Result result : results.getOrDefault(key, List.of())) {
      values.add(figure.apply(result).doubleValue());
    }
    if (values.isEmpty()) {
      return Double.NaN;
    }
    values.sort(Double::compare);
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }
}
