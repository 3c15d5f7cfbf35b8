package org.carbonledger.chain;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The public keys a verifier trusts to have signed entries, each with the range of log leaf indexes
 * it may sign (spec section 3.6).
 *
 * <p>Ranges are in leaf indexes of the Merkle log rather than in per-stream sequence numbers,
 * because every stream starts again at 0 while the log is one global order: rotating a key "from
 * now on" is a single leaf index. A leaf index is also fixed by the signed checkpoints, so a
 * retired key that leaks cannot sign an entry into the past without breaking the log's consistency,
 * which a timestamp chosen by the signer could not prevent.
 *
 * <p>Instances are immutable. Key ids must be unique within a ring.
 */
public final class KeyRing {

  private final Map<String, LedgerKey> byId;

  private KeyRing(Map<String, LedgerKey> byId) {
    this.byId = byId;
  }

  /**
   * A ring of keys.
   *
   * @param keys the keys, none null
   * @return the ring
   * @throws IllegalArgumentException if two keys have the same key id
   */
  public static KeyRing of(List<LedgerKey> keys) {
    Map<String, LedgerKey> byId = new LinkedHashMap<>();
    for (LedgerKey key : keys) {
      LedgerKey previous = byId.putIfAbsent(key.keyId(), key);
      if (previous != null) {
        throw new IllegalArgumentException(
            "key id " + key.keyId() + " names both " + previous.name() + " and " + key.name());
      }
    }
    return new KeyRing(byId);
  }

  /**
   * A ring of keys.
   *
   * @param keys the keys, none null
   * @return the ring
   * @throws IllegalArgumentException if two keys have the same key id
   */
  public static KeyRing of(LedgerKey... keys) {
    return of(List.of(keys));
  }

  /**
   * Looks a key up by id.
   *
   * @param keyId the key id, 8 lowercase hex digits
   * @return the key, or empty if the ring does not hold it
   */
  public Optional<LedgerKey> find(String keyId) {
    return Optional.ofNullable(byId.get(keyId));
  }

  /**
   * The keys in the order they were given.
   *
   * @return an unmodifiable list
   */
  public List<LedgerKey> keys() {
    return List.copyOf(byId.values());
  }

  @Override
  public String toString() {
    return "KeyRing" + byId.values();
  }

  /**
   * One trusted ledger key.
   *
   * @param name the key's name, valid per {@link KeyIds#checkKeyName}
   * @param publicKey the 32-byte Ed25519 public key, a valid point of prime order
   * @param validFrom the first leaf index the key may sign; not negative
   * @param validUntil the first leaf index the key may no longer sign, greater than {@code
   *     validFrom}; {@link Long#MAX_VALUE} for a key that has not been retired
   */
  public record LedgerKey(String name, byte[] publicKey, long validFrom, long validUntil) {

    /**
     * Checks and copies the fields.
     *
     * @throws IllegalArgumentException if the name or range is invalid
     * @throws ChainException carrying {@link ChainFailure.MalformedKey} if the public key is not a
     *     valid Ed25519 key
     */
    public LedgerKey {
      KeyIds.checkKeyName(name);
      publicKey = KeyPem.checkPublicKey(publicKey.clone());
      if (validFrom < 0 || validUntil <= validFrom) {
        throw new IllegalArgumentException(
            "validity must be 0 <= from < until, was [" + validFrom + ", " + validUntil + ")");
      }
    }

    /**
     * A key valid from a leaf index on, with no end yet.
     *
     * @param name the key's name
     * @param publicKey the 32-byte public key
     * @param validFrom the first leaf index it may sign
     * @return the key
     */
    public static LedgerKey openEnded(String name, byte[] publicKey, long validFrom) {
      return new LedgerKey(name, publicKey, validFrom, Long.MAX_VALUE);
    }

    /**
     * The key id: the C2SP signed-note key id of the name and public key, 8 lowercase hex digits.
     *
     * @return the key id
     */
    public String keyId() {
      return KeyIds.ledgerKeyId(name, publicKey);
    }

    /**
     * Whether the key may sign the entry at a leaf index.
     *
     * @param leafIndex the entry's leaf index
     * @return true if {@code validFrom <= leafIndex < validUntil}
     */
    public boolean validAt(long leafIndex) {
      return validFrom <= leafIndex && leafIndex < validUntil;
    }

    /**
     * The public key.
     *
     * @return a copy, safe to modify
     */
    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof LedgerKey that
          && name.equals(that.name)
          && Arrays.equals(publicKey, that.publicKey)
          && validFrom == that.validFrom
          && validUntil == that.validUntil;
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, Arrays.hashCode(publicKey), validFrom, validUntil);
    }

    @Override
    public String toString() {
      String until = validUntil == Long.MAX_VALUE ? "open" : Long.toString(validUntil);
      return name + "+" + keyId() + "[" + validFrom + ", " + until + ")";
    }
  }
}
