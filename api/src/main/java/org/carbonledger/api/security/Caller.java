package org.carbonledger.api.security;

import java.util.Set;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;

/**
 * An authenticated API client: who it is, its role, and the accounts it acts for.
 *
 * @param accountIds the accounts a holder or organiser owns; empty for operators and regulators
 */
public record Caller(String clientId, String name, Role role, Set<String> accountIds) {

  public Caller {
    accountIds = Set.copyOf(accountIds);
  }

  /** The actor recorded in every signed event this caller causes. */
  public String actor() {
    return "client:" + clientId;
  }

  /** Whether the caller may read this account's holdings and statement. */
  public boolean mayRead(String accountId) {
    return role.readsEverything() || accountIds.contains(accountId);
  }

  /**
   * Refuses to act on an account the caller does not own. A holder's credentials never reach
   * another account's holdings (OWASP API1).
   *
   * @param field the request field that names the account
   */
  public void requireOwns(String accountId, String field) {
    if (!accountIds.contains(accountId)) {
      throw LedgerRejection.of(
          RejectionCode.ACCOUNT_NOT_OWNED,
          field,
          "this API key does not act for account " + accountId);
    }
  }

  /** Refuses to show an account the caller may not read, as if it did not exist. */
  public void requireMayRead(String accountId) {
    if (!mayRead(accountId)) {
      throw LedgerRejection.of(
          RejectionCode.ACCOUNT_NOT_OWNED, "this API key does not act for account " + accountId);
    }
  }
}
