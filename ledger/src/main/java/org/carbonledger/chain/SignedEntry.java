package org.carbonledger.chain;

import java.util.Arrays;
import java.util.Objects;

/**
 * An entry with its stored hash and its signature, as the ledger keeps it (spec section 3.4).
 *
 * <p>The signature is Ed25519 over {@link #signatureMessage(byte[])}: the prefix {@code
 * "carbon-ledger/entry-signature/v1"}, a 0x00 byte and the 32-byte entry hash. Signing the hash
 * rather than the canonical bytes keeps the message small for an HSM and lets a verifier that
 * already holds the hash check a signature without the payload.
 *
 * <p>The stored hash is carried as stored, not recomputed, so that a verifier can tell an altered
 * entry ({@link ChainFailure.HashMismatch}) from an altered hash. Arrays are copied in and out.
 *
 * @param entry the entry, not null
 * @param entryHash the entry hash as stored next to the entry; exactly 32 bytes
 * @param keyId the signing key's id, 8 lowercase hex digits
 * @param signature the Ed25519 signature as stored; any length (a wrong length simply fails to
 *     verify)
 */
public record SignedEntry(Entry entry, byte[] entryHash, String keyId, byte[] signature) {

  /** The signature's domain-separation prefix. */
  public static final byte[] SIGNATURE_PREFIX =
      EntryCodec.prefix("carbon-ledger/entry-signature/v1");

  /** The leaf data's domain-separation prefix. */
  public static final byte[] LEAF_PREFIX = EntryCodec.prefix("carbon-ledger/signed-entry/v1");

  private static final int TAG_ENTRY = 0x01;
  private static final int TAG_KEY_ID = 0x02;
  private static final int TAG_SIGNATURE = 0x03;

  /**
   * Checks and copies the fields.
   *
   * @throws NullPointerException if a field is null
   * @throws IllegalArgumentException if the hash is not 32 bytes or the key id is not 8 lowercase
   *     hex digits
   */
  public SignedEntry {
    Objects.requireNonNull(entry, "entry");
    Ed25519Primitives.requireLength(entryHash, Hashing.HASH_BYTES, "entryHash");
    entryHash = entryHash.clone();
    KeyIds.parse(keyId);
    signature = Objects.requireNonNull(signature, "signature").clone();
  }

  /**
   * Hashes and signs an entry.
   *
   * @param entry the entry, not null
   * @param signer the ledger key, not null
   * @return the signed entry, with the correct hash
   */
  public static SignedEntry sign(Entry entry, EntrySigner signer) {
    byte[] hash = entry.hash();
    return new SignedEntry(entry, hash, signer.keyId(), signer.sign(signatureMessage(hash)));
  }

  /**
   * The bytes an entry signature covers: {@link #SIGNATURE_PREFIX} followed by the entry hash. The
   * 0x00 byte in the prefix means these bytes are never valid UTF-8 note text, so a key that signs
   * both entries and checkpoints cannot be tricked into one by the other.
   *
   * @param entryHash exactly 32 bytes
   * @return a new array of 33 + 32 bytes
   */
  public static byte[] signatureMessage(byte[] entryHash) {
    Ed25519Primitives.requireLength(entryHash, Hashing.HASH_BYTES, "entryHash");
    byte[] message = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + Hashing.HASH_BYTES);
    System.arraycopy(entryHash, 0, message, SIGNATURE_PREFIX.length, Hashing.HASH_BYTES);
    return message;
  }

  /**
   * The data of this entry's Merkle log leaf (spec section 3.7): {@link #LEAF_PREFIX}, then, in the
   * tag/length/value format of the entry encoding, tag 0x01 with the canonical entry bytes, tag
   * 0x02 with the 4-byte key id and tag 0x03 with the signature.
   *
   * <p>The leaf holds the signed bytes rather than only the entry hash so that a checkpoint commits
   * to who signed each entry as well as to what it says: a signature cannot later be swapped for
   * one by another key without changing the log.
   *
   * @return a new array
   */
  public byte[] leafData() {
    return leafData(entry.canonicalBytes(), keyId, signature);
  }

  /**
   * {@link #leafData()} from an entry's stored bytes, for a verifier that holds them: since the
   * entry encoding is strict, bytes that {@link EntryCodec#decode decode} are the canonical
   * encoding of the entry they decode to, and need not be encoded again.
   *
   * @param canonicalEntry the entry's canonical bytes, not null
   * @param keyId the signing key's id, 8 lowercase hex digits
   * @param signature the signature as stored, not null
   * @return a new array
   * @throws IllegalArgumentException if the key id is not 8 lowercase hex digits
   */
  public static byte[] leafData(byte[] canonicalEntry, String keyId, byte[] signature) {
    EntryCodec.Writer out = new EntryCodec.Writer(LEAF_PREFIX);
    out.bytes(TAG_ENTRY, canonicalEntry);
    out.bytes(TAG_KEY_ID, KeyIds.parse(keyId));
    out.bytes(TAG_SIGNATURE, signature);
    return out.toByteArray();
  }

  /**
   * Reads leaf data written by {@link #leafData()}. The entry hash of the result is recomputed from
   * the canonical bytes, since leaf data does not repeat it.
   *
   * @param leafData the leaf data, not null
   * @return the signed entry
   * @throws ChainException carrying {@link ChainFailure.MalformedEntry}, with the offset within the
   *     leaf data, if the bytes are not leaf data
   */
  public static SignedEntry fromLeafData(byte[] leafData) {
    EntryCodec.Reader in = new EntryCodec.Reader(leafData, LEAF_PREFIX, "signed entry");
    int entryAt = in.offset() + 5;
    byte[] canonical = in.bytes(TAG_ENTRY, "entry", -1);
    byte[] keyId = in.bytes(TAG_KEY_ID, "key id", KeyIds.KEY_ID_BYTES);
    // Any signature length is read back, as any is written; a wrong one fails verification.
    byte[] signature = in.bytes(TAG_SIGNATURE, "signature", -1);
    in.end();
    Entry entry;
    try {
      entry = EntryCodec.decode(canonical);
    } catch (ChainException e) {
      // Report the offset within the leaf, which is what the caller holds.
      ChainFailure.MalformedEntry inner = (ChainFailure.MalformedEntry) e.failure();
      throw new ChainException(
          new ChainFailure.MalformedEntry(entryAt + inner.offset(), inner.reason()));
    }
    return new SignedEntry(entry, Hashing.sha256(canonical), Hashing.hex(keyId), signature);
  }

  /**
   * The stored entry hash.
   *
   * @return a copy, safe to modify
   */
  @Override
  public byte[] entryHash() {
    return entryHash.clone();
  }

  /**
   * The signature.
   *
   * @return a copy, safe to modify
   */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SignedEntry that
        && entry.equals(that.entry)
        && Arrays.equals(entryHash, that.entryHash)
        && keyId.equals(that.keyId)
        && Arrays.equals(signature, that.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entry, Arrays.hashCode(entryHash), keyId, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "SignedEntry["
        + entry.streamId()
        + " #"
        + entry.sequence()
        + ", hash="
        + Hashing.hex(entryHash)
        + ", keyId="
        + keyId
        + "]";
  }
}
