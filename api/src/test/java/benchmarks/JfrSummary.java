package benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a Java Flight Recorder recording of the ledger spent its time: CPU samples by thread group,
 * by what is on the stack (inclusive: Ed25519 signing, SHA-256, Jackson, the JDBC driver, Hikari,
 * aggregate loading, the event store, the chain, the projections, Spring, Tomcat), the hottest
 * methods, the threads found in native code (mostly waiting on a socket: PostgreSQL or HTTP), and
 * the time threads spent parked or blocked, by the first frame that is not the JDK's (Hikari's
 * pool, Axon's aggregate lock, ...). GC pauses and the machine's CPU load complete the picture.
 *
 * <p>{@code java -cp ... benchmarks.JfrSummary recording.jfr [thread-name-filter]}
 */
public final class JfrSummary {

  /** Inclusive categories: a sample counts for each whose marker is on its stack. */
  private static final Map<String, List<String>> CATEGORIES = new LinkedHashMap<>();

  static {
    CATEGORIES.put(
        "Ed25519 signing (Bouncy Castle)",
        List.of("org.bouncycastle.math.ec.rfc8032.", "org.carbonledger.chain.Ed25519"));
    CATEGORIES.put("SHA-256", List.of("sun.security.provider.SHA", "sun.security.provider.Digest"));
    CATEGORIES.put("Jackson (JSON)", List.of("com.fasterxml.jackson."));
    CATEGORIES.put("PostgreSQL JDBC driver", List.of("org.postgresql."));
    CATEGORIES.put(
        "Hikari connection borrow", List.of("com.zaxxer.hikari.pool.HikariPool.getConnection"));
    CATEGORIES.put(
        "aggregate loading (event-sourcing replay)",
        List.of(
            "org.axonframework.eventsourcing.EventSourcingRepository.doLoadWithLock",
            "org.axonframework.eventsourcing.EventSourcedAggregate.initializeState"));
    CATEGORIES.put(
        "event store reads (stream fetch)",
        List.of(
            "org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine.fetchDomainEvents",
            "org.axonframework.eventsourcing.eventstore.BatchingEventStorageEngine.readEventData"));
    CATEGORIES.put(
        "event store tracking fetch (processors)",
        List.of(
            "org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine.fetchTrackedEvents",
            "org.axonframework.eventsourcing.eventstore.EmbeddedEventStore$EventProducer"));
    CATEGORIES.put(
        "event store append (incl. chain)",
        List.of(
            "org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine.appendEvents",
            "org.carbonledger.auditlog.ChainingEventStorageEngine.appendEvents"));
    CATEGORIES.put("audit chain (ChainWriter)", List.of("org.carbonledger.auditlog.ChainWriter"));
    CATEGORIES.put("account check (account stream fold)", List.of("org.carbonledger.accounts."));
    CATEGORIES.put("Merkle sequencer", List.of("org.carbonledger.auditlog.MerkleSequencer"));
    CATEGORIES.put("checkpointer", List.of("org.carbonledger.auditlog.Checkpointer"));
    CATEGORIES.put("projections", List.of("org.carbonledger.projections."));
    CATEGORIES.put("Axon command bus and gateway", List.of("org.axonframework.commandhandling."));
    CATEGORIES.put(
        "Axon unit of work (commands and processor batches)",
        List.of("org.axonframework.messaging.unitofwork."));
    CATEGORIES.put(
        "Axon event processing (processors)",
        List.of("org.axonframework.eventhandling.TrackingEventProcessor"));
    CATEGORIES.put("Spring transactions", List.of("org.springframework.transaction."));
    CATEGORIES.put("Spring Security", List.of("org.springframework.security."));
    CATEGORIES.put("Spring MVC", List.of("org.springframework.web."));
    CATEGORIES.put("Tomcat (HTTP server)", List.of("org.apache.tomcat.", "org.apache.coyote."));
    CATEGORIES.put("API key lookup", List.of("org.carbonledger.api.security.ApiClients"));
    CATEGORIES.put("java.net.http client", List.of("jdk.internal.net.http."));
    CATEGORIES.put("JFR itself", List.of("jdk.jfr."));
  }

  public static void main(String[] args) throws IOException {
    print(Path.of(args[0]), args.length > 1 ? args[1] : "");
  }

  /** Prints the summary of a recording; threads whose name lacks the filter are left out. */
  static void print(Path recording, String threadFilter) throws IOException {
    Map<String, Long> threads = new HashMap<>();
    Map<String, Long> categories = new LinkedHashMap<>();
    CATEGORIES.keySet().forEach(name -> categories.put(name, 0L));
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> selfPackages = new HashMap<>();
    Map<String, Long> natives = new HashMap<>();
    Map<String, Double> parked = new HashMap<>();
    Map<String, Double> blocked = new HashMap<>();
    Map<String, Double> socketReads = new HashMap<>();
    double gcPauseMillis = 0;
    long gcPauses = 0;
    double jvmUser = 0;
    double jvmSystem = 0;
    double machine = 0;
    long cpuLoads = 0;
    long total = 0;
    long nativeTotal = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      String type = event.getEventType().getName();
      switch (type) {
        case "jdk.GCPhasePause" -> {
          gcPauseMillis += event.getDuration().toNanos() / 1e6;
          gcPauses++;
          continue;
        }
        case "jdk.CPULoad" -> {
          jvmUser += event.getFloat("jvmUser");
          jvmSystem += event.getFloat("jvmSystem");
          machine += event.getFloat("machineTotal");
          cpuLoads++;
          continue;
        }
        default -> {}
      }
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      List<RecordedFrame> frames = stack.getFrames();
      String thread = threadOf(event);
      if (!threadFilter.isEmpty() && !thread.contains(threadFilter)) {
        continue;
      }
      switch (type) {
        case "jdk.ExecutionSample" -> {
          total++;
          threads.merge(group(thread), 1L, Long::sum);
          String top = method(frames.get(0));
          self.merge(top, 1L, Long::sum);
          selfPackages.merge(packageOf(frames.get(0)), 1L, Long::sum);
          for (Map.Entry<String, List<String>> category : CATEGORIES.entrySet()) {
            if (onStack(frames, category.getValue())) {
              categories.merge(category.getKey(), 1L, Long::sum);
            }
          }
        }
        case "jdk.NativeMethodSample" -> {
          nativeTotal++;
          natives.merge(group(thread) + " in " + method(frames.get(0)), 1L, Long::sum);
        }
        case "jdk.ThreadPark" ->
            parked.merge(
                group(thread) + " at " + firstOwnFrame(frames),
                millis(event.getDuration()),
                Double::sum);
        case "jdk.JavaMonitorEnter" ->
            blocked.merge(
                group(thread) + " at " + firstOwnFrame(frames),
                millis(event.getDuration()),
                Double::sum);
        case "jdk.SocketRead" ->
            socketReads.merge(
                group(thread) + " at " + firstOwnFrame(frames),
                millis(event.getDuration()),
                Double::sum);
        default -> {}
      }
    }
    System.out.printf(
        "%nJFR %s%s%n",
        recording, threadFilter.isEmpty() ? "" : " (threads *" + threadFilter + "*)");
    if (cpuLoads > 0) {
      System.out.printf(
          Locale.ROOT,
          "  CPU load (mean of %d samples): this JVM %.0f%% user + %.0f%% system, machine %.0f%%"
              + " (100%% = both cores)%n",
          cpuLoads,
          100 * jvmUser / cpuLoads,
          100 * jvmSystem / cpuLoads,
          100 * machine / cpuLoads);
    }
    System.out.printf(Locale.ROOT, "  GC pauses: %d, %.0f ms in all%n", gcPauses, gcPauseMillis);
    System.out.printf("  CPU samples: %,d%n  by thread group:%n", total);
    top(threads, 10, total);
    System.out.println("  by what is on the stack (inclusive; categories overlap):");
    long all = total;
    categories.forEach(
        (name, count) -> {
          if (count > 0) {
            System.out.printf(
                Locale.ROOT, "    %-50s %6d  %5.1f%%%n", name, count, 100.0 * count / all);
          }
        });
    System.out.println("  self time by package:");
    top(selfPackages, 14, total);
    System.out.println("  hottest methods (self):");
    top(self, 20, total);
    System.out.printf(
        "  threads in native code (waiting on sockets, mostly): %,d samples%n", nativeTotal);
    top(natives, 10, nativeTotal);
    System.out.println("  parked (ms, events over the recording's threshold), by first own frame:");
    topMillis(parked, 10);
    System.out.println("  blocked on monitors (ms):");
    topMillis(blocked, 6);
    System.out.println("  socket reads (ms, over threshold):");
    topMillis(socketReads, 6);
  }

  private static boolean onStack(List<RecordedFrame> frames, List<String> markers) {
    for (RecordedFrame frame : frames) {
      String method = method(frame);
      for (String marker : markers) {
        if (method.startsWith(marker)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The first frame outside java.*, jdk.* and sun.*: who parked, not how. */
  private static String firstOwnFrame(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String method = method(frame);
      if (!method.startsWith("java.") && !method.startsWith("jdk.") && !method.startsWith("sun.")) {
        return method;
      }
    }
    return method(frames.get(0));
  }

  private static String threadOf(RecordedEvent event) {
    for (String field : List.of("sampledThread", "eventThread")) {
      if (event.hasField(field)) {
        var thread = event.getThread(field);
        if (thread != null && thread.getJavaName() != null) {
          return thread.getJavaName();
        }
      }
    }
    return "?";
  }

  /** A thread's name without its number: the pool it belongs to. */
  private static String group(String thread) {
    return thread.replaceAll("[0-9]+", "#");
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static String packageOf(RecordedFrame frame) {
    String type = frame.getMethod().getType().getName();
    String[] parts = type.split("\\.");
    int keep = type.startsWith("org.") || type.startsWith("com.") ? 3 : 2;
    return String.join(".", java.util.Arrays.copyOf(parts, Math.min(keep, parts.length - 1)));
  }

  private static double millis(Duration duration) {
    return duration.toNanos() / 1e6;
  }

  private static void top(Map<String, Long> counts, int limit, long total) {
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "    %-90s %6d  %5.1f%%%n",
                    e.getKey().length() > 90 ? e.getKey().substring(0, 90) : e.getKey(),
                    e.getValue(),
                    100.0 * e.getValue() / Math.max(1, total)));
  }

  private static void topMillis(Map<String, Double> millis, int limit) {
    millis.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(limit)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "    %-90s %,9.0f ms%n",
                    e.getKey().length() > 90 ? e.getKey().substring(0, 90) : e.getKey(),
                    e.getValue()));
  }

  private JfrSummary() {}
}
