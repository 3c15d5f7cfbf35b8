package org.carbonledger.chain.note;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.Ed25519Primitives;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.KeyIds;
import org.carbonledger.chain.KeyPem;
import org.carbonledger.chain.KeyRing;

/**
 * A trusted Ed25519 note-signing key, written as a C2SP verifier key ("vkey") string {@code
 * <name>+<hex key id>+<base64(0x01 || public key)>} (spec section 3.8).
 *
 * @param name the key name, valid per {@link KeyIds#checkKeyName}
 * @param publicKey the 32-byte Ed25519 public key, a valid point of prime order; copied
 */
public record NoteVerifierKey(String name, byte[] publicKey) {

  /**
   * Checks and copies the fields.
   *
   * @throws IllegalArgumentException if the name is invalid
   * @throws ChainException carrying {@link ChainFailure.MalformedKey} if the key is not a valid
   *     Ed25519 public key
   */
  public NoteVerifierKey {
    KeyIds.checkKeyName(name);
    publicKey = KeyPem.checkPublicKey(Objects.requireNonNull(publicKey, "publicKey").clone());
  }

  /**
   * The note verifier key of a ledger key, so that the keys trusted for entries can also be trusted
   * for checkpoints.
   *
   * @param key the ledger key, not null
   * @return the verifier key with the same name and public key
   */
  public static NoteVerifierKey of(KeyRing.LedgerKey key) {
    return new NoteVerifierKey(key.name(), key.publicKey());
  }

  /**
   * Parses a vkey string. The key id in the string must be the one computed from the name and key,
   * since a mismatch means the string was assembled wrongly or tampered with.
   *
   * @param vkey the string, not null
   * @return the key
   * @throws ChainException carrying {@link ChainFailure.MalformedKey} if the string is not an
   *     Ed25519 vkey
   */
  public static NoteVerifierKey parse(String vkey) {
    Objects.requireNonNull(vkey, "vkey");
    // The name cannot contain '+', but base64 can, so only the first two '+' separate.
    int first = vkey.indexOf('+');
    int second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
    if (second < 0) {
      throw malformed("a vkey has three parts separated by '+'");
    }
    String name = vkey.substring(0, first);
    String keyIdHex = vkey.substring(first + 1, second);
    String keyMaterial = vkey.substring(second + 1);
    String nameProblem = KeyIds.keyNameProblem(name);
    if (nameProblem != null) {
      throw malformed(nameProblem);
    }
    if (!KeyIds.isKeyId(keyIdHex)) {
      throw malformed("vkey key id is not 8 lowercase hex digits: " + keyIdHex);
    }
    byte[] typed = strictBase64(keyMaterial);
    if (typed == null) {
      throw malformed("vkey key material is not canonical base64");
    }
    if (typed.length != 1 + Ed25519Primitives.PUBLIC_KEY_BYTES
        || typed[0] != KeyIds.ED25519_SIGNATURE_TYPE) {
      throw malformed("vkey is not an Ed25519 key (type 0x01 and 32 bytes)");
    }
    NoteVerifierKey key = new NoteVerifierKey(name, Arrays.copyOfRange(typed, 1, typed.length));
    if (!key.keyIdHex().equals(keyIdHex)) {
      throw malformed("vkey key id " + keyIdHex + " is not " + key.keyIdHex());
    }
    return key;
  }

  /**
   * The C2SP key id, as a big-endian unsigned 32-bit value held in an int.
   *
   * @return the key id
   */
  public int keyId() {
    return ByteBuffer.wrap(KeyIds.noteKeyId(name, publicKey)).getInt();
  }

  /**
   * The key id as 8 lowercase hex digits, equal to the ledger key id of the same key.
   *
   * @return the key id
   */
  public String keyIdHex() {
    return KeyIds.ledgerKeyId(name, publicKey);
  }

  /**
   * The vkey string.
   *
   * @return {@code name+keyid+base64(0x01 || public key)}
   */
  public String vkey() {
    byte[] typed = new byte[1 + publicKey.length];
    typed[0] = KeyIds.ED25519_SIGNATURE_TYPE;
    System.arraycopy(publicKey, 0, typed, 1, publicKey.length);
    return name + "+" + keyIdHex() + "+" + Base64.getEncoder().encodeToString(typed);
  }

  /**
   * Whether a signature by this key over the given bytes verifies.
   *
   * @param message the signed bytes, not null
   * @param signature the signature, any length (anything but 64 bytes fails)
   * @return true if it verifies
   */
  public boolean verify(byte[] message, byte[] signature) {
    return Ed25519Primitives.verify(publicKey, message, signature);
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
    return other instanceof NoteVerifierKey that
        && name.equals(that.name)
        && Arrays.equals(publicKey, that.publicKey);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return vkey();
  }

  /**
   * Decodes standard base64 with padding, and only its canonical form, so that one value has one
   * text; returns null otherwise.
   */
  static byte[] strictBase64(String text) {
    try {
      byte[] bytes = Base64.getDecoder().decode(text);
      return Base64.getEncoder().encodeToString(bytes).equals(text) ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static ChainException malformed(String reason) {
    return new ChainException(new ChainFailure.MalformedKey(reason));
  }

  static String hex(int keyId) {
    return Hashing.hex(ByteBuffer.allocate(4).putInt(keyId).array());
  }
}
