package org.carbonledger.chain.note;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.EntrySigner;
import org.carbonledger.chain.KeyIds;

/**
 * A ledger key signing notes under a key name.
 *
 * <p>The signer's {@link EntrySigner#keyId()} must be the C2SP key id of this name and the signer's
 * public key; {@link #of(Ed25519Signer)} guarantees it. A signer held elsewhere (an HSM) is trusted
 * to report it correctly, and a mismatch shows up as a note no verifier accepts.
 *
 * @param keyName the key name, valid per {@link KeyIds#checkKeyName}
 * @param signer the key, not null
 */
public record NoteSigner(String keyName, EntrySigner signer) {

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if the name or the signer's key id is invalid
   */
  public NoteSigner {
    KeyIds.checkKeyName(keyName);
    KeyIds.parse(Objects.requireNonNull(signer, "signer").keyId());
  }

  /**
   * A note signer for a file-backed ledger key, under the key's own name.
   *
   * @param signer the key, not null
   * @return the note signer
   */
  public static NoteSigner of(Ed25519Signer signer) {
    return new NoteSigner(signer.keyName(), signer);
  }

  /**
   * The key id as a big-endian unsigned 32-bit value held in an int.
   *
   * @return the key id
   */
  public int keyId() {
    return ByteBuffer.wrap(KeyIds.parse(signer.keyId())).getInt();
  }
}
