package org.carbonledger.auditlog;

/** What has happened to the ledger's {@link SigningKeys}. */
public sealed interface SigningKeysEvent {

  /**
   * A purpose's key was replaced. This entry is signed with the retired key (for {@link
   * KeyPurpose#ENTRY}) or covered by a checkpoint signed with it (for {@link
   * KeyPurpose#CHECKPOINT}). If it sits at leaf {@code L} of the log, the retired key is valid up
   * to and including {@code L} and the new key from {@code L + 1} on (spec section 3.6).
   *
   * @param keyId the new key's id, derived from its name and public key
   * @param publicKey the new key's 32-byte Ed25519 public key, base64
   */
  record SigningKeyRotated(
      KeyPurpose purpose,
      String retiredKeyId,
      String keyId,
      String keyName,
      String publicKey,
      String reason)
      implements SigningKeysEvent {}
}
