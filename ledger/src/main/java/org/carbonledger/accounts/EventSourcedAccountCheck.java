package org.carbonledger.accounts;

import org.axonframework.eventsourcing.eventstore.EventStore;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.store.EventStreams;

/** {@link AccountCheck} that folds the account's committed events. */
public final class EventSourcedAccountCheck implements AccountCheck {

  private final EventStore eventStore;

  public EventSourcedAccountCheck(EventStore eventStore) {
    this.eventStore = eventStore;
  }

  @Override
  public AccountState requireOpen(String accountId, String field) {
    return EventStreams.fold(
            eventStore, Account.streamId(accountId), AccountEvent.class, AccountState::next)
        .orElseThrow(
            () ->
                LedgerRejection.of(
                    RejectionCode.ACCOUNT_NOT_FOUND,
                    field,
                    "account " + accountId + " does not exist"))
        .requireOpen(field);
  }
}
