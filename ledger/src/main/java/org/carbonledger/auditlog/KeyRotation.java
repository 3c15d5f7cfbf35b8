package org.carbonledger.auditlog;

import java.util.Base64;
import java.util.Optional;
import java.util.function.Consumer;
import org.carbonledger.auditlog.SigningKeysCommand.RotateSigningKey;
import org.carbonledger.chain.Ed25519Signer;

/**
 * Rotates a signing key to the one an operator staged in the keys directory.
 *
 * <p>The rotation is an event, {@link SigningKeysEvent.SigningKeyRotated}, signed with the key it
 * retires and logged like every other, so a verifier that trusts only the ledger's first keys can
 * follow every rotation after them. It runs alone ({@link ChainWriter#rotate}): no entry signed
 * with a retired key may commit after the event that retires it.
 *
 * <p>To rotate: put a new PKCS#8 PEM Ed25519 private key at {@code
 * <keys-dir>/entry-signing.next.pem} (or {@code checkpoint-signing.next.pem}), for instance with
 * {@code openssl genpkey -algorithm ed25519}, and restart the service or call {@link
 * #rotateStaged}.
 */
public final class KeyRotation {

  private final KeyDirectory keys;
  private final ChainWriter chain;
  private final Checkpointer checkpointer;
  private final Consumer<RotateSigningKey> commands;

  /**
   * @param commands sends a command and returns once its transaction has committed, on the calling
   *     thread (the rotation lock is held by that thread while the event is written)
   */
  public KeyRotation(
      KeyDirectory keys,
      ChainWriter chain,
      Checkpointer checkpointer,
      Consumer<RotateSigningKey> commands) {
    this.keys = keys;
    this.chain = chain;
    this.checkpointer = checkpointer;
    this.commands = commands;
  }

  /**
   * Rotates the key of a purpose to its staged successor, if one is staged.
   *
   * @param reason why, recorded in the signed event
   * @return the new key's id, or empty when nothing was staged
   */
  public synchronized Optional<String> rotateStaged(KeyPurpose purpose, String reason) {
    Optional<Ed25519Signer> staged = keys.staged(purpose);
    if (staged.isEmpty()) {
      return Optional.empty();
    }
    Ed25519Signer next = staged.get();
    if (purpose == KeyPurpose.ENTRY) {
      chain.rotate(
          () -> {
            commands.accept(command(purpose, chain.signingKeyId(), next, reason));
            return next;
          });
    } else {
      // The checkpoint key starts to sign only once the rotation event has a leaf and a
      // checkpoint of that leaf has been signed by the retiring key (Checkpointer#keyFor).
      String retiring = checkpointer.currentLogKeyId();
      checkpointer.addLogKey(next);
      commands.accept(command(purpose, retiring, next, reason));
      checkpointer.makeCurrent(next.keyId());
    }
    keys.promote(purpose);
    return Optional.of(next.keyId());
  }

  private static RotateSigningKey command(
      KeyPurpose purpose, String retiredKeyId, Ed25519Signer next, String reason) {
    return new RotateSigningKey(
        purpose,
        retiredKeyId,
        next.keyName(),
        Base64.getEncoder().encodeToString(next.publicKey()),
        reason);
  }
}
