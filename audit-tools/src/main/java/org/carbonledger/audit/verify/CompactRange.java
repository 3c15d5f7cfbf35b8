package org.carbonledger.audit.verify;

import java.util.ArrayList;
import java.util.List;
import org.carbonledger.chain.merkle.Rfc6962;

/**
 * The root of an RFC 6962 tree computed while its leaves stream past, in memory that grows with the
 * logarithm of the size only: it keeps the roots of the perfect subtrees along the right edge, and
 * merges two of equal size whenever a leaf completes them.
 */
final class CompactRange {

  /** Receives every interior node as a leaf completes it. */
  interface NodeSink {
    /**
     * @param level the node's height above the leaves, at least 1
     * @param index the node's index among the nodes of its level
     */
    void node(int level, long index, byte[] hash);
  }

  private final NodeSink sink;

  CompactRange() {
    this((level, index, hash) -> {});
  }

  CompactRange(NodeSink sink) {
    this.sink = sink;
  }

  /** Perfect subtree roots, largest (leftmost) first, with their sizes. */
  private final List<byte[]> hashes = new ArrayList<>();

  private final List<Long> sizes = new ArrayList<>();
  private long size;

  void append(byte[] leafHash) {
    byte[] hash = leafHash;
    long width = 1;
    int level = 0;
    while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == width) {
      byte[] left = hashes.remove(hashes.size() - 1);
      sizes.remove(sizes.size() - 1);
      hash = Rfc6962.nodeHash(left, hash);
      width *= 2;
      level++;
      // The node covers the last `width` leaves, ending with the one appended now.
      sink.node(level, (size + 1 - width) / width, hash);
    }
    hashes.add(hash);
    sizes.add(width);
    size++;
  }

  long size() {
    return size;
  }

  /** The root of the leaves appended so far (RFC 6962 MTH). */
  byte[] root() {
    if (hashes.isEmpty()) {
      return Rfc6962.emptyRoot();
    }
    byte[] root = hashes.get(hashes.size() - 1);
    for (int i = hashes.size() - 2; i >= 0; i--) {
      root = Rfc6962.nodeHash(hashes.get(i), root);
    }
    return root;
  }
}
