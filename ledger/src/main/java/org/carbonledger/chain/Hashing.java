package org.carbonledger.chain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 and hex helpers shared by the chain core. */
public final class Hashing {

  /** The length of a SHA-256 hash in bytes. */
  public static final int HASH_BYTES = 32;

  private static final HexFormat HEX = HexFormat.of();

  private Hashing() {}

  /**
   * SHA-256 over the concatenation of the given parts.
   *
   * @param parts byte arrays to hash in order; none may be null
   * @return a new 32-byte array
   */
  public static byte[] sha256(byte[]... parts) {
    MessageDigest digest = newSha256();
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  /**
   * A new array of 32 zero bytes, the previous-entry hash of an entry with sequence number 0.
   *
   * @return a new array, safe to modify
   */
  public static byte[] zeroHash() {
    return new byte[HASH_BYTES];
  }

  /**
   * Lowercase hex of the bytes.
   *
   * @param bytes the bytes, not null
   * @return two hex digits per byte
   */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /**
   * Parses hex (either case).
   *
   * @param hex an even number of hex digits
   * @return the bytes
   * @throws IllegalArgumentException if the text is not hex
   */
  public static byte[] unhex(String hex) {
    return HEX.parseHex(hex);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (java.security.MessageDigest's contract).
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
