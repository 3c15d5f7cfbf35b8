package org.carbonledger.chain.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.Hashing;

/**
 * Verification of inclusion and consistency proofs, as pure static functions following the
 * algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 step by step (spec section 3.7).
 *
 * <p>Sizes and indexes are unsigned 64-bit values in RFC 9162 and signed {@code long}s here; a
 * negative argument (an unsigned value of 2^63 or more) is rejected, as no log of this ledger can
 * reach that size. Every hash must be 32 bytes, except that two trees of equal size are consistent
 * exactly when their roots are byte-for-byte equal.
 */
public final class MerkleVerifier {

  private MerkleVerifier() {}

  /**
   * Verifies that a leaf is at an index of the tree with the given size and root (RFC 9162
   * §2.1.3.2).
   *
   * @param leafIndex the leaf's index
   * @param treeSize the tree's size
   * @param leafHash the leaf's hash, {@link Rfc6962#leafHash} of its data
   * @param proof the inclusion proof, deepest hash first
   * @param root the root hash the proof must lead to, for example from a verified checkpoint
   * @return {@link ChainFailure.InclusionProofFailed} naming the leaf and tree size, or empty if
   *     the proof holds
   */
  public static Optional<ChainFailure> verifyInclusion(
      long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] root) {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(proof, "proof");
    Objects.requireNonNull(root, "root");
    if (treeSize < 1 || leafIndex < 0 || leafIndex >= treeSize) {
      return inclusionFailed(leafIndex, treeSize, "the leaf index is not inside the tree");
    }
    if (leafHash.length != Rfc6962.HASH_BYTES) {
      return inclusionFailed(leafIndex, treeSize, "the leaf hash is not 32 bytes");
    }
    if (root.length != Rfc6962.HASH_BYTES) {
      return inclusionFailed(leafIndex, treeSize, "the root hash is not 32 bytes");
    }
    Optional<String> badElement = badElement(proof);
    if (badElement.isPresent()) {
      return inclusionFailed(leafIndex, treeSize, badElement.get());
    }

    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return inclusionFailed(leafIndex, treeSize, "the proof has too many hashes");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Rfc6962.nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        r = Rfc6962.nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      return inclusionFailed(leafIndex, treeSize, "the proof has too few hashes");
    }
    if (!Arrays.equals(r, root)) {
      return inclusionFailed(
          leafIndex,
          treeSize,
          "the proof leads to root " + Hashing.hex(r) + ", not " + Hashing.hex(root));
    }
    return Optional.empty();
  }

  /**
   * Verifies that the tree of size {@code size2} and root {@code root2} extends the tree of size
   * {@code size1} and root {@code root1}, that is that the log only grew in between (RFC 9162
   * §2.1.4.2).
   *
   * <p>A smaller {@code size2} means the log was truncated and always fails. A {@code size1} of 0
   * always fails too: every tree extends the empty one, so such a "proof" would prove nothing, and
   * accepting it would let a client believe it had checked something.
   *
   * @param size1 the older tree's size
   * @param size2 the newer tree's size
   * @param root1 the older tree's root
   * @param root2 the newer tree's root
   * @param proof the consistency proof
   * @return {@link ChainFailure.ConsistencyProofFailed} naming both sizes, or empty if the proof
   *     holds
   */
  public static Optional<ChainFailure> verifyConsistency(
      long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
    Objects.requireNonNull(root1, "root1");
    Objects.requireNonNull(root2, "root2");
    Objects.requireNonNull(proof, "proof");
    if (size1 < 0 || size2 < 0) {
      return consistencyFailed(size1, size2, "a tree size is not a valid unsigned size");
    }
    if (size2 < size1) {
      return consistencyFailed(size1, size2, "the newer tree is smaller: the log was truncated");
    }
    if (size1 == 0) {
      return consistencyFailed(
          size1, size2, "a consistency proof from the empty tree proves nothing");
    }
    if (size1 == size2) {
      if (!proof.isEmpty()) {
        return consistencyFailed(size1, size2, "the proof between equal sizes must be empty");
      }
      if (!Arrays.equals(root1, root2)) {
        return consistencyFailed(
            size1, size2, "two different roots for the same size: the log was rewritten");
      }
      return Optional.empty();
    }
    if (proof.isEmpty()) {
      return consistencyFailed(size1, size2, "the proof is empty");
    }
    if (root1.length != Rfc6962.HASH_BYTES || root2.length != Rfc6962.HASH_BYTES) {
      return consistencyFailed(size1, size2, "a root hash is not 32 bytes");
    }
    Optional<String> badElement = badElement(proof);
    if (badElement.isPresent()) {
      return consistencyFailed(size1, size2, badElement.get());
    }

    // Step 2: when the old tree is perfect, its root is the first node of the path.
    List<byte[]> path = new ArrayList<>(proof.size() + 1);
    if (Long.bitCount(size1) == 1) {
      path.add(root1);
    }
    path.addAll(proof);
    // Steps 3 and 4.
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    // Steps 5 and 6.
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return consistencyFailed(size1, size2, "the proof has too many hashes");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = Rfc6962.nodeHash(c, fr);
        sr = Rfc6962.nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        sr = Rfc6962.nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 7.
    if (sn != 0) {
      return consistencyFailed(size1, size2, "the proof has too few hashes");
    }
    if (!Arrays.equals(fr, root1)) {
      return consistencyFailed(
          size1,
          size2,
          "the proof leads to older root "
              + Hashing.hex(fr)
              + ", not "
              + Hashing.hex(root1)
              + ": the log was rewritten");
    }
    if (!Arrays.equals(sr, root2)) {
      return consistencyFailed(
          size1,
          size2,
          "the proof leads to newer root " + Hashing.hex(sr) + ", not " + Hashing.hex(root2));
    }
    return Optional.empty();
  }

  private static Optional<String> badElement(List<byte[]> proof) {
    for (int i = 0; i < proof.size(); i++) {
      byte[] element = Objects.requireNonNull(proof.get(i), "proof element");
      if (element.length != Rfc6962.HASH_BYTES) {
        return Optional.of("proof hash " + i + " is " + element.length + " bytes, not 32");
      }
    }
    return Optional.empty();
  }

  private static Optional<ChainFailure> inclusionFailed(long leafIndex, long treeSize, String why) {
    return Optional.of(new ChainFailure.InclusionProofFailed(leafIndex, treeSize, why));
  }

  private static Optional<ChainFailure> consistencyFailed(long size1, long size2, String why) {
    return Optional.of(new ChainFailure.ConsistencyProofFailed(size1, size2, why));
  }
}
