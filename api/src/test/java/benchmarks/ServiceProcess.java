package benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.carbonledger.api.LedgerApplication;
import org.springframework.boot.SpringApplication;

/**
 * The service exactly as {@link LedgerApplication#main} starts it, in a JVM of its own, plus one
 * daemon thread that samples the process's memory every {@code bench.memory.interval-ms} (250) into
 * the file named by {@code bench.memory.file}, one line per sample:
 *
 * <pre>
 * epochMillis vmRssKb vmHwmKb heapUsedBytes heapCommittedBytes nonHeapUsedBytes cpuNanos jitMillis
 * </pre>
 *
 * from {@code /proc/self/status} (VmRSS, VmHWM), the {@link MemoryMXBean}, the process's CPU time
 * and the CPU time of the JIT compiler threads ({@link CompilerCpu}). The load generator runs in
 * another process, so neither its memory nor its CPU is counted here.
 */
public final class ServiceProcess {

  public static void main(String[] args) throws Exception {
    String file = System.getProperty("bench.memory.file");
    if (file != null && !file.isBlank()) {
      long interval = Long.getLong("bench.memory.interval-ms", 250);
      Thread sampler = new Thread(() -> sample(Path.of(file), interval), "bench-memory-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }
    SpringApplication.run(LedgerApplication.class, args);
  }

  private static void sample(Path file, long intervalMillis) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    var os = ManagementFactory.getOperatingSystemMXBean();
    try (PrintWriter out =
        new PrintWriter(
            Files.newBufferedWriter(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE))) {
      while (true) {
        long rss = 0;
        long hwm = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmRSS:")) {
            rss = kilobytes(line);
          } else if (line.startsWith("VmHWM:")) {
            hwm = kilobytes(line);
          }
        }
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        long cpu =
            os instanceof com.sun.management.OperatingSystemMXBean sun
                ? sun.getProcessCpuTime()
                : -1;
        out.printf(
            "%d %d %d %d %d %d %d %d%n",
            System.currentTimeMillis(),
            rss,
            hwm,
            heap.getUsed(),
            heap.getCommitted(),
            nonHeap.getUsed(),
            cpu,
            CompilerCpu.millis());
        out.flush();
        Thread.sleep(intervalMillis);
      }
    } catch (IOException | InterruptedException e) {
      System.err.println("[bench] the memory sampler stopped: " + e);
    }
  }

  private static long kilobytes(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  private ServiceProcess() {}
}
