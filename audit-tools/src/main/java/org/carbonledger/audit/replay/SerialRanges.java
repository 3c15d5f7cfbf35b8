package org.carbonledger.audit.replay;

import java.util.Map;
import java.util.TreeMap;

/**
 * A set of serials kept as merged ranges (never overlapping, never adjacent), so that its size
 * follows the fragmentation of the serials, not the number of events that added them.
 */
final class SerialRanges {

  private final TreeMap<Long, Long> ranges = new TreeMap<>();

  /** Adds serials not yet in the set, merging with the ranges they touch. */
  void add(long first, long last) {
    long from = first;
    long to = last;
    Map.Entry<Long, Long> before = ranges.floorEntry(first);
    if (before != null && before.getValue() >= first - 1) {
      from = before.getKey();
      to = Math.max(to, before.getValue());
    }
    Map.Entry<Long, Long> after = ranges.higherEntry(from);
    while (after != null && after.getKey() <= to + 1) {
      to = Math.max(to, after.getValue());
      ranges.remove(after.getKey());
      after = ranges.higherEntry(from);
    }
    // Replaces the value of a range that grows, without changing the tree's shape.
    ranges.put(from, to);
  }

  /** The last serial of the range that holds {@code serial}, or -1 if the set lacks it. */
  long endOfRangeHolding(long serial) {
    Map.Entry<Long, Long> range = ranges.floorEntry(serial);
    return range != null && range.getValue() >= serial ? range.getValue() : -1;
  }

  /** The first serial of the set above {@code serial}, or {@link Long#MAX_VALUE} if none. */
  long nextAfter(long serial) {
    Long next = ranges.higherKey(serial);
    return next == null ? Long.MAX_VALUE : next;
  }

  /** How many ranges the set is made of. */
  int ranges() {
    return ranges.size();
  }
}
