package org.carbonledger.auditlog;

import static org.carbonledger.registry.Require.present;
import static org.carbonledger.registry.Require.text;

import java.util.Base64;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.carbonledger.chain.KeyIds;
import org.carbonledger.chain.KeyPem;
import org.carbonledger.registry.LedgerRejection;

/** Everything that can be asked of the ledger's {@link SigningKeys}. */
public sealed interface SigningKeysCommand {

  @TargetAggregateIdentifier
  default String streamId() {
    return SigningKeys.STREAM_ID;
  }

  /**
   * Replaces the current key of a purpose with a new one. The event that records this is signed
   * with the key being retired, which is how a verifier that trusts only the ledger's first keys
   * comes to trust every later one.
   *
   * @param retiredKeyId the key id of the purpose's current key, which signs nothing after this
   * @param keyName the new key's name ({@link KeyPurpose#keyName})
   * @param publicKey the new key's 32-byte Ed25519 public key, base64
   * @param reason why the key is rotated, such as "scheduled yearly rotation"
   */
  record RotateSigningKey(
      KeyPurpose purpose, String retiredKeyId, String keyName, String publicKey, String reason)
      implements SigningKeysCommand {
    public RotateSigningKey {
      present(purpose, "purpose");
      present(retiredKeyId, "retiredKeyId");
      if (!KeyIds.isKeyId(retiredKeyId)) {
        throw LedgerRejection.invalid("retiredKeyId", "a key id is 8 lowercase hex digits");
      }
      present(keyName, "keyName");
      String problem = KeyIds.keyNameProblem(keyName);
      if (problem != null) {
        throw LedgerRejection.invalid("keyName", problem);
      }
      publicKeyBytes(present(publicKey, "publicKey"));
      text(reason, "reason", 500);
    }

    /** The new key's id. */
    public String keyId() {
      return KeyIds.ledgerKeyId(keyName, publicKeyBytes(publicKey));
    }
  }

  /** Decodes and checks a base64 Ed25519 public key, naming the field when it is not one. */
  static byte[] publicKeyBytes(String publicKey) {
    try {
      return KeyPem.checkPublicKey(Base64.getDecoder().decode(publicKey));
    } catch (RuntimeException e) {
      throw LedgerRejection.invalid(
          "publicKey", "not a base64 Ed25519 public key of prime order: " + e.getMessage());
    }
  }
}
