package org.carbonledger.accounts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.store.EventStreams;
import org.carbonledger.store.EventStreams.Folded;

/**
 * {@link AccountCheck} that remembers the state of recently checked accounts, each with the
 * identifier of the last event it folded, and folds an account's stream again only when its last
 * stored event is another one.
 *
 * <p>Every transfer checks two accounts. Folding each from the event store took two queries (the
 * snapshot, then the events) and deserializing every event of the account, about a quarter of a
 * transfer's CPU; this takes one query, for the identifier of the account's last event (of both
 * accounts' last events, for a transfer: a query each was 13% of a client thread's CPU in
 * profiles), and reuses the state when nothing was appended since. It is as fresh as folding: the
 * query reads what the command's transaction reads. Event identifiers are unique and events are
 * never changed, so an identifier names exactly one history: a state folded from events that were
 * later rolled back is never reused, since the event that is eventually stored in their place has
 * another identifier.
 *
 * <p>At most {@code capacity} accounts are remembered, least recently checked first out.
 * Thread-safe.
 */
public final class CachedAccountCheck implements AccountCheck {

  private final EventStore eventStore;
  private final Function<List<String>, Map<String, String>> lastEventsOf;
  private final Map<String, Folded<AccountState>> known;

  /**
   * @param eventStore the ledger's event store, not null
   * @param lastEventsOf the identifier of each stream's last stored event, by stream identifier
   *     (absent for a stream without events), read in the caller's transaction (as {@code
   *     store.LastEvents} does), not null
   * @param capacity how many accounts to remember, at least 1
   */
  public CachedAccountCheck(
      EventStore eventStore,
      Function<List<String>, Map<String, String>> lastEventsOf,
      int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.eventStore = eventStore;
    this.lastEventsOf = lastEventsOf;
    this.known =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Folded<AccountState>> eldest) {
            return size() > capacity;
          }
        };
  }

  @Override
  public AccountState requireOpen(String accountId, String field) {
    String streamId = Account.streamId(accountId);
    String last = lastEventsOf.apply(List.of(streamId)).get(streamId);
    return state(accountId, field, last).requireOpen(field);
  }

  /** One lookup for both accounts' last events, then each is checked as {@link #requireOpen}. */
  @Override
  public void requireBothOpen(
      String firstId, String firstField, String secondId, String secondField) {
    String first = Account.streamId(firstId);
    String second = Account.streamId(secondId);
    Map<String, String> last = lastEventsOf.apply(List.of(first, second));
    state(firstId, firstField, last.get(first)).requireOpen(firstField);
    state(secondId, secondField, last.get(second)).requireOpen(secondField);
  }

  /**
   * @param lastEventId the identifier of the account's last stored event, null if it has none
   */
  private AccountState state(String accountId, String field, String lastEventId) {
    String streamId = Account.streamId(accountId);
    Folded<AccountState> remembered;
    synchronized (known) {
      remembered = known.get(accountId);
    }
    if (lastEventId != null && remembered != null && remembered.lastEventId().equals(lastEventId)) {
      return remembered.state();
    }
    Folded<AccountState> folded =
        EventStreams.foldToLast(eventStore, streamId, AccountEvent.class, AccountState::next)
            .orElseThrow(
                () ->
                    LedgerRejection.of(
                        RejectionCode.ACCOUNT_NOT_FOUND,
                        field,
                        "account " + accountId + " does not exist"));
    synchronized (known) {
      known.put(accountId, folded);
    }
    return folded.state();
  }

  /** How many accounts are remembered now; for tests. */
  int remembered() {
    synchronized (known) {
      return known.size();
    }
  }
}
