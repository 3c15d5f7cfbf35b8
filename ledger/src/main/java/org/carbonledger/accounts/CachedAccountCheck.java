package org.carbonledger.accounts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
 * transfer's CPU; this takes one query, for the identifier of the account's last event, and reuses
 * the state when nothing was appended since. It is as fresh as folding: the query reads what the
 * command's transaction reads. Event identifiers are unique and events are never changed, so an
 * identifier names exactly one history: a state folded from events that were later rolled back is
 * never reused, since the event that is eventually stored in their place has another identifier.
 *
 * <p>At most {@code capacity} accounts are remembered, least recently checked first out.
 * Thread-safe.
 */
public final class CachedAccountCheck implements AccountCheck {

  private final EventStore eventStore;
  private final Function<String, Optional<String>> lastEventOf;
  private final Map<String, Folded<AccountState>> known;

  /**
   * @param eventStore the ledger's event store, not null
   * @param lastEventOf the identifier of a stream's last stored event, read in the caller's
   *     transaction (as {@code store.LastEvents} does), not null
   * @param capacity how many accounts to remember, at least 1
   */
  public CachedAccountCheck(
      EventStore eventStore, Function<String, Optional<String>> lastEventOf, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.eventStore = eventStore;
    this.lastEventOf = lastEventOf;
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
    return state(accountId, field).requireOpen(field);
  }

  private AccountState state(String accountId, String field) {
    String streamId = Account.streamId(accountId);
    Optional<String> last = lastEventOf.apply(streamId);
    Folded<AccountState> remembered;
    synchronized (known) {
      remembered = known.get(accountId);
    }
    if (last.isPresent() && remembered != null && remembered.lastEventId().equals(last.get())) {
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
