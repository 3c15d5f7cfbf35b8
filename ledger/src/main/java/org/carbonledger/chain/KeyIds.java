package org.carbonledger.chain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Key names and key ids as defined by C2SP signed-note (spec section 3.5).
 *
 * <p>A ledger key is identified the same way whether it signs entries or checkpoints: by the
 * signed-note key id of its name and Ed25519 public key, {@code SHA-256(name || 0x0A || 0x01 ||
 * public key)[:4]}, written as 8 lowercase hex digits. One identifier in both places lets an
 * auditor match an entry signature to the key of a checkpoint without a second registry.
 */
public final class KeyIds {

  /** The C2SP signed-note signature type identifier of Ed25519. */
  public static final byte ED25519_SIGNATURE_TYPE = 0x01;

  /** The length of a key id in bytes. */
  public static final int KEY_ID_BYTES = 4;

  private KeyIds() {}

  /**
   * The C2SP signed-note Ed25519 key id.
   *
   * @param keyName a valid key name (see {@link #checkKeyName})
   * @param publicKey the 32-byte Ed25519 public key
   * @return the 4-byte key id
   * @throws IllegalArgumentException if the name is invalid or the key is not 32 bytes
   */
  public static byte[] noteKeyId(String keyName, byte[] publicKey) {
    checkKeyName(keyName);
    Ed25519Primitives.requireLength(publicKey, Ed25519Primitives.PUBLIC_KEY_BYTES, "publicKey");
    byte[] hash =
        Hashing.sha256(
            keyName.getBytes(StandardCharsets.UTF_8),
            new byte[] {'\n', ED25519_SIGNATURE_TYPE},
            publicKey);
    return Arrays.copyOf(hash, KEY_ID_BYTES);
  }

  /**
   * The key id as the chain stores it: lowercase hex of {@link #noteKeyId}.
   *
   * @param keyName a valid key name
   * @param publicKey the 32-byte Ed25519 public key
   * @return 8 lowercase hex digits
   */
  public static String ledgerKeyId(String keyName, byte[] publicKey) {
    return Hashing.hex(noteKeyId(keyName, publicKey));
  }

  /**
   * Whether a key id string is 8 lowercase hex digits.
   *
   * @param keyId the candidate, may be null
   * @return true if it has the form of a ledger key id
   */
  public static boolean isKeyId(String keyId) {
    if (keyId == null || keyId.length() != 2 * KEY_ID_BYTES) {
      return false;
    }
    for (int i = 0; i < keyId.length(); i++) {
      char c = keyId.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks a key name: non-empty, and free of Unicode spaces and of {@code +}, which C2SP
   * signed-note reserves as separators in signature lines and verifier keys.
   *
   * @param keyName the name
   * @return the name, for chaining
   * @throws IllegalArgumentException if the name is not valid
   */
  public static String checkKeyName(String keyName) {
    String problem = keyNameProblem(keyName);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return keyName;
  }

  /**
   * Describes what is wrong with a key name.
   *
   * @param keyName the name, may be null
   * @return null if the name is valid, otherwise a reason
   */
  public static String keyNameProblem(String keyName) {
    if (keyName == null || keyName.isEmpty()) {
      return "key name is empty";
    }
    for (int i = 0; i < keyName.length(); ) {
      int codePoint = keyName.codePointAt(i);
      if (codePoint == '+') {
        return "key name contains '+'";
      }
      if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)) {
        return "key name contains a space";
      }
      if (Character.isISOControl(codePoint)) {
        return "key name contains a control character";
      }
      if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
        return "key name is not well-formed Unicode";
      }
      i += Character.charCount(codePoint);
    }
    return null;
  }

  /**
   * Parses a key id string into its 4 bytes.
   *
   * @param keyId 8 lowercase hex digits
   * @return the 4 bytes
   * @throws IllegalArgumentException if the string is not a key id
   */
  public static byte[] parse(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    if (!isKeyId(keyId)) {
      throw new IllegalArgumentException("not a key id (8 lowercase hex digits): " + keyId);
    }
    return Hashing.unhex(keyId);
  }
}
