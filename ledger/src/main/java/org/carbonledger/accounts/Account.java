package org.carbonledger.accounts;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.carbonledger.accounts.AccountCommand.CloseAccount;
import org.carbonledger.accounts.AccountCommand.FreezeAccount;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.AccountCommand.UnfreezeAccount;
import org.carbonledger.accounts.AccountEvent.AccountClosed;
import org.carbonledger.accounts.AccountEvent.AccountFrozen;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.AccountEvent.AccountUnfrozen;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.registry.StreamIds;

/**
 * A holder's account in the registry (登记): who holds it, where, and whether credits may move in or
 * out of it. The credits themselves are recorded by their batches, which ask {@link AccountCheck}
 * whether an account can receive or send.
 */
@Aggregate
public class Account {

  @AggregateIdentifier private String streamId;
  private AccountState state;

  protected Account() {
    // Required by Axon to rebuild the account from its events.
  }

  @CommandHandler
  public Account(OpenAccount command) {
    apply(
        new AccountOpened(
            command.accountId(), command.holderType(), command.name(), command.jurisdiction()));
  }

  @CommandHandler
  public void handle(FreezeAccount command) {
    state.requireNotClosed("accountId");
    if (state.status() == AccountStatus.FROZEN) {
      throw LedgerRejection.of(
          RejectionCode.ACCOUNT_FROZEN,
          "accountId",
          "account " + state.accountId() + " is already frozen");
    }
    apply(new AccountFrozen(state.accountId(), command.reason()));
  }

  @CommandHandler
  public void handle(UnfreezeAccount command) {
    state.requireNotClosed("accountId");
    if (state.status() != AccountStatus.FROZEN) {
      throw LedgerRejection.of(
          RejectionCode.ACCOUNT_NOT_FROZEN,
          "accountId",
          "account " + state.accountId() + " is not frozen");
    }
    apply(new AccountUnfrozen(state.accountId(), command.reason()));
  }

  @CommandHandler
  public void handle(CloseAccount command) {
    state.requireNotClosed("accountId");
    apply(new AccountClosed(state.accountId(), command.reason()));
  }

  /** The name of an account's event stream. */
  public static String streamId(String accountId) {
    return StreamIds.of(StreamIds.ACCOUNT, accountId);
  }

  AccountState state() {
    return state;
  }

  @EventSourcingHandler
  void on(AccountEvent event) {
    state = AccountState.next(state, event);
    streamId = streamId(state.accountId());
  }
}
