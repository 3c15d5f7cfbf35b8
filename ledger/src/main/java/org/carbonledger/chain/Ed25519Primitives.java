package org.carbonledger.chain;

import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Pure Ed25519 (RFC 8032, no context, no pre-hash) on Bouncy Castle's low-level {@link Ed25519}.
 *
 * <p>The low-level API is used instead of the JCA provider so that the core needs no provider
 * registration, keys stay plain byte arrays that an HSM-backed {@link EntrySigner} can replace, and
 * verification behaves identically wherever the verifier runs. Verification is Bouncy Castle's: it
 * requires S &lt; L and canonical encodings of R and A, rejects a public key of small order and
 * uses the cofactored equation, as the Wycheproof and CCTV conformance tests pin down (spec section
 * 3.4). Another verifier must apply the same rule, or the two could disagree about a signature
 * crafted by the key holder.
 */
public final class Ed25519Primitives {

  /** The length of a private key seed in bytes. */
  public static final int SEED_BYTES = Ed25519.SECRET_KEY_SIZE;

  /** The length of an encoded public key in bytes. */
  public static final int PUBLIC_KEY_BYTES = Ed25519.PUBLIC_KEY_SIZE;

  /** The length of a signature in bytes. */
  public static final int SIGNATURE_BYTES = Ed25519.SIGNATURE_SIZE;

  private Ed25519Primitives() {}

  /**
   * A new random private key seed.
   *
   * @param random a cryptographically strong source, not null
   * @return 32 random bytes
   */
  public static byte[] generateSeed(SecureRandom random) {
    byte[] seed = new byte[SEED_BYTES];
    Ed25519.generatePrivateKey(Objects.requireNonNull(random, "random"), seed);
    return seed;
  }

  /**
   * Derives the public key of a seed.
   *
   * @param seed exactly 32 bytes
   * @return the 32-byte public key
   * @throws IllegalArgumentException if the seed is not 32 bytes
   */
  public static byte[] publicKey(byte[] seed) {
    requireLength(seed, SEED_BYTES, "seed");
    byte[] publicKey = new byte[PUBLIC_KEY_BYTES];
    Ed25519.generatePublicKey(seed, 0, publicKey, 0);
    return publicKey;
  }

  /**
   * Signs a message. Ed25519 is deterministic, so equal inputs give equal signatures.
   *
   * @param seed exactly 32 bytes
   * @param message any bytes, not null
   * @return the 64-byte signature
   * @throws IllegalArgumentException if the seed is not 32 bytes
   */
  public static byte[] sign(byte[] seed, byte[] message) {
    requireLength(seed, SEED_BYTES, "seed");
    Objects.requireNonNull(message, "message");
    byte[] signature = new byte[SIGNATURE_BYTES];
    Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /**
   * Signs a message with a key pair whose public key is already known, which spares Bouncy Castle
   * deriving it again on every call (about half the cost of a signature). The result is exactly
   * that of {@link #sign(byte[], byte[])}.
   *
   * @param seed exactly 32 bytes
   * @param publicKey the 32-byte public key of {@code seed}, as {@link #publicKey} derives it; a
   *     wrong one makes a signature that does not verify
   * @param message any bytes, not null
   * @return the 64-byte signature
   * @throws IllegalArgumentException if the seed or public key is not 32 bytes
   */
  public static byte[] sign(byte[] seed, byte[] publicKey, byte[] message) {
    requireLength(seed, SEED_BYTES, "seed");
    requireLength(publicKey, PUBLIC_KEY_BYTES, "publicKey");
    Objects.requireNonNull(message, "message");
    byte[] signature = new byte[SIGNATURE_BYTES];
    Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /**
   * Verifies a signature. Inputs of the wrong length are rejected rather than thrown on, because
   * they come from data under verification.
   *
   * @param publicKey the signer's public key; anything but 32 bytes is rejected
   * @param message the signed bytes, not null
   * @param signature the signature; anything but 64 bytes is rejected
   * @return whether the signature is valid; callers wrap this in a {@link ChainFailure} that says
   *     where the signature was found
   */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    Objects.requireNonNull(message, "message");
    if (publicKey == null
        || signature == null
        || publicKey.length != PUBLIC_KEY_BYTES
        || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
  }

  static void requireLength(byte[] bytes, int length, String name) {
    Objects.requireNonNull(bytes, name);
    if (bytes.length != length) {
      throw new IllegalArgumentException(
          name + " must be " + length + " bytes, was " + bytes.length);
    }
  }
}
