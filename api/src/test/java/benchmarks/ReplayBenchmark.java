package benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.api.LedgerApplication;
import org.carbonledger.auditlog.AuditMetadata;
import org.carbonledger.auditlog.MerkleSequencer;
import org.carbonledger.credits.Batch;
import org.carbonledger.credits.BatchEvent;
import org.carbonledger.credits.BatchEvent.BatchIssued;
import org.carbonledger.credits.BatchEvent.CreditsCancelled;
import org.carbonledger.credits.BatchEvent.CreditsRetired;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.credits.BatchHoldings;
import org.carbonledger.credits.CancellationKind;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.Projections;
import org.carbonledger.testsupport.RegistrySetup;
import org.carbonledger.testsupport.TestPostgres;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How fast the projections are rebuilt from scratch: the whole service ({@link LedgerApplication})
 * on a durable PostgreSQL (fsync on) holding a ledger of credit movements (30,000 by default; the
 * issue's size is {@code bench/replay.sh 100000}), whose {@value Projections#PROCESSING_GROUP}
 * processor is reset the supported way (its token reset, which runs every projection's reset
 * handler and so empties their tables) and then replays every event; measured from the processor's
 * start until {@code projection_position} reaches the last event. It first replays the same events
 * {@code bench.replay.warmups} times (1) unmeasured, since the JIT compiler otherwise takes most of
 * a core through the replay (8 to 11 CPU-s of a 12 to 15 s replay of 100,000 events): the figure is
 * the rate of a rebuild whose code is compiled, as in a long rebuild of a large ledger. The first
 * replay's rate is kept as {@code replay.cold.eventsPerSecond}.
 *
 * <p>The ledger: accounts, a project and 100 batches set up through the command gateway, then the
 * movements (80% transfers, 17% retirements, 3% cancellations, of 1 to 20 credits, between 16
 * accounts, or {@code bench.replay.accounts}) appended straight through the service's own chained
 * event storage engine, in transactions of 2,000 events: the same event classes, serializer, chain
 * entries and signatures as the command path writes, chosen with the aggregate's own {@link
 * BatchHoldings}, without paying the command path's per-command cost (measured by {@code
 * bench/command-path.sh}). Both streaming processors are stopped while it is written; the sequencer
 * stays stopped during the replay, as idle as it is on a ledger that has caught up.
 *
 * <p>Run with {@code bench/replay.sh [events]}. Prints a table and writes {@code
 * target/bench/parts/replay.json}; asserts nothing. {@code -Dbench.jfr=<file>} records the replay
 * alone with Flight Recorder and prints where its time goes; {@code -Dbench.countsql=true} counts
 * the round trips to the database per event ({@link SqlCounter}); {@code -Dbench.pgwaits=true}
 * samples what PostgreSQL's backends wait on.
 */
public final class ReplayBenchmark {

  /**
   * The accounts the movements go between ({@code bench.replay.accounts}, 16): more accounts
   * scatter each batch's serials over more holding blocks.
   */
  private static final int ACCOUNTS = Integer.getInteger("bench.replay.accounts", 16);

  private static final int BATCHES = 100;
  private static final int CHUNK = 2_000;

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 30_000;
    System.setProperty("axoniq.update-checker.disabled", "true");
    System.setProperty("disable-axoniq-console-message", "true");
    new ReplayBenchmark().run(events);
    System.exit(0);
  }

  private void run(long movements) throws Exception {
    String loadBefore = FigureSheet.loadAverage();
    long started = System.nanoTime();
    TestPostgres postgres = TestPostgres.startDurable();
    String url = postgres.newSchema("replay");
    try (ConfigurableApplicationContext context =
        BenchApplications.start(LedgerApplication.class, true, postgres, url, null)) {
      CommandGateway gateway = context.getBean(CommandGateway.class);
      EventStore eventStore = context.getBean(EventStore.class);
      ProjectionProgress progress = context.getBean(ProjectionProgress.class);
      EventProcessingConfiguration processing = context.getBean(EventProcessingConfiguration.class);
      TrackingEventProcessor projections =
          processing
              .eventProcessor(Projections.PROCESSING_GROUP, TrackingEventProcessor.class)
              .orElseThrow();
      TrackingEventProcessor sequencer =
          processing
              .eventProcessor(MerkleSequencer.PROCESSING_GROUP, TrackingEventProcessor.class)
              .orElseThrow();

      // The registry, through the command path.
      Function<Object, ?> send = gateway::sendAndWait;
      send.apply(new OpenAccount("bench-op", HolderType.OPERATOR, "Operator", "CN-HB"));
      List<String> accounts = new ArrayList<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        accounts.add("bench-" + i);
        send.apply(new OpenAccount("bench-" + i, HolderType.ENTERPRISE, "A" + i, "CN-HB"));
      }
      RegistrySetup.approvedProject(send, "BENCH", "bench-op");
      List<String> batches = new ArrayList<>();
      for (int i = 0; i < BATCHES; i++) {
        batches.add(
            RegistrySetup.issue(send, "BENCH", 1_000_000, accounts.get(i % accounts.size())));
      }
      if (!progress.awaitPosition(head(url, postgres), Duration.ofSeconds(60))) {
        throw new IllegalStateException("the projections did not catch up with the set-up");
      }
      projections.shutDown();
      sequencer.shutDown();

      long generateStarted = System.nanoTime();
      generate(context.getBean(EventStorageEngine.class), eventStore, batches, accounts, movements);
      double generateSeconds = (System.nanoTime() - generateStarted) / 1e9;
      long head = head(url, postgres);
      long events = count(url, postgres);
      System.out.printf(
          Locale.ROOT,
          "[bench] wrote %,d movements in %.1f s (%,.0f events/s, chained and signed); the ledger"
              + " holds %,d events%n",
          movements,
          generateSeconds,
          movements / generateSeconds,
          events);

      Double coldRate = null;
      for (int warmUp = 1; warmUp <= Integer.getInteger("bench.replay.warmups", 1); warmUp++) {
        long warmStarted = System.nanoTime();
        projections.resetTokens();
        projections.start();
        while (progress.position() < head) {
          Thread.sleep(25);
        }
        projections.shutDown();
        double warmRate = events / ((System.nanoTime() - warmStarted) / 1e9);
        if (coldRate == null) {
          coldRate = warmRate;
        }
        System.out.printf(
            Locale.ROOT, "[bench] warm-up replay %d: %,.0f events/s%n", warmUp, warmRate);
      }

      PostgresActivity activity = new PostgresActivity(url, postgres.user(), postgres.password());
      activity.enableWalTiming();
      PostgresActivity.Counters before = activity.counters();
      PostgresActivity.WaitSampler waits =
          Boolean.getBoolean("bench.pgwaits") ? activity.sampleWaits(5) : null;
      Map<String, Long> sqlBefore = SqlCounter.snapshot();
      Cpu cpuBefore = Cpu.now();
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      Recording recording = startRecording();
      long resetStarted = System.nanoTime();
      projections.resetTokens();
      double resetSeconds = (System.nanoTime() - resetStarted) / 1e9;
      long replayStarted = System.nanoTime();
      projections.start();
      while (progress.position() < head) {
        Thread.sleep(25);
      }
      double replaySeconds = (System.nanoTime() - replayStarted) / 1e9;
      Cpu cpuAfter = Cpu.now();
      double processorCpu = 0;
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.getName().startsWith("EventProcessor[" + Projections.PROCESSING_GROUP)) {
          processorCpu += threads.getThreadCpuTime(thread.getId()) / 1e9;
        }
      }
      PostgresActivity.Counters during = activity.counters().minus(before);
      if (waits != null) {
        waits.stopAndPrint("waits during the replay");
      }
      if (SqlCounter.enabled()) {
        SqlCounter.print(sqlBefore, SqlCounter.snapshot(), events, "event replayed");
      }
      stopRecording(recording);
      double rate = events / replaySeconds;
      System.out.printf(
          Locale.ROOT,
          "replay: %,d events in %.2f s = %,.0f events/s (the reset itself took %.2f s)%n",
          events,
          replaySeconds,
          rate,
          resetSeconds);
      System.out.println("  PostgreSQL: " + during.describe(events, "event"));
      System.out.println("  " + cpuAfter.since(cpuBefore, events, "event", during.cpuSeconds()));
      System.out.printf(
          Locale.ROOT,
          "  the projections thread ran on a CPU %.1f s of the replay's %.1f s (%.2f ms per event);"
              + " the rest it waited, on PostgreSQL or for a core%n",
          processorCpu,
          replaySeconds,
          1000 * processorCpu / events);
      long blocks = single(url, postgres, "SELECT count(*) FROM holding_block");
      System.out.printf(
          Locale.ROOT,
          "  the rebuilt holdings: %,d blocks, %,.0f per batch on average%n",
          blocks,
          blocks / (double) BATCHES);

      FigureSheet sheet = new FigureSheet("replay");
      String how =
          "the projections processor's token reset (its reset handlers empty the tables), then"
              + " replay of every event to projection_position = head; whole service, PostgreSQL"
              + " fsync on, processor batch size 10,000 and 1,000 events per read (service defaults), sequencer stopped, after"
              + " a warm-up replay of the same events; "
              + String.format(Locale.ROOT, "%,d", events)
              + " events ("
              + BATCHES
              + " batches, "
              + ACCOUNTS
              + " accounts; 80% transfers, 17% retirements, 3% cancellations)";
      sheet.add("replay.eventsPerSecond", rate, "events/s", null, ">= 50000 /s", how);
      sheet.add("replay.seconds", replaySeconds, "s", null, null, how);
      if (coldRate != null) {
        sheet.add(
            "replay.cold.eventsPerSecond",
            coldRate,
            "events/s",
            null,
            null,
            "the first, unmeasured replay, while the JIT compiles the replay's code");
      }
      sheet.add("replay.events", events, "events", null, null, "events in the ledger replayed");
      sheet.add(
          "replay.reset.seconds",
          resetSeconds,
          "s",
          null,
          null,
          "resetTokens(): the reset handlers delete every projection row");
      sheet.context("generateSeconds", generateSeconds);
      sheet.context("loadAverageBefore", loadBefore);
      sheet.context("loadAverageAfter", FigureSheet.loadAverage());
      sheet.context("seconds", (System.nanoTime() - started) / 1e9);
      sheet.print();
      System.out.printf(
          Locale.ROOT,
          "(%.0f s; load average %s before, %s after: a shared 2-core machine)%n",
          (System.nanoTime() - started) / 1e9,
          loadBefore,
          FigureSheet.loadAverage());
      sheet.write();
    }
  }

  /** Appends {@code movements} valid movements of the batches, chained and signed. */
  private static void generate(
      EventStorageEngine engine,
      EventStore eventStore,
      List<String> batches,
      List<String> accounts,
      long movements) {
    SplittableRandom random = new SplittableRandom(20_260_412L);
    Map<String, BatchHoldings> holdings = new HashMap<>();
    Map<String, Long> sequences = new HashMap<>();
    String type = null;
    for (String batchId : batches) {
      String stream = Batch.streamId(batchId);
      DomainEventMessage<?> last = null;
      var events = eventStore.readEvents(stream);
      while (events.hasNext()) {
        last = events.next();
        if (last.getPayload() instanceof BatchIssued issued) {
          holdings.put(batchId, BatchHoldings.issued(issued));
        }
      }
      type = last.getType();
      sequences.put(batchId, last.getSequenceNumber());
    }
    String actor = "client:00000000000000b1";
    List<EventMessage<?>> chunk = new ArrayList<>(CHUNK);
    for (long n = 0; n < movements; n++) {
      String batchId = batches.get(random.nextInt(batches.size()));
      BatchHoldings batch = holdings.get(batchId);
      int fromIndex = random.nextInt(accounts.size());
      for (int tries = 0;
          batch.tradableIn(accounts.get(fromIndex)) == 0 && tries < accounts.size();
          tries++) {
        fromIndex = (fromIndex + 1) % accounts.size();
      }
      String from = accounts.get(fromIndex);
      long quantity = Math.min(batch.tradableIn(from), 1 + random.nextInt(20));
      if (quantity == 0) {
        n--;
        continue;
      }
      List<SerialBlock> blocks = batch.select(from, quantity, null, "accountId");
      String id = UUID.randomUUID().toString();
      int kind = random.nextInt(100);
      BatchEvent event;
      if (kind < 80) {
        String to = accounts.get(random.nextInt(accounts.size()));
        if (to.equals(from)) {
          to = accounts.get((fromIndex + 1) % accounts.size());
        }
        event = new CreditsTransferred(batchId, "TR-" + id, from, to, quantity, blocks);
      } else if (kind < 97) {
        event =
            new CreditsRetired(
                batchId,
                "RT-" + id,
                from,
                quantity,
                blocks,
                "Wuhan Marathon 2026",
                "Carbon neutral marathon",
                null,
                RetirementPurpose.VOLUNTARY,
                null,
                null,
                "CN-HB",
                null);
      } else {
        event =
            new CreditsCancelled(
                batchId,
                "CX-" + id,
                from,
                quantity,
                blocks,
                CancellationKind.ADMINISTRATIVE,
                "double counted");
      }
      batch.apply(event);
      long sequence = sequences.merge(batchId, 1L, Long::sum);
      String correlation = UUID.randomUUID().toString();
      chunk.add(
          new GenericDomainEventMessage<>(
              type,
              Batch.streamId(batchId),
              sequence,
              event,
              Map.of(
                  AuditMetadata.ACTOR,
                  actor,
                  "traceId",
                  correlation,
                  "correlationId",
                  correlation)));
      if (chunk.size() == CHUNK) {
        engine.appendEvents(chunk);
        chunk = new ArrayList<>(CHUNK);
      }
    }
    if (!chunk.isEmpty()) {
      engine.appendEvents(chunk);
    }
  }

  private static Recording startRecording() throws Exception {
    String file = System.getProperty("bench.jfr", "");
    if (file.isBlank()) {
      return null;
    }
    Recording recording = new Recording(Configuration.getConfiguration("profile"));
    recording.setDestination(Path.of(file));
    recording.start();
    return recording;
  }

  private static void stopRecording(Recording recording) throws Exception {
    if (recording == null) {
      return;
    }
    recording.stop();
    recording.close();
    JfrSummary.print(Path.of(System.getProperty("bench.jfr")), "");
  }

  private static long head(String url, TestPostgres postgres) throws Exception {
    return single(url, postgres, "SELECT coalesce(max(global_index), 0) FROM domain_event_entry");
  }

  private static long count(String url, TestPostgres postgres) throws Exception {
    return single(url, postgres, "SELECT count(*) FROM domain_event_entry");
  }

  private static long single(String url, TestPostgres postgres, String query) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement sql = connection.createStatement();
        ResultSet row = sql.executeQuery(query)) {
      row.next();
      return row.getLong(1);
    }
  }

  private ReplayBenchmark() {}
}
