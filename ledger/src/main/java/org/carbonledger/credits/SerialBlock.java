package org.carbonledger.credits;

/**
 * A contiguous range of credit serial numbers, both ends included: one credit per serial, one tCO2e
 * per credit.
 *
 * @param first the lowest serial in the block, at least 1
 * @param last the highest serial in the block, not below {@code first}
 */
public record SerialBlock(long first, long last) implements Comparable<SerialBlock> {

  public SerialBlock {
    if (first < 1 || last < first) {
      throw new IllegalArgumentException(
          "a serial block runs from a first serial of at least 1 to a last serial not below it,"
              + " not "
              + first
              + ".."
              + last);
    }
  }

  /** The block of {@code count} serials starting at {@code first}. */
  public static SerialBlock ofCount(long first, long count) {
    return new SerialBlock(first, Math.addExact(first, count - 1));
  }

  /** How many credits the block holds. */
  public long count() {
    return last - first + 1;
  }

  public boolean contains(SerialBlock other) {
    return first <= other.first && other.last <= last;
  }

  public boolean overlaps(SerialBlock other) {
    return first <= other.last && other.first <= last;
  }

  @Override
  public int compareTo(SerialBlock other) {
    return Long.compare(first, other.first);
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
