package org.carbonledger.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;

class CommandAuditMetadataTest {

  private final CommandAuditMetadata provider = new CommandAuditMetadata();

  @Test
  void aCommandsActorAndIdempotencyKeyAreCopiedAndNothingElse() {
    GenericCommandMessage<String> command =
        new GenericCommandMessage<>("transfer")
            .andMetaData(
                Map.of(
                    AuditMetadata.ACTOR,
                    "operator:exchange",
                    AuditMetadata.IDEMPOTENCY_KEY,
                    "key-1",
                    "traceparent",
                    "00-abc"));

    assertThat(provider.correlationDataFor(command))
        .isEqualTo(
            Map.of(
                AuditMetadata.ACTOR, "operator:exchange", AuditMetadata.IDEMPOTENCY_KEY, "key-1"));
  }

  @Test
  void aCommandWithoutThemCarriesNothing() {
    assertThat(provider.correlationDataFor(new GenericCommandMessage<>("transfer"))).isEmpty();
  }

  @Test
  void anEventIsNotAskedForItsMetadata() {
    EventMessage<String> stored =
        new GenericEventMessage<>("credits transferred") {
          @Override
          public MetaData getMetaData() {
            throw new AssertionError("a stored event's metadata was deserialized");
          }
        };

    assertThat(provider.correlationDataFor(stored)).isEmpty();
  }
}
