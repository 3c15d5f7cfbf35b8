package org.carbonledger.auditlog;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;
import org.carbonledger.auditlog.SigningKeysCommand.RotateSigningKey;
import org.carbonledger.auditlog.SigningKeysEvent.SigningKeyRotated;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.registry.StreamIds;

/**
 * The history of the ledger's signing keys after the first ones, which are published when the
 * ledger starts empty. Its events are ordinary chain entries, so every rotation is itself signed
 * and logged, and a verifier learns each later key from the log rather than from a table anyone
 * could edit.
 */
@Aggregate
public class SigningKeys {

  public static final String STREAM_ID = StreamIds.of(StreamIds.SIGNING_KEYS, "ledger");

  @AggregateIdentifier private String streamId;

  /** The current key of each purpose since the first rotation; the first keys are not events. */
  private final Map<KeyPurpose, String> current = new EnumMap<>(KeyPurpose.class);

  /** Every key id ever rotated in or out: a key, once retired, never comes back. */
  private final Set<String> used = new HashSet<>();

  protected SigningKeys() {
    // Required by Axon to rebuild the key history from its events.
  }

  @CommandHandler
  @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
  public void handle(RotateSigningKey command) {
    String now = current.get(command.purpose());
    if (now != null && !now.equals(command.retiredKeyId())) {
      throw LedgerRejection.of(
          RejectionCode.KEY_NOT_CURRENT,
          "retiredKeyId",
          "the current "
              + command.purpose().column()
              + " key is "
              + now
              + ", not "
              + command.retiredKeyId());
    }
    String keyId = command.keyId();
    if (keyId.equals(command.retiredKeyId()) || used.contains(keyId)) {
      throw LedgerRejection.of(
          RejectionCode.KEY_ALREADY_USED,
          "publicKey",
          "key " + keyId + " has been used before; a rotation needs a fresh key");
    }
    apply(
        new SigningKeyRotated(
            command.purpose(),
            command.retiredKeyId(),
            keyId,
            command.keyName(),
            command.publicKey(),
            command.reason()));
  }

  @EventSourcingHandler
  void on(SigningKeyRotated event) {
    streamId = STREAM_ID;
    current.put(event.purpose(), event.keyId());
    used.add(event.retiredKeyId());
    used.add(event.keyId());
  }
}
