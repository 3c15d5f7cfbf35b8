package org.carbonledger.chain;

import java.security.SecureRandom;

/**
 * An {@link EntrySigner} holding a 32-byte Ed25519 seed in memory, for keys kept in a file.
 *
 * <p>The seed never leaves this object except through {@link #privateKeyPem()}, so a caller cannot
 * log it by accident; {@link #toString()} names only the key.
 */
public final class Ed25519Signer implements EntrySigner {

  private final String keyName;
  private final byte[] seed;
  private final byte[] publicKey;
  private final String keyId;

  /**
   * A signer from a seed.
   *
   * @param keyName the key's name, valid per {@link KeyIds#checkKeyName}; it should be the ledger
   *     origin, because C2SP checkpoints recommend that the log key be named after the log
   * @param seed exactly 32 bytes; copied
   * @throws IllegalArgumentException if the name is invalid or the seed is not 32 bytes
   */
  public Ed25519Signer(String keyName, byte[] seed) {
    this.keyName = KeyIds.checkKeyName(keyName);
    Ed25519Primitives.requireLength(seed, Ed25519Primitives.SEED_BYTES, "seed");
    this.seed = seed.clone();
    this.publicKey = Ed25519Primitives.publicKey(this.seed);
    this.keyId = KeyIds.ledgerKeyId(keyName, publicKey);
  }

  /**
   * A signer with a new random key.
   *
   * @param keyName the key's name, valid per {@link KeyIds#checkKeyName}
   * @param random a cryptographically strong source, not null
   * @return the signer
   */
  public static Ed25519Signer generate(String keyName, SecureRandom random) {
    return new Ed25519Signer(keyName, Ed25519Primitives.generateSeed(random));
  }

  /**
   * A signer from a PKCS#8 PEM private key, as written by {@link #privateKeyPem()}.
   *
   * @param keyName the key's name, valid per {@link KeyIds#checkKeyName}
   * @param pem the PEM text
   * @return the signer
   * @throws ChainException carrying {@link ChainFailure.MalformedKey} if the PEM is not an Ed25519
   *     private key
   */
  public static Ed25519Signer fromPem(String keyName, String pem) {
    return new Ed25519Signer(keyName, KeyPem.decodePrivateKey(pem));
  }

  /**
   * The key's name.
   *
   * @return the name given at construction
   */
  public String keyName() {
    return keyName;
  }

  /**
   * The key's public key.
   *
   * @return a copy of the 32 bytes
   */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public byte[] sign(byte[] message) {
    // The public key was derived from the seed when this signer was made.
    return Ed25519Primitives.sign(seed, publicKey, message);
  }

  /**
   * The private key as PKCS#8 PEM (RFC 8410), for storing in a file readable only by the ledger.
   *
   * @return PEM text ending in a newline
   */
  public String privateKeyPem() {
    return KeyPem.encodePrivateKey(seed);
  }

  /**
   * The public key as SubjectPublicKeyInfo PEM (RFC 8410), for publishing.
   *
   * @return PEM text ending in a newline
   */
  public String publicKeyPem() {
    return KeyPem.encodePublicKey(publicKey);
  }

  @Override
  public String toString() {
    return "Ed25519Signer[" + keyName + "+" + keyId + "]";
  }
}
