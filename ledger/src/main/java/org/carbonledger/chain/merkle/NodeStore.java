package org.carbonledger.chain.merkle;

/**
 * Where the hashes of a log's perfect subtrees are kept, so that roots and proofs are read from
 * stored nodes instead of rebuilding the tree from its leaves (spec section 3.7).
 *
 * <p>The node at {@code (level, index)} is the root of the perfect subtree over the {@code 2^level}
 * leaves {@code [index * 2^level, (index + 1) * 2^level)}. Level 0 holds the leaf hashes. A node
 * exists once all its leaves have been appended, and never changes afterwards: the log is
 * append-only. With this layout a root or a proof reads O(log n) nodes.
 */
public interface NodeStore {

  /**
   * The number of leaves appended so far.
   *
   * @return the size, not negative
   */
  long size();

  /**
   * The hash of a complete subtree.
   *
   * @param level the subtree's height, 0 for a leaf; {@code 0 <= level < 63}
   * @param index the subtree's position among the subtrees of that level, from 0
   * @return the 32-byte hash; callers must not rely on being able to modify it
   * @throws IllegalArgumentException if the subtree is not complete, that is if {@code (index + 1)
   *     * 2^level > size()}
   */
  byte[] hash(int level, long index);
}
