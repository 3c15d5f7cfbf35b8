package org.carbonledger.chain;

/**
 * A ledger signing key: something that produces Ed25519 signatures and names itself by key id.
 *
 * <p>This is an interface so that the file-backed {@link Ed25519Signer} can later be replaced by a
 * key held in an HSM or a cloud KMS without changing the chain code. It signs whatever message it
 * is given; the callers add the domain separation ({@link SignedEntry#signatureMessage} for
 * entries, the note text for checkpoints). Implementations must be safe for concurrent use.
 */
public interface EntrySigner {

  /**
   * The key id of this signer's key: the C2SP signed-note key id of its name and public key, as 8
   * lowercase hex digits (see {@link KeyIds#ledgerKeyId}).
   *
   * @return the key id, never null
   */
  String keyId();

  /**
   * Signs a message with pure Ed25519 (RFC 8032).
   *
   * @param message the exact bytes to sign, not null
   * @return the 64-byte signature
   */
  byte[] sign(byte[] message);
}
