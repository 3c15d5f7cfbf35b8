package org.carbonledger.auditlog;

import java.util.Map;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;

/**
 * Copies a command's {@link AuditMetadata#ACTOR actor} and {@link AuditMetadata#IDEMPOTENCY_KEY
 * idempotency key} onto the events it produces, and from there into their signed chain entries.
 *
 * <p>Only commands are asked. Axon asks every correlation data provider about every message a unit
 * of work handles, event processors included, and each message they create there (one result
 * message per event handled) takes its correlation data. For an event read from the store that
 * meant deserializing its metadata from JSON: about a sixth of the Merkle sequencer's CPU in
 * profiles of {@code bench/command-path.sh}, for data that no processor uses, since none of them
 * sends commands or stores messages. An event handler that one day sends commands must set their
 * actor itself: it would not inherit the actor of the event it handles.
 */
public final class CommandAuditMetadata implements CorrelationDataProvider {

  private final CorrelationDataProvider keys =
      new SimpleCorrelationDataProvider(AuditMetadata.ACTOR, AuditMetadata.IDEMPOTENCY_KEY);

  @Override
  public Map<String, ?> correlationDataFor(Message<?> message) {
    return message instanceof CommandMessage ? keys.correlationDataFor(message) : Map.of();
  }
}
