package org.carbonledger.chain.merkle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Roots, inclusion proofs and consistency proofs of an RFC 9162 Merkle log, read from a {@link
 * NodeStore} (spec section 3.7).
 *
 * <p>The recursions are those of RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF and
 * SUBPROOF). Every subtree they name is either perfect, and read from the store in one lookup, or
 * lies on the right edge of the tree, and is folded from at most log2(n) perfect subtrees; the tree
 * is never rebuilt from its leaves. Proofs of a tree of size {@code n} can be made for any {@code
 * n} up to the store's size, so a log can prove what any of its earlier checkpoints said.
 */
public final class MerkleProofs {

  private MerkleProofs() {}

  /**
   * The root hash of the first {@code size} leaves.
   *
   * @param store the node store, not null
   * @param size {@code 0 <= size <= store.size()}
   * @return the 32-byte root; {@link Rfc6962#emptyRoot()} for size 0
   * @throws IllegalArgumentException if the size is out of range
   */
  public static byte[] root(NodeStore store, long size) {
    checkSize(store, size);
    return size == 0 ? Rfc6962.emptyRoot() : subtreeHash(store, 0, size);
  }

  /**
   * The inclusion proof (audit path) of a leaf in the tree of the first {@code size} leaves,
   * ordered from the leaf's sibling up to the root's child.
   *
   * @param store the node store, not null
   * @param leafIndex {@code 0 <= leafIndex < size}
   * @param size {@code 1 <= size <= store.size()}
   * @return the proof's hashes, empty for a tree of one leaf
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static List<byte[]> inclusionProof(NodeStore store, long leafIndex, long size) {
    checkSize(store, size);
    if (leafIndex < 0 || leafIndex >= size) {
      throw new IllegalArgumentException(
          "leafIndex " + leafIndex + " is outside the tree of size " + size);
    }
    List<byte[]> proof = new ArrayList<>();
    path(store, leafIndex, 0, size, proof);
    return proof;
  }

  /**
   * The consistency proof that the tree of the first {@code size2} leaves extends the tree of the
   * first {@code size1} leaves.
   *
   * @param store the node store, not null
   * @param size1 the older size, {@code 1 <= size1 <= size2}; a proof from the empty tree would
   *     prove nothing, so none is made
   * @param size2 the newer size, {@code size2 <= store.size()}
   * @return the proof's hashes, empty when the sizes are equal
   * @throws IllegalArgumentException if a size is out of range
   */
  public static List<byte[]> consistencyProof(NodeStore store, long size1, long size2) {
    checkSize(store, size2);
    if (size1 < 1 || size1 > size2) {
      throw new IllegalArgumentException(
          "consistency proofs need 1 <= size1 <= size2, were " + size1 + " and " + size2);
    }
    List<byte[]> proof = new ArrayList<>();
    if (size1 < size2) {
      subproof(store, size1, 0, size2, true, proof);
    }
    return proof;
  }

  /** RFC 9162 PATH(m, D[start:end]), appending the deepest hash first. */
  private static void path(NodeStore store, long m, long start, long end, List<byte[]> proof) {
    long n = end - start;
    if (n == 1) {
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m < start + k) {
      path(store, m, start, start + k, proof);
      proof.add(subtreeHash(store, start + k, end));
    } else {
      path(store, m, start + k, end, proof);
      proof.add(subtreeHash(store, start, start + k));
    }
  }

  /** RFC 9162 SUBPROOF(m, D[start:end], b), with m as an absolute leaf count. */
  private static void subproof(
      NodeStore store, long m, long start, long end, boolean whole, List<byte[]> proof) {
    if (m == end) {
      // The old tree's subtree is complete here; the verifier knows its hash only if it is the
      // whole old tree.
      if (!whole) {
        proof.add(subtreeHash(store, start, end));
      }
      return;
    }
    long k = largestPowerOfTwoBelow(end - start);
    if (m <= start + k) {
      subproof(store, m, start, start + k, whole, proof);
      proof.add(subtreeHash(store, start + k, end));
    } else {
      subproof(store, m, start + k, end, false, proof);
      proof.add(subtreeHash(store, start, start + k));
    }
  }

  /**
   * MTH(D[start:end]) for a range that is a subtree of the RFC 9162 tree: a perfect aligned range
   * is one stored node; otherwise the left part is the largest power of two and is perfect, and the
   * right part recurses along the tree's right edge.
   */
  static byte[] subtreeHash(NodeStore store, long start, long end) {
    long n = end - start;
    if (Long.bitCount(n) == 1 && start % n == 0) {
      return store.hash(Long.numberOfTrailingZeros(n), start / n);
    }
    long k = largestPowerOfTwoBelow(n);
    return Rfc6962.nodeHash(
        subtreeHash(store, start, start + k), subtreeHash(store, start + k, end));
  }

  /** The largest power of two strictly less than n, for n >= 2. */
  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }

  private static void checkSize(NodeStore store, long size) {
    Objects.requireNonNull(store, "store");
    if (size < 0 || size > store.size()) {
      throw new IllegalArgumentException(
          "size " + size + " is outside the store's 0.." + store.size());
    }
  }
}
