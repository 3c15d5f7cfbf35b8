package org.carbonledger.testsupport;

import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;

/** Reads what an event store holds, for assertions. */
public final class StoredEvents {

  private StoredEvents() {}

  /** Every payload stored so far, in global order. */
  public static List<Object> payloads(EventStore eventStore) {
    List<Object> payloads = new ArrayList<>();
    try (BlockingStream<TrackedEventMessage<?>> stream = eventStore.openStream(null)) {
      while (stream.hasNextAvailable()) {
        payloads.add(stream.nextAvailable().getPayload());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return payloads;
  }
}
