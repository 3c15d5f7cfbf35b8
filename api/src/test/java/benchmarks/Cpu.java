package benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU time at one moment: this JVM's, one thread's if asked, and the whole machine's busy and total
 * time from {@code /proc/stat}, so that a measurement can say how much of the two cores it got and
 * how much went to other people's work on the same machine.
 */
record Cpu(
    long processNanos,
    long machineBusyTicks,
    long machineTotalTicks,
    long wallNanos,
    long jitMillis) {

  static Cpu now() {
    long process = 0;
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      process = sun.getProcessCpuTime();
    }
    long busy = 0;
    long total = 0;
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] fields = line.trim().split("\\s+");
      for (int i = 1; i < fields.length && i <= 8; i++) {
        long ticks = Long.parseLong(fields[i]);
        total += ticks;
        if (i != 4 && i != 5) { // idle, iowait
          busy += ticks;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the machine's share is unknown.
    }
    return new Cpu(process, busy, total, System.nanoTime(), CompilerCpu.millis());
  }

  /** "this JVM x ms per item, machine y% busy" between an earlier reading and this one. */
  String since(Cpu before, long items, String item, double serverCpuSeconds) {
    double wall = (wallNanos - before.wallNanos) / 1e9;
    double jvm = (processNanos - before.processNanos) / 1e9;
    long total = machineTotalTicks - before.machineTotalTicks;
    double busy =
        total == 0 ? Double.NaN : (double) (machineBusyTicks - before.machineBusyTicks) / total;
    int cores = Runtime.getRuntime().availableProcessors();
    double ours = (jvm + serverCpuSeconds) / (wall * cores);
    return String.format(
        Locale.ROOT,
        "JVM CPU %.3f ms per %s (%.2f cores; JIT compiler threads %.1f CPU-s of %.1f s); machine %.0f%%"
            + " busy, of which this benchmark (its JVMs and PostgreSQL) %.0f%% and others %.0f%%",
        items == 0 ? 0.0 : 1000 * jvm / items,
        item,
        jvm / wall,
        (jitMillis - before.jitMillis) / 1e3,
        wall,
        100 * busy,
        100 * ours,
        100 * Math.max(0, busy - ours));
  }
}
