package benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time this JVM's JIT compiler threads have used, in milliseconds, read from {@code
 * /proc/self/task}. The {@code CompilationMXBean}'s total compilation time is the wall time of the
 * compilations instead, which on two shared cores counts every moment a compiler thread waited for
 * a core and made a JVM look as if it compiled all the time.
 */
final class CompilerCpu {

  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private CompilerCpu() {}

  /**
   * Milliseconds of CPU of the C1 and C2 compiler threads alive now; without {@code /proc}, the
   * compilation wall time as the fallback.
   */
  static long millis() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      var jit = ManagementFactory.getCompilationMXBean();
      return jit == null ? 0 : jit.getTotalCompilationTime();
    }
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        try {
          String stat = Files.readString(thread.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            // After the name: state, then 10 fields before utime (field 14) and stime (15).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        } catch (IOException | RuntimeException e) {
          // The thread ended while being read.
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }
}
