package org.carbonledger.credits;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of disjoint serial blocks, kept merged: adjacent blocks join into one, so a holding that
 * was split by transfers and reunited reads as one range again.
 *
 * <p>Every change either succeeds whole or throws {@link IllegalStateException} without changing
 * anything: a caller that asks to remove serials that are not here, or add serials that already
 * are, has a bug, and the ledger must stop rather than lose or duplicate a serial.
 */
public final class SerialBlocks {

  /** First serial of each block, mapped to its last serial. */
  private final TreeMap<Long, Long> blocks = new TreeMap<>();

  private long total;

  /** The number of credits in the set. */
  public long total() {
    return total;
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** The blocks, lowest first. */
  public List<SerialBlock> blocks() {
    List<SerialBlock> list = new ArrayList<>(blocks.size());
    blocks.forEach((first, last) -> list.add(new SerialBlock(first, last)));
    return list;
  }

  /** Whether every serial of {@code block} is in the set. */
  public boolean containsAll(SerialBlock block) {
    Map.Entry<Long, Long> holder = blocks.floorEntry(block.first());
    return holder != null && holder.getValue() >= block.last();
  }

  /**
   * The lowest {@code quantity} serials, as blocks, lowest first. The set is not changed.
   *
   * @param quantity at least 1 and at most {@link #total()}
   */
  public List<SerialBlock> lowest(long quantity) {
    if (quantity < 1 || quantity > total) {
      throw new IllegalStateException("cannot take " + quantity + " of " + total + " credits");
    }
    List<SerialBlock> taken = new ArrayList<>();
    long needed = quantity;
    for (Map.Entry<Long, Long> block : blocks.entrySet()) {
      long count = block.getValue() - block.getKey() + 1;
      if (count >= needed) {
        taken.add(SerialBlock.ofCount(block.getKey(), needed));
        break;
      }
      taken.add(new SerialBlock(block.getKey(), block.getValue()));
      needed -= count;
    }
    return taken;
  }

  /** Adds serials that must not already be in the set. */
  public void add(List<SerialBlock> added) {
    requireDisjoint(added);
    for (SerialBlock block : added) {
      requireAbsent(block);
    }
    for (SerialBlock block : added) {
      long first = block.first();
      long last = block.last();
      Map.Entry<Long, Long> before = blocks.floorEntry(first - 1);
      if (before != null && before.getValue() == first - 1) {
        blocks.remove(before.getKey());
        first = before.getKey();
      }
      Long afterLast = blocks.remove(last + 1);
      if (afterLast != null) {
        last = afterLast;
      }
      blocks.put(first, last);
      total += block.count();
    }
  }

  /** Removes serials that must all be in the set. */
  public void remove(List<SerialBlock> removed) {
    requireDisjoint(removed);
    for (SerialBlock block : removed) {
      if (!containsAll(block)) {
        throw new IllegalStateException("serials " + block + " are not all in " + blocks());
      }
    }
    for (SerialBlock block : removed) {
      Map.Entry<Long, Long> holder = blocks.floorEntry(block.first());
      blocks.remove(holder.getKey());
      if (holder.getKey() < block.first()) {
        blocks.put(holder.getKey(), block.first() - 1);
      }
      if (block.last() < holder.getValue()) {
        blocks.put(block.last() + 1, holder.getValue());
      }
      total -= block.count();
    }
  }

  /** Blocks named twice in one change would be counted twice; that is a bug, never input. */
  private static void requireDisjoint(List<SerialBlock> blocks) {
    List<SerialBlock> sorted = new ArrayList<>(blocks);
    java.util.Collections.sort(sorted);
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i - 1).overlaps(sorted.get(i))) {
        throw new IllegalStateException(
            "serials " + sorted.get(i - 1) + " and " + sorted.get(i) + " overlap");
      }
    }
  }

  private void requireAbsent(SerialBlock block) {
    Map.Entry<Long, Long> below = blocks.floorEntry(block.last());
    if (below != null && below.getValue() >= block.first()) {
      throw new IllegalStateException(
          "serials " + block + " overlap " + below.getKey() + "-" + below.getValue());
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SerialBlocks that && blocks.equals(that.blocks);
  }

  @Override
  public int hashCode() {
    return blocks.hashCode();
  }

  @Override
  public String toString() {
    return blocks().toString();
  }
}
