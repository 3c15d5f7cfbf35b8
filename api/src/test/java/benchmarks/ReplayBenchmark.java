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
 * unmeasured, at least {@code bench.replay.warmups} times (3) and until the JIT compiler uses less
 * than a twentieth of a core through one (at most {@code bench.replay.max-warmups}, 8), since the
 * compiler otherwise takes most of a core through the replay (8 to 11 CPU-s of a 12 to 15 s replay
 * of 100,000 events, and after three replays still a fifth to a third of a core): the figure is the
 * rate of a rebuild whose code is compiled, as in a long rebuild of a large ledger. The first
 * replay's rate is kept as {@code replay.cold.eventsPerSecond}. Before the measured replay a {@code
 * CHECKPOINT} lets PostgreSQL reuse its WAL segments, as a database that has run a while does.
 *
 * <p>The ledger: accounts, a project and 100 batches set up through the command gateway, then the
 * movements (80% transfers, 17% retirements, 3% cancellations, of 1 to 20 credits, between 16
 * accounts, or {@code bench.replay.accounts}) appended straight through the service's own chained
 * event storage engine, in transactions of 2,000 events: the same event classes, serializer, chain
 * entries and signatures as the command path writes, chosen with the aggregate's own {@link
 * BatchHoldings}, without paying the command path's per-command cost (measured by {@code
 * bench/command-path.sh}). The projections are stopped while it is written; the sequencer logs it
 * meanwhile and is stopped during the replay, as idle as it is on a ledger that has caught up.
 *
 * <p>Then the sequencer's lag at a fixed event rate ({@code bench.sequencer.rate}, 3,000 events/s,
 * for {@code bench.sequencer.seconds}, 20; rate 0 skips it): movements written the same way, a
 * transaction every 10 ms, with the projections and the sequencer running; each event's lag from
 * its commit to the first signed checkpoint covering it ({@link #sequencerAtRate}).
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

  /**
   * The event rate of the sequencer's measurement ({@code bench.sequencer.rate}, 3,000/s; 0 skips
   * it) and how long it lasts ({@code bench.sequencer.seconds}, 20).
   */
  private static final int SEQUENCER_RATE = Integer.getInteger("bench.sequencer.rate", 3_000);

  private static final int SEQUENCER_SECONDS = Integer.getInteger("bench.sequencer.seconds", 20);

  /** The size of the Merkle log: leaves are numbered from 0 without gaps. */
  private static final String LOG_SIZE = "SELECT coalesce(max(leaf_index) + 1, 0) FROM merkle_leaf";

  /** How often the sequencer's measurement looks at the log and the checkpoints, in ms. */
  private static final long LOG_POLL_MILLIS = 10;

  private static final int CHUNK = 2_000;

  /**
   * Unmeasured replays before the measured one: at least {@code bench.replay.warmups} (3), and
   * more, up to {@code bench.replay.max-warmups} (8), until the JIT compiler's threads use less
   * than {@link #IDLE_COMPILER} of a core through a replay.
   */
  private static final int MIN_WARM_UPS = Integer.getInteger("bench.replay.warmups", 3);

  private static final int MAX_WARM_UPS =
      Math.max(MIN_WARM_UPS, Integer.getInteger("bench.replay.max-warmups", 8));

  /** The compiler's share of a core below which the replay's code counts as compiled. */
  private static final double IDLE_COMPILER = 0.05;

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
      // The sequencer logs the movements as they are written (it is needed for the sequencer's
      // measurement after the replay, and catching up later would add half a minute), and is
      // stopped once it has: during the replay it is as idle as on a ledger that has caught up.

      long generateStarted = System.nanoTime();
      EventStorageEngine engine = context.getBean(EventStorageEngine.class);
      Movements generator = new Movements(eventStore, batches, accounts);
      generate(engine, generator, movements);
      awaitLog(sequencer, url, postgres);
      sequencer.shutDown();
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

      indexes = indexes(url, postgres);
      Double coldRate = null;
      int warmUps = 0;
      double compilerShare = 1;
      while (warmUps < MIN_WARM_UPS || (compilerShare >= IDLE_COMPILER && warmUps < MAX_WARM_UPS)) {
        warmUps++;
        projections.resetTokens();
        long compilerBefore = CompilerCpu.millis();
        long warmStarted = System.nanoTime();
        projections.start();
        awaitRebuilt(progress, head, url, postgres);
        double warmSeconds = (System.nanoTime() - warmStarted) / 1e9;
        compilerShare = (CompilerCpu.millis() - compilerBefore) / 1e3 / warmSeconds;
        projections.shutDown();
        double warmRate = events / warmSeconds;
        checkRebuilt(url, postgres);
        if (coldRate == null) {
          coldRate = warmRate;
        }
        System.out.printf(
            Locale.ROOT,
            "[bench] warm-up replay %d: %,.0f events/s, the JIT compiler %.2f of a core%n",
            warmUps,
            warmRate,
            compilerShare);
      }

      // A registry that has run for a while reuses its old WAL segments once a checkpoint has
      // passed them. This cluster is minutes old and has not checkpointed yet, so without one the
      // replay's backend would itself create and zero-fill a 16 MB segment for every 16 MB of WAL
      // it writes (IO:WALInitWrite and IO:WALInitSync, a tenth of its time): a cost of a new
      // database, not of the replay.
      try (Connection connection =
              DriverManager.getConnection(url, postgres.user(), postgres.password());
          Statement sql = connection.createStatement()) {
        sql.execute("CHECKPOINT");
      }
      PostgresActivity activity = new PostgresActivity(url, postgres.user(), postgres.password());
      activity.enableWalTiming();
      PostgresActivity.Counters before = activity.counters();
      PostgresActivity.WaitSampler waits =
          Boolean.getBoolean("bench.pgwaits") ? activity.sampleWaits(5) : null;
      boolean statements = activity.resetStatements();
      Map<String, Long> sqlBefore = SqlCounter.snapshot();
      Cpu cpuBefore = Cpu.now();
      Recording recording = startRecording();
      long resetStarted = System.nanoTime();
      projections.resetTokens();
      double resetSeconds = (System.nanoTime() - resetStarted) / 1e9;
      long replayStarted = System.nanoTime();
      projections.start();
      awaitRebuilt(progress, head, url, postgres);
      double replaySeconds = (System.nanoTime() - replayStarted) / 1e9;
      Cpu cpuAfter = Cpu.now();
      // The processor's thread was started for this replay: its whole CPU time is the replay's.
      double processorCpu = processorCpuSeconds(Projections.PROCESSING_GROUP);
      PostgresActivity.Counters during = activity.counters().minus(before);
      if (waits != null) {
        waits.stopAndPrint("waits during the replay");
      }
      if (SqlCounter.enabled()) {
        SqlCounter.print(sqlBefore, SqlCounter.snapshot(), events, "event replayed");
      }
      if (statements) {
        activity.printStatements(events, "event", 12);
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
          "  the projections thread ran on a CPU %.1f s of the replay's %.1f s (%.3f ms per event);"
              + " the rest it waited, on PostgreSQL or for a core%n",
          processorCpu,
          replaySeconds,
          1000 * processorCpu / events);
      checkRebuilt(url, postgres);
      long blocks = single(url, postgres, "SELECT count(*) FROM holding_block");
      System.out.printf(
          Locale.ROOT,
          "  the rebuilt holdings: %,d blocks, %,.0f per batch on average%n",
          blocks,
          blocks / (double) BATCHES);

      SequencerLag sequencerLag = null;
      if (SEQUENCER_RATE > 0) {
        // The tables grew from nothing to the whole ledger within a minute, faster than
        // autovacuum analyzes them, and a plan PostgreSQL made for a table of a few hundred rows
        // can scan it whole; the most likely cause of the one run whose sequencer fell 17 s
        // behind (docs/performance.md). A registry in service has statistics; so does this one
        // from here on, as the other benchmarks' do after their warm-up.
        activity.analyze();
        sequencerLag = sequencerAtRate(sequencer, engine, generator, url, postgres);
      }

      FigureSheet sheet = new FigureSheet("replay");
      String how =
          "the projections processor's token reset (its reset handlers empty the tables), then"
              + " replay of every event to projection_position = head; whole service, PostgreSQL"
              + " fsync on, processor batch size 20,000 and 1,000 events per read (service defaults),"
              + " sequencer stopped, after "
              + warmUps
              + " unmeasured replays of the same events and a checkpoint; "
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
      if (sequencerLag != null) {
        sequencerLag.addTo(sheet);
      }
      sheet.context("generateSeconds", generateSeconds);
      sheet.context("warmUpReplays", warmUps);
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

  /**
   * Valid movements of the batches, one after the other: each drawn from the holdings the batch's
   * events so far leave (the aggregate's own {@link BatchHoldings}), with the stream's next
   * sequence number, as the command path would write them.
   */
  private static final class Movements {
    private final SplittableRandom random = new SplittableRandom(20_260_412L);
    private final Map<String, BatchHoldings> holdings = new HashMap<>();
    private final Map<String, Long> sequences = new HashMap<>();
    private final List<String> batches;
    private final List<String> accounts;
    private final String type;
    private final String actor = "client:00000000000000b1";

    Movements(EventStore eventStore, List<String> batches, List<String> accounts) {
      this.batches = batches;
      this.accounts = accounts;
      String lastType = null;
      for (String batchId : batches) {
        DomainEventMessage<?> last = null;
        var events = eventStore.readEvents(Batch.streamId(batchId));
        while (events.hasNext()) {
          last = events.next();
          if (last.getPayload() instanceof BatchIssued issued) {
            holdings.put(batchId, BatchHoldings.issued(issued));
          }
        }
        lastType = last.getType();
        sequences.put(batchId, last.getSequenceNumber());
      }
      this.type = lastType;
    }

    /** The next movement: 80% transfers, 17% retirements, 3% cancellations, of 1 to 20 credits. */
    DomainEventMessage<?> next() {
      while (true) {
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
        return new GenericDomainEventMessage<>(
            type,
            Batch.streamId(batchId),
            sequence,
            event,
            Map.of(
                AuditMetadata.ACTOR, actor, "traceId", correlation, "correlationId", correlation));
      }
    }
  }

  /** Appends {@code count} movements, chained and signed, in transactions of {@value #CHUNK}. */
  private static void generate(EventStorageEngine engine, Movements movements, long count) {
    List<EventMessage<?>> chunk = new ArrayList<>(CHUNK);
    for (long n = 0; n < count; n++) {
      chunk.add(movements.next());
      if (chunk.size() == CHUNK) {
        engine.appendEvents(chunk);
        chunk = new ArrayList<>(CHUNK);
      }
    }
    if (!chunk.isEmpty()) {
      engine.appendEvents(chunk);
    }
  }

  /** What the sequencer did at a fixed event rate. */
  private record SequencerLag(
      double sequencerCpuMillisPerEvent,
      long written,
      double writeSeconds,
      Latencies total,
      Latencies toLeaf) {

    void addTo(FigureSheet sheet) {
      String how =
          String.format(
              Locale.ROOT,
              "%,d movements written straight through the chained storage engine (signed, one"
                  + " transaction every %d ms holding what fell due), the projections running;"
                  + " each event's lag from its transaction's commit to the first signed"
                  + " checkpoint seen covering its leaf, polling log_checkpoint and merkle_leaf"
                  + " every %d ms (so up to that much late); checkpoints every 1000 leaves or"
                  + " 500 ms (service defaults)",
              written,
              LOG_POLL_MILLIS,
              LOG_POLL_MILLIS);
      sheet.add(
          "sequencer.fixedRate.eventsPerSecond",
          written / writeSeconds,
          "events/s",
          null,
          ">= " + (int) (0.98 * SEQUENCER_RATE) + " /s",
          "the rate the writer reached, aiming at bench.sequencer.rate ("
              + SEQUENCER_RATE
              + "/s; within 2% counts, since the measurement ends with the last transaction's"
              + " commit); "
              + how);
      sheet.add(
          "sequencer.fixedRate.lag.p50.ms", total.percentileMillis(50), "ms", null, null, how);
      sheet.add(
          "sequencer.fixedRate.lag.p99.ms",
          total.percentileMillis(99),
          "ms",
          null,
          "<= 1000 ms",
          how);
      sheet.add("sequencer.fixedRate.lag.max.ms", total.maxMillis(), "ms", null, null, how);
      sheet.add(
          "sequencer.fixedRate.lag.toLeaf.p99.ms",
          toLeaf.percentileMillis(99),
          "ms",
          null,
          null,
          "the part of the lag until the event's leaf was seen in merkle_leaf");
      sheet.add(
          "sequencer.fixedRate.cpu.msPerEvent",
          sequencerCpuMillisPerEvent,
          "ms",
          null,
          null,
          "the sequencer thread's CPU per event logged at that rate (one core's worth would log"
              + " 1/this events per ms), besides PostgreSQL's for its statements");
    }
  }

  /**
   * The sequencer's lag at a fixed event rate. The sequencer, stopped for the replay, is started
   * again; it logged the ledger while it was written. Then movements are written at {@value
   * #SEQUENCER_RATE} events/s for {@code bench.sequencer.seconds}: every {@value #LOG_POLL_MILLIS}
   * ms one transaction holds every movement that fell due since the last, as a busy command path
   * would commit them. A poller notes when each size of the Merkle log and of the signed
   * checkpoints first appears, so each event's lag runs from its commit to the first checkpoint
   * seen covering its leaf, split where its leaf was seen.
   *
   * <p>Why not through HTTP: the HTTP benchmark measures the lag too, but on two cores the service
   * commits about 1,000 transfers/s, a third of the rate the goal names. Written straight through
   * the storage engine, the events are the same (chained, signed, projected), without the
   * per-command cost.
   */
  private static SequencerLag sequencerAtRate(
      TrackingEventProcessor sequencer,
      EventStorageEngine engine,
      Movements movements,
      String url,
      TestPostgres postgres)
      throws Exception {
    sequencer.start();
    awaitLog(sequencer, url, postgres);
    awaitCheckpoint(url, postgres, count(url, postgres), Duration.ofSeconds(30));
    double sequencerCpuBefore = processorCpuSeconds(MerkleSequencer.PROCESSING_GROUP);

    long firstLeaf = leaves(url, postgres);
    List<long[]> logSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<long[]> checkpointsSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    var polling = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread poller =
        new Thread(
            () -> pollLog(url, postgres, polling, logSeen, checkpointsSeen), "bench-log-poller");
    poller.start();

    long total = (long) SEQUENCER_RATE * SEQUENCER_SECONDS;
    Map<String, Long> committedAt = new HashMap<>();
    long start = System.nanoTime() + 20_000_000L;
    long written = 0;
    long lastCommit = start;
    for (long tick = 1; written < total; tick++) {
      long due = start + tick * LOG_POLL_MILLIS * 1_000_000L;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      long dueByNow = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * SEQUENCER_RATE));
      List<EventMessage<?>> chunk = new ArrayList<>();
      for (; written < dueByNow; written++) {
        chunk.add(movements.next());
      }
      if (chunk.isEmpty()) {
        continue;
      }
      engine.appendEvents(chunk);
      lastCommit = System.nanoTime();
      for (EventMessage<?> event : chunk) {
        committedAt.put(event.getIdentifier(), lastCommit);
      }
    }
    double writeSeconds = (lastCommit - start) / 1e9;
    awaitCheckpoint(url, postgres, count(url, postgres), Duration.ofSeconds(60));
    double sequencerCpu =
        processorCpuSeconds(MerkleSequencer.PROCESSING_GROUP) - sequencerCpuBefore;
    Thread.sleep(2 * LOG_POLL_MILLIS);
    polling.set(false);
    poller.join(1_000);

    Latencies lag = new Latencies();
    Latencies toLeaf = new Latencies();
    long[][] checkpoints = checkpointsSeen.toArray(new long[0][]);
    long[][] log = logSeen.toArray(new long[0][]);
    try (Connection connection =
            DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement sql = connection.createStatement();
        ResultSet rows =
            sql.executeQuery(
                "SELECT event_identifier, leaf_index FROM merkle_leaf WHERE leaf_index >= "
                    + firstLeaf)) {
      while (rows.next()) {
        Long committed = committedAt.get(rows.getString(1));
        if (committed == null) {
          continue;
        }
        long leaf = rows.getLong(2);
        long covered = HttpLoadBenchmark.firstCovering(checkpoints, leaf);
        long logged = HttpLoadBenchmark.firstCovering(log, leaf);
        if (covered < 0 || logged < 0) {
          continue;
        }
        lag.record(Math.max(0, covered - committed));
        toLeaf.record(Math.max(0, logged - committed));
      }
    }
    // Events whose leaf was not in the log at all count as not covered too.
    long uncovered = committedAt.size() - lag.count();
    // How the log grew, second by second: a stalled sequencer shows as a run of zeros.
    StringBuilder growth = new StringBuilder();
    long previous = firstLeaf;
    int seen = 0;
    for (long second = 1; second <= (lastCommit - start) / 1_000_000_000L + 2; second++) {
      long at = start + second * 1_000_000_000L;
      long size = previous;
      // The sizes were seen in order, each larger than the last.
      while (seen < log.length && log[seen][0] <= at) {
        size = log[seen++][1];
      }
      growth.append(' ').append(size - previous);
      previous = size;
    }
    System.out.printf(
        Locale.ROOT,
        "sequencer at %,d events/s: %,d events in %.2f s = %,.0f events/s; lag from commit to"
            + " signed checkpoint p50 %.0f ms, p99 %.0f ms, max %.0f ms (to its leaf p99 %.0f"
            + " ms)%s; the sequencer's thread %.3f ms of CPU per event%n",
        SEQUENCER_RATE,
        written,
        writeSeconds,
        written / writeSeconds,
        lag.percentileMillis(50),
        lag.percentileMillis(99),
        lag.maxMillis(),
        toLeaf.percentileMillis(99),
        uncovered == 0 ? "" : String.format(Locale.ROOT, "; %,d not seen covered", uncovered),
        1000 * sequencerCpu / written);
    System.out.println("  leaves logged in each second:" + growth);
    return new SequencerLag(1000 * sequencerCpu / written, written, writeSeconds, lag, toLeaf);
  }

  /** Notes when each size of the Merkle log and of the signed checkpoints first appears. */
  private static void pollLog(
      String url,
      TestPostgres postgres,
      java.util.concurrent.atomic.AtomicBoolean polling,
      List<long[]> logSeen,
      List<long[]> checkpointsSeen) {
    try (Connection connection =
            DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement sql = connection.createStatement()) {
      long lastLog = -1;
      long lastCheckpoint = -1;
      while (polling.get()) {
        long leaves = single(sql, LOG_SIZE);
        long now = System.nanoTime();
        if (leaves > lastLog) {
          logSeen.add(new long[] {now, leaves});
          lastLog = leaves;
        }
        long signed = single(sql, "SELECT coalesce(max(tree_size), 0) FROM log_checkpoint");
        now = System.nanoTime();
        if (signed > lastCheckpoint) {
          checkpointsSeen.add(new long[] {now, signed});
          lastCheckpoint = signed;
        }
        Thread.sleep(LOG_POLL_MILLIS);
      }
    } catch (Exception e) {
      System.err.println("[bench] the log poller stopped: " + e);
    }
  }

  /** Waits until the sequencer has logged every event in the store. */
  private static void awaitLog(TrackingEventProcessor sequencer, String url, TestPostgres postgres)
      throws Exception {
    long events = count(url, postgres);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (leaves(url, postgres) < events) {
      if (System.nanoTime() > deadline || !sequencer.isRunning()) {
        throw new IllegalStateException(
            "the sequencer did not log the ledger's events within 5 minutes");
      }
      Thread.sleep(LOG_POLL_MILLIS);
    }
  }

  /** CPU time of a processing group's live threads so far, in seconds. */
  private static double processorCpuSeconds(String processingGroup) {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    double seconds = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("EventProcessor[" + processingGroup)) {
        seconds += threads.getThreadCpuTime(thread.getId()) / 1e9;
      }
    }
    return seconds;
  }

  /** Waits until a signed checkpoint covers {@code size} leaves. */
  private static void awaitCheckpoint(
      String url, TestPostgres postgres, long size, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (single(url, postgres, "SELECT coalesce(max(tree_size), 0) FROM log_checkpoint") < size) {
      if (System.nanoTime() > deadline) {
        System.out.printf(
            "[bench] no signed checkpoint covered %,d leaves within %s%n", size, timeout);
        return;
      }
      Thread.sleep(LOG_POLL_MILLIS);
    }
  }

  private static long leaves(String url, TestPostgres postgres) throws Exception {
    return single(url, postgres, LOG_SIZE);
  }

  private static long single(Statement sql, String query) throws Exception {
    return single(sql, query, Long.class);
  }

  private static <T> T single(Statement sql, String query, Class<T> type) throws Exception {
    try (ResultSet row = sql.executeQuery(query)) {
      row.next();
      return row.getObject(1, type);
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

  /**
   * Waits until the projections have handled the last event and built again the indexes the reset
   * suspended (ADR 0015), which the processor thread does after the batch that caught up: both are
   * part of the rebuild.
   */
  private static void awaitRebuilt(
      ProjectionProgress progress, long head, String url, TestPostgres postgres) throws Exception {
    while (progress.position() < head) {
      Thread.sleep(25);
    }
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (single(url, postgres, "SELECT count(*) FROM projection_suspended_index") > 0) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the replay reached the head, but its suspended indexes were not built in 120 s");
      }
      Thread.sleep(10);
    }
  }

  /** The indexes of the two append-only tables, by name, as the ledger was written. */
  private String indexes;

  private static String indexes(String url, TestPostgres postgres) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement sql = connection.createStatement()) {
      return single(
          sql,
          "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes"
              + " WHERE schemaname = current_schema()"
              + " AND tablename IN ('account_movement', 'retirement_register')",
          String.class);
    }
  }

  /**
   * Fails the benchmark unless the replay wrote as many account movements and register entries as
   * the stored events call for, and the tables have every index they had before: a replay that lost
   * rows or indexes would otherwise only look fast.
   */
  private void checkRebuilt(String url, TestPostgres postgres) throws Exception {
    String now = indexes(url, postgres);
    if (!now.equals(indexes)) {
      throw new IllegalStateException(
          "after the replay the tables have the indexes " + now + ", before it " + indexes);
    }
    long movements =
        single(
            url,
            postgres,
            "SELECT coalesce(sum(CASE payload_type WHEN '"
                + CreditsTransferred.class.getName()
                + "' THEN 2 WHEN '"
                + CreditsRetired.class.getName()
                + "' THEN 1 WHEN '"
                + CreditsCancelled.class.getName()
                + "' THEN 1 WHEN '"
                + BatchIssued.class.getName()
                + "' THEN 1 ELSE 0 END), 0) FROM domain_event_entry");
    long retirements =
        single(
            url,
            postgres,
            "SELECT count(*) FROM domain_event_entry WHERE payload_type = '"
                + CreditsRetired.class.getName()
                + "'");
    long movementRows = single(url, postgres, "SELECT count(*) FROM account_movement");
    long registerRows = single(url, postgres, "SELECT count(*) FROM retirement_register");
    if (movementRows != movements || registerRows != retirements) {
      throw new IllegalStateException(
          "the replay rebuilt "
              + movementRows
              + " account movements and "
              + registerRows
              + " register entries; the events call for "
              + movements
              + " and "
              + retirements);
    }
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
        Statement sql = connection.createStatement()) {
      return single(sql, query);
    }
  }

  private ReplayBenchmark() {}
}
