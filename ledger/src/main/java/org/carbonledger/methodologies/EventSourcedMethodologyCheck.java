package org.carbonledger.methodologies;

import org.axonframework.eventsourcing.eventstore.EventStore;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.store.EventStreams;

/** {@link MethodologyCheck} that folds the methodology's committed events. */
public final class EventSourcedMethodologyCheck implements MethodologyCheck {

  private final EventStore eventStore;

  public EventSourcedMethodologyCheck(EventStore eventStore) {
    this.eventStore = eventStore;
  }

  @Override
  public MethodologyState requireApproved(String methodologyId, String field) {
    return EventStreams.fold(
            eventStore,
            Methodology.streamId(methodologyId),
            MethodologyEvent.class,
            MethodologyState::next)
        .orElseThrow(
            () ->
                LedgerRejection.of(
                    RejectionCode.METHODOLOGY_NOT_FOUND,
                    field,
                    "methodology " + methodologyId + " does not exist"))
        .requireApproved(field);
  }
}
