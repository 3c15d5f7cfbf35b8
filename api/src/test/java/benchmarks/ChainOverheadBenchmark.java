package benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.api.LedgerApplication;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.testsupport.RegistrySetup;
import org.carbonledger.testsupport.TestPostgres;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * The cost of the audit chain on the command path: the same transfers through the same command
 * gateway, on the same durable PostgreSQL (fsync on) in the same run, three ways: as bare Axon (the
 * same aggregates and event store, without chaining, signing, sequencing or projections); with the
 * audit chain (every event chained, hashed and Ed25519-signed, the Merkle sequencer and the
 * checkpoints running); and as the whole service (the chain plus the projections and the web layer,
 * idle). Rounds run the three back to back so that drift on a shared machine affects all alike.
 *
 * <p>Run with {@code bench/chain-overhead.sh [transfers] [clients] [rounds]}. This prints figures;
 * it asserts nothing. The figures are also written to {@code
 * target/bench/parts/chain-overhead-<clients>-clients.json} for {@code bench/run.sh} (system
 * property {@code bench.parts} for another folder; the format is in docs/performance.md).
 */
public final class ChainOverheadBenchmark {

  private static final int BATCHES_PER_CLIENT = 4;

  /**
   * Bare Axon: the same aggregates on the same event store tables, without chaining, signing,
   * sequencing or projections (only the store and the aggregates' wiring are scanned).
   */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @ComponentScan(
      basePackages = "org.carbonledger",
      excludeFilters =
          @ComponentScan.Filter(
              type = FilterType.REGEX,
              pattern = "org\\.carbonledger\\.api\\.(?!store\\.|ledger\\.).*"))
  static class BareAxon {}

  /** Bare Axon plus the audit chain: chained and signed events, the sequencer, checkpoints. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @ComponentScan(
      basePackages = "org.carbonledger",
      excludeFilters =
          @ComponentScan.Filter(
              type = FilterType.REGEX,
              pattern = "org\\.carbonledger\\.api\\.(?!store\\.|ledger\\.|auditlog\\.).*"))
  static class ChainedAxon {}

  /** The three ways the same commands run. */
  enum Mode {
    BARE("bare", BareAxon.class),
    CHAINED("chained", ChainedAxon.class),
    SERVICE("service", LedgerApplication.class);

    final String label;
    final Class<?> application;

    Mode(String label, Class<?> application) {
      this.label = label;
      this.application = application;
    }
  }

  public static void main(String[] args) throws Exception {
    int transfers = args.length > 0 ? Integer.parseInt(args[0]) : 4_000;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    System.setProperty("axoniq.update-checker.disabled", "true");
    System.setProperty("disable-axoniq-console-message", "true");

    TestPostgres postgres = TestPostgres.startDurable();
    // Unmeasured rounds first: the first round used to be the JVM's first work, measured while C2
    // was still compiling Axon, the driver and the chain, and bare Axon, which ran first, lost the
    // most (1,860 transfers/s here against 5,276 in command-path.sh's warmed-up run of the same
    // hour, docs/performance.md).
    int warmUps = Integer.getInteger("bench.chain.warmup-rounds", 1);
    for (int round = 1; round <= warmUps; round++) {
      for (Mode mode : Mode.values()) {
        run(postgres, mode, "warm-up " + round, transfers, clients);
      }
    }
    List<Double> bare = new ArrayList<>();
    List<Double> chained = new ArrayList<>();
    List<Double> service = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      bare.add(run(postgres, Mode.BARE, "round " + round, transfers, clients));
      chained.add(run(postgres, Mode.CHAINED, "round " + round, transfers, clients));
      service.add(run(postgres, Mode.SERVICE, "round " + round, transfers, clients));
    }

    System.out.println();
    System.out.printf(
        "Command path: %,d transfers per run, %d clients, %d batches, PostgreSQL fsync on%n",
        transfers, clients, clients * BATCHES_PER_CLIENT);
    System.out.printf("%-34s %s%n", "bare Axon (transfers/s)", format(bare));
    System.out.printf("%-34s %s%n", "chained + signed (transfers/s)", format(chained));
    System.out.printf("%-34s %s%n", "whole service (transfers/s)", format(service));
    // Each round runs every mode back to back, so the per-round ratio compares like with like;
    // its median is the figure to read.
    report("chained / bare", chained, bare, 0.80);
    report("service / bare", service, bare, 0.80);
    writeFigures(transfers, clients, rounds, bare, chained, service);
    // Axon keeps a non-daemon janitor thread alive after its contexts close.
    System.exit(0);
  }

  private static void report(String name, List<Double> measured, List<Double> bare, double goal) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < bare.size(); i++) {
      ratios.add(measured.get(i) / bare.get(i));
    }
    StringBuilder perRound = new StringBuilder();
    ratios.forEach(r -> perRound.append(String.format(Locale.ROOT, " %.2f", r)));
    double ratio = median(ratios);
    System.out.printf(
        Locale.ROOT,
        "ratio %s per round:%s; median %.2f (goal >= %.2f: %s)%n",
        name,
        perRound,
        ratio,
        goal,
        ratio >= goal ? "met" : "NOT met");
  }

  /**
   * Writes the figures printed above as a part for {@code bench/run.sh}: the median rate of each
   * mode; the chained and whole-service rates name bare Axon as their limit and carry the median of
   * the per-round ratios, the figure to read; bare Axon names PostgreSQL's single-row commit rate
   * with as many connections as there are clients.
   */
  private static void writeFigures(
      int transfers,
      int clients,
      int rounds,
      List<Double> bare,
      List<Double> chained,
      List<Double> service)
      throws Exception {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    String name = "chain-overhead-" + clients + "-clients";
    ObjectNode part = json.createObjectNode();
    part.put("benchmark", name);
    part.put("transfersPerRun", transfers);
    part.put("clients", clients);
    part.put("batches", clients * BATCHES_PER_CLIENT);
    part.put("rounds", rounds);
    ArrayNode figures = part.putArray("figures");
    String perClients = clients + (clients == 1 ? "_client" : "_clients");
    String bareName = "command.bare." + perClients + ".transfers_per_s";
    String setting =
        String.format(
            Locale.ROOT,
            "%,d transfers per run, %d clients, %d batches, %d rounds, fsync on; median of rounds",
            transfers,
            clients,
            clients * BATCHES_PER_CLIENT,
            rounds);
    figure(
        figures,
        bareName,
        bare,
        null,
        "pg.commit." + clients + (clients == 1 ? "_connection" : "_connections") + ".commits_per_s",
        "bare Axon: the same aggregates and event store, no chain; " + setting);
    figure(
        figures,
        "command.chained." + perClients + ".transfers_per_s",
        chained,
        bare,
        bareName,
        "chained + signed + sequenced, no projections; ratio = median of per-round ratios; "
            + setting);
    figure(
        figures,
        "command.service." + perClients + ".transfers_per_s",
        service,
        bare,
        bareName,
        "the whole service (chain, projections, idle web layer); ratio = median of per-round"
            + " ratios; "
            + setting);
    String folder = System.getProperty("bench.parts", "target/bench/parts");
    Path file = Path.of(folder, name + ".json");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, json.writeValueAsString(part) + "\n", StandardCharsets.UTF_8);
    System.out.println("figures written to " + file);
  }

  private static void figure(
      ArrayNode figures,
      String name,
      List<Double> rates,
      List<Double> bare,
      String limit,
      String notes) {
    ObjectNode figure = figures.addObject();
    figure.put("name", name);
    figure.put("value", median(rates));
    figure.put("unit", "transfers/s");
    figure.put("limit", limit);
    ArrayNode perRound = figure.putArray("rounds");
    rates.forEach(perRound::add);
    if (bare == null) {
      figure.putNull("goal");
    } else {
      figure.putObject("goal").put("minRatio", 0.80);
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < bare.size(); i++) {
        ratios.add(rates.get(i) / bare.get(i));
      }
      figure.put("ratio", median(ratios));
      ArrayNode roundRatios = figure.putArray("roundRatios");
      ratios.forEach(roundRatios::add);
    }
    figure.put("notes", notes);
  }

  private static double run(
      TestPostgres postgres, Mode mode, String round, int transfers, int clients) throws Exception {
    String url = postgres.newSchema(mode.label + "_" + round);
    try (ConfigurableApplicationContext context =
        BenchApplications.start(
            mode.application, mode == Mode.SERVICE, postgres, url, clients + 6)) {
      CommandGateway commands = context.getBean(CommandGateway.class);
      List<String> batches = setUp(commands, clients);

      // Warm up the JIT, the pool and the caches, give the planner statistics, then measure.
      drive(commands, batches, clients, Math.max(200, transfers / 10), "w");
      new PostgresActivity(url, postgres.user(), postgres.password()).analyze();
      long started = System.nanoTime();
      drive(commands, batches, clients, transfers, "m");
      double seconds = (System.nanoTime() - started) / 1e9;
      double rate = transfers / seconds;
      System.out.printf(
          Locale.ROOT,
          "%-9s %-8s %,8d transfers in %6.2f s = %,8.0f transfers/s%n",
          round,
          mode.label,
          transfers,
          seconds,
          rate);
      return rate;
    }
  }

  /** Each client owns its batches, so clients never wait for each other's locks. */
  private static List<String> setUp(CommandGateway commands, int clients) {
    commands.sendAndWait(new OpenAccount("bench-op", HolderType.OPERATOR, "Operator", "CN-HB"));
    commands.sendAndWait(new OpenAccount("bench-a", HolderType.ENTERPRISE, "A", "CN-HB"));
    commands.sendAndWait(new OpenAccount("bench-b", HolderType.ENTERPRISE, "B", "CN-HB"));
    RegistrySetup.approvedProject(commands::sendAndWait, "BENCH", "bench-op");
    List<String> batches = new ArrayList<>();
    for (int i = 0; i < clients * BATCHES_PER_CLIENT; i++) {
      batches.add(RegistrySetup.issue(commands::sendAndWait, "BENCH", 10_000_000, "bench-a"));
    }
    return batches;
  }

  private static void drive(
      CommandGateway commands, List<String> batches, int clients, int transfers, String tag)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> work = new ArrayList<>();
    for (int client = 0; client < clients; client++) {
      int me = client;
      int share = transfers / clients + (client < transfers % clients ? 1 : 0);
      work.add(
          pool.submit(
              () -> {
                for (int i = 0; i < share; i++) {
                  String batch = batches.get(me + clients * (i % BATCHES_PER_CLIENT));
                  commands.sendAndWait(
                      new TransferCredits(
                          batch, tag + "-" + me + "-" + i, "bench-a", "bench-b", 1, null));
                }
                return null;
              }));
    }
    for (Future<?> done : work) {
      done.get();
    }
    pool.shutdown();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String format(List<Double> values) {
    StringBuilder text = new StringBuilder();
    for (double value : values) {
      text.append(String.format(Locale.ROOT, "%,9.0f", value));
    }
    return text.append(String.format(Locale.ROOT, "   median %,9.0f", median(values))).toString();
  }
}
