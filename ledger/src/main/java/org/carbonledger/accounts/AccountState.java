package org.carbonledger.accounts;

import org.carbonledger.accounts.AccountEvent.AccountClosed;
import org.carbonledger.accounts.AccountEvent.AccountFrozen;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.AccountEvent.AccountUnfrozen;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;

/**
 * What an account's events add up to. The {@link Account} aggregate and {@link AccountCheck} both
 * fold events with {@link #next}, so the rules about accounts live in one place.
 */
public record AccountState(String accountId, HolderType holderType, AccountStatus status) {

  /** The state after one more event; {@code state} is null before the account is opened. */
  public static AccountState next(AccountState state, AccountEvent event) {
    if (event instanceof AccountOpened opened) {
      return new AccountState(opened.accountId(), opened.holderType(), AccountStatus.OPEN);
    } else if (event instanceof AccountFrozen) {
      return state.withStatus(AccountStatus.FROZEN);
    } else if (event instanceof AccountUnfrozen) {
      return state.withStatus(AccountStatus.OPEN);
    } else if (event instanceof AccountClosed) {
      return state.withStatus(AccountStatus.CLOSED);
    }
    throw new IllegalArgumentException("unknown account event " + event);
  }

  private AccountState withStatus(AccountStatus newStatus) {
    return new AccountState(accountId, holderType, newStatus);
  }

  /**
   * Credits may move into or out of this account only when it is open.
   *
   * @param field the command field that named this account, so that a transfer can say whether the
   *     sender or the receiver is frozen
   */
  public AccountState requireOpen(String field) {
    requireNotClosed(field);
    if (status == AccountStatus.FROZEN) {
      throw LedgerRejection.of(
          RejectionCode.ACCOUNT_FROZEN, field, "account " + accountId + " is frozen");
    }
    return this;
  }

  public void requireNotClosed(String field) {
    if (status == AccountStatus.CLOSED) {
      throw LedgerRejection.of(
          RejectionCode.ACCOUNT_CLOSED, field, "account " + accountId + " is closed");
    }
  }
}
