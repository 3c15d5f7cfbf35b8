package org.carbonledger.chain.note;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.carbonledger.chain.KeyIds;

/**
 * One signature line of a signed note: {@code — <key name> base64(key id || signature)}.
 *
 * @param keyName the key name, valid per {@link KeyIds#checkKeyName}
 * @param keyId the 32-bit key id
 * @param signature the signature bytes after the key id, at least one byte; copied
 */
public record NoteSignature(String keyName, int keyId, byte[] signature) {

  /** The start of every signature line: U+2014 EM DASH and a space. */
  public static final String LINE_PREFIX = "\u2014 ";

  /**
   * Checks and copies the fields.
   *
   * @throws IllegalArgumentException if the name is invalid or the signature empty
   */
  public NoteSignature {
    KeyIds.checkKeyName(keyName);
    Objects.requireNonNull(signature, "signature");
    if (signature.length == 0) {
      throw new IllegalArgumentException("signature is empty");
    }
    signature = signature.clone();
  }

  /**
   * The key id as 8 lowercase hex digits.
   *
   * @return the key id
   */
  public String keyIdHex() {
    return NoteVerifierKey.hex(keyId);
  }

  /**
   * The signature line, including its final newline.
   *
   * @return the line
   */
  public String line() {
    byte[] idAndSignature =
        ByteBuffer.allocate(4 + signature.length).putInt(keyId).put(signature).array();
    return LINE_PREFIX + keyName + " " + Base64.getEncoder().encodeToString(idAndSignature) + "\n";
  }

  /**
   * The signature bytes.
   *
   * @return a copy, safe to modify
   */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NoteSignature that
        && keyName.equals(that.keyName)
        && keyId == that.keyId
        && Arrays.equals(signature, that.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyName, keyId, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return keyName + "+" + keyIdHex();
  }
}
