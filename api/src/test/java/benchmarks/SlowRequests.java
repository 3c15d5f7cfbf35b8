package benchmarks;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * With {@code -Dbench.slow.ms=N}, remembers when the open loop's requests that took longer than N
 * ms were due, and prints them as episodes on the wall clock, so that they can be laid beside the
 * service's GC log ({@code -Xlog:gc:file=...:time}) or PostgreSQL's: is a slow tail one cause at a
 * few moments, or everywhere? Without the property it records nothing.
 */
final class SlowRequests {

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final long thresholdNanos = Long.getLong("bench.slow.ms", 0) * 1_000_000;
  private final long startNanos;
  private final long startMillis;

  /** Per 10 ms of due time since the start: how many slow requests, and the slowest. */
  private final Map<Long, long[]> byTenMillis = new TreeMap<>();

  SlowRequests(long startNanos, long startMillis) {
    this.startNanos = startNanos;
    this.startMillis = startMillis;
  }

  void note(long dueNanos, long doneNanos) {
    long took = doneNanos - dueNanos;
    if (thresholdNanos <= 0 || took <= thresholdNanos) {
      return;
    }
    synchronized (byTenMillis) {
      long[] slot =
          byTenMillis.computeIfAbsent((dueNanos - startNanos) / 10_000_000, k -> new long[2]);
      slot[0]++;
      slot[1] = Math.max(slot[1], took);
    }
  }

  /** Prints one line per episode: slow requests due less than 100 ms apart belong together. */
  void print(String phase) {
    if (thresholdNanos <= 0) {
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "[bench] %s: requests over %d ms, by when they were due (UTC):%n",
        phase,
        thresholdNanos / 1_000_000);
    long first = -1;
    long last = -1;
    long count = 0;
    long slowest = 0;
    for (Map.Entry<Long, long[]> slot : byTenMillis.entrySet()) {
      if (first >= 0 && slot.getKey() - last > 10) {
        printEpisode(first, last, count, slowest);
        first = -1;
      }
      if (first < 0) {
        first = slot.getKey();
        count = 0;
        slowest = 0;
      }
      last = slot.getKey();
      count += slot.getValue()[0];
      slowest = Math.max(slowest, slot.getValue()[1]);
    }
    if (first >= 0) {
      printEpisode(first, last, count, slowest);
    }
  }

  private void printEpisode(long first, long last, long count, long slowest) {
    System.out.printf(
        Locale.ROOT,
        "    %s to %s: %,d requests, the slowest %.1f ms%n",
        CLOCK.format(Instant.ofEpochMilli(startMillis + first * 10)),
        CLOCK.format(Instant.ofEpochMilli(startMillis + last * 10 + 10)),
        count,
        slowest / 1e6);
  }
}
