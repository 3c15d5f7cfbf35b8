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

/**
 * A holder's account in the registry (登记): who holds it, where, and whether credits may move in or
 * out of it. The credits themselves are recorded by their batches, which ask the account whether it
 * can receive or send.
 */
@Aggregate
public class Account {

  @AggregateIdentifier private String accountId;
  private HolderType holderType;
  private AccountStatus status;

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
    requireNotClosed();
    if (status == AccountStatus.FROZEN) {
      throw LedgerRejection.of(
          RejectionCode.ACCOUNT_FROZEN, "account " + accountId + " is already frozen");
    }
    apply(new AccountFrozen(accountId, command.reason()));
  }

  @CommandHandler
  public void handle(UnfreezeAccount command) {
    requireNotClosed();
    if (status != AccountStatus.FROZEN) {
      throw LedgerRejection.of(
          RejectionCode.ACCOUNT_NOT_FROZEN, "account " + accountId + " is not frozen");
    }
    apply(new AccountUnfrozen(accountId, command.reason()));
  }

  @CommandHandler
  public void handle(CloseAccount command) {
    requireNotClosed();
    apply(new AccountClosed(accountId, command.reason()));
  }

  /** Credits may move into or out of this account only when it is open. */
  public void requireOpen() {
    requireNotClosed();
    if (status == AccountStatus.FROZEN) {
      throw LedgerRejection.of(RejectionCode.ACCOUNT_FROZEN, "account " + accountId + " is frozen");
    }
  }

  private void requireNotClosed() {
    if (status == AccountStatus.CLOSED) {
      throw LedgerRejection.of(RejectionCode.ACCOUNT_CLOSED, "account " + accountId + " is closed");
    }
  }

  public HolderType holderType() {
    return holderType;
  }

  public AccountStatus status() {
    return status;
  }

  @EventSourcingHandler
  void on(AccountOpened event) {
    accountId = event.accountId();
    holderType = event.holderType();
    status = AccountStatus.OPEN;
  }

  @EventSourcingHandler
  void on(AccountFrozen event) {
    status = AccountStatus.FROZEN;
  }

  @EventSourcingHandler
  void on(AccountUnfrozen event) {
    status = AccountStatus.OPEN;
  }

  @EventSourcingHandler
  void on(AccountClosed event) {
    status = AccountStatus.CLOSED;
  }
}
