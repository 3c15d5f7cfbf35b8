package org.carbonledger.audit.bundle;

import java.util.ArrayList;
import java.util.List;
import org.carbonledger.chain.merkle.Rfc6962;

/**
 * The RFC 6962 root of leaves that stream past, in memory logarithmic in their number: the roots of
 * the perfect subtrees along the tree's right edge, merged whenever a leaf completes two of equal
 * size.
 */
final class MerkleFrontier {

  /** Perfect subtree roots, largest (leftmost) first. */
  private final List<byte[]> hashes = new ArrayList<>();

  private long size;

  /**
   * Appends a leaf hash.
   *
   * @param completed told of every perfect subtree the leaf completes, level 1 and up, as (level,
   *     index, hash); may be null
   */
  void append(byte[] leafHash, NodeSink completed) {
    byte[] hash = leafHash;
    long index = size;
    int level = 0;
    while ((index & 1) == 1) {
      hash = Rfc6962.nodeHash(hashes.remove(hashes.size() - 1), hash);
      index >>= 1;
      level++;
      if (completed != null) {
        completed.node(level, index, hash);
      }
    }
    hashes.add(hash);
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

  /** Receives the nodes of completed perfect subtrees. */
  interface NodeSink {
    void node(int level, long index, byte[] hash);
  }
}
