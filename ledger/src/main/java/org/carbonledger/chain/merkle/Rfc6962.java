package org.carbonledger.chain.merkle;

import org.carbonledger.chain.Hashing;

/**
 * The RFC 6962 / RFC 9162 Merkle tree hashes with SHA-256 (spec section 3.7).
 *
 * <p>Leaves and interior nodes are hashed with different one-byte prefixes (0x00 and 0x01) so that
 * no leaf can be passed off as an interior node or the other way round.
 */
public final class Rfc6962 {

  /** The length of every hash in the tree, in bytes. */
  public static final int HASH_BYTES = Hashing.HASH_BYTES;

  private static final byte[] LEAF_PREFIX = {0x00};
  private static final byte[] NODE_PREFIX = {0x01};

  private Rfc6962() {}

  /**
   * The hash of a leaf: SHA-256(0x00 || leaf data).
   *
   * @param leafData the leaf data, not null
   * @return a new 32-byte array
   */
  public static byte[] leafHash(byte[] leafData) {
    return Hashing.sha256(LEAF_PREFIX, leafData);
  }

  /**
   * The hash of an interior node: SHA-256(0x01 || left || right).
   *
   * @param left the left child's hash, not null
   * @param right the right child's hash, not null
   * @return a new 32-byte array
   */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    return Hashing.sha256(NODE_PREFIX, left, right);
  }

  /**
   * The root of the empty tree: SHA-256 of no bytes.
   *
   * @return a new 32-byte array
   */
  public static byte[] emptyRoot() {
    return Hashing.sha256();
  }
}
