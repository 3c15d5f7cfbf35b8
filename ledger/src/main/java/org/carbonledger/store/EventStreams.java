package org.carbonledger.store;

import java.util.Optional;
import java.util.function.BiFunction;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;

/**
 * Reads one aggregate's committed events straight from the event store, without loading (and so
 * without locking) the aggregate.
 *
 * <p>A batch that checks an account reads the account this way: taking the account's lock as well
 * as its own would let two transfers that touch the same two accounts in opposite order deadlock.
 * Inside a unit of work the read uses the unit's own connection, so it also sees events that the
 * unit itself has staged.
 */
public final class EventStreams {

  private EventStreams() {}

  /**
   * Folds the payloads of a stream, in sequence order.
   *
   * @return the folded state, or empty when the stream has no events
   */
  public static <S, E> Optional<S> fold(
      EventStore eventStore, String streamId, Class<E> eventType, BiFunction<S, E, S> next) {
    return foldToLast(eventStore, streamId, eventType, next).map(Folded::state);
  }

  /**
   * A stream's folded state and the identifier of the last event read, which names exactly this
   * history: event identifiers are unique and stored events never change.
   */
  public record Folded<S>(S state, String lastEventId) {}

  /**
   * {@link #fold}, also saying which event the state was folded up to.
   *
   * @return the folded state with its last event's identifier, or empty when the stream has no
   *     events of the type
   */
  public static <S, E> Optional<Folded<S>> foldToLast(
      EventStore eventStore, String streamId, Class<E> eventType, BiFunction<S, E, S> next) {
    DomainEventStream stream = eventStore.readEvents(streamId);
    S state = null;
    String lastEventId = null;
    while (stream.hasNext()) {
      DomainEventMessage<?> message = stream.next();
      lastEventId = message.getIdentifier();
      if (eventType.isInstance(message.getPayload())) {
        state = next.apply(state, eventType.cast(message.getPayload()));
      }
    }
    return state == null ? Optional.empty() : Optional.of(new Folded<>(state, lastEventId));
  }
}
