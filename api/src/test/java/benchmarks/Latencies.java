package benchmarks;

import java.util.Arrays;

/**
 * Latencies in nanoseconds, recorded by one thread (merge the recorders of several threads with
 * {@link #merge}); exact percentiles by sorting, which is cheap for the few hundred thousand
 * samples a run holds.
 */
final class Latencies {

  private long[] samples = new long[1024];
  private int size;
  private boolean sorted;

  void record(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
    sorted = false;
  }

  static Latencies merge(Iterable<Latencies> parts) {
    Latencies all = new Latencies();
    for (Latencies part : parts) {
      for (int i = 0; i < part.size; i++) {
        all.record(part.samples[i]);
      }
    }
    return all;
  }

  int count() {
    return size;
  }

  /** The value below which {@code percent} of the samples fall (nearest rank), in milliseconds. */
  double percentileMillis(double percent) {
    if (size == 0) {
      return Double.NaN;
    }
    if (!sorted) {
      Arrays.sort(samples, 0, size);
      sorted = true;
    }
    int rank = (int) Math.ceil(percent / 100.0 * size);
    return samples[Math.min(size - 1, Math.max(0, rank - 1))] / 1e6;
  }

  double maxMillis() {
    return percentileMillis(100);
  }

  double meanMillis() {
    if (size == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += samples[i];
    }
    return sum / size / 1e6;
  }
}
