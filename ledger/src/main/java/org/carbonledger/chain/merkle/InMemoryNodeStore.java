package org.carbonledger.chain.merkle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An append-only {@link NodeStore} in memory, for tests, tools and verifiers that replay a log.
 *
 * <p>Appending a leaf stores its hash at level 0 and then every perfect subtree it completes, one
 * per level while the new node is a right child. An append computes at most log2(n) node hashes,
 * one on average, and nothing is ever recomputed. Methods are synchronized, so appends and reads
 * may come from different threads; at most {@link Integer#MAX_VALUE} leaves fit.
 */
public final class InMemoryNodeStore implements NodeStore {

  private final List<List<byte[]>> levels = new ArrayList<>();

  /** An empty store. */
  public InMemoryNodeStore() {}

  /**
   * Appends the leaf whose data is given.
   *
   * @param leafData the leaf data, not null
   * @return the new leaf's index
   */
  public long appendLeafData(byte[] leafData) {
    return appendLeafHash(Rfc6962.leafHash(leafData));
  }

  /**
   * Appends a leaf by its leaf hash, {@link Rfc6962#leafHash} of its data.
   *
   * @param leafHash exactly 32 bytes; copied
   * @return the new leaf's index
   * @throws IllegalArgumentException if the hash is not 32 bytes
   * @throws IllegalStateException if the store is full
   */
  public synchronized long appendLeafHash(byte[] leafHash) {
    Objects.requireNonNull(leafHash, "leafHash");
    if (leafHash.length != Rfc6962.HASH_BYTES) {
      throw new IllegalArgumentException("leafHash must be 32 bytes, was " + leafHash.length);
    }
    if (levels.isEmpty()) {
      levels.add(new ArrayList<>());
    }
    List<byte[]> leaves = levels.get(0);
    if (leaves.size() == Integer.MAX_VALUE) {
      throw new IllegalStateException("the in-memory store is full");
    }
    long leafIndex = leaves.size();
    leaves.add(leafHash.clone());

    // While the node just stored is a right child, its parent's subtree is now complete.
    long index = leafIndex;
    byte[] node = leafHash;
    for (int level = 0; (index & 1) == 1; level++) {
      byte[] left = levels.get(level).get((int) (index - 1));
      node = Rfc6962.nodeHash(left, node);
      if (levels.size() == level + 1) {
        levels.add(new ArrayList<>());
      }
      levels.get(level + 1).add(node);
      index >>= 1;
    }
    return leafIndex;
  }

  @Override
  public synchronized long size() {
    return levels.isEmpty() ? 0 : levels.get(0).size();
  }

  @Override
  public synchronized byte[] hash(int level, long index) {
    if (level < 0 || level >= levels.size() || index < 0 || index >= levels.get(level).size()) {
      throw new IllegalArgumentException(
          "no complete subtree at level " + level + ", index " + index + " in size " + size());
    }
    return levels.get(level).get((int) index).clone();
  }
}
