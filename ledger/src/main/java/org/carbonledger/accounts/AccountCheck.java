package org.carbonledger.accounts;

/**
 * What other aggregates may ask about an account before they move credits into or out of it.
 *
 * <p>Accounts and batches are separate consistency boundaries (see ADR 0004): a batch reads an
 * account's state but never locks or changes it.
 */
public interface AccountCheck {

  /**
   * Returns the account's state if credits may move into or out of it.
   *
   * @param accountId the account
   * @param field the command field that named the account, for the rejection
   * @throws org.carbonledger.registry.LedgerRejection {@code ACCOUNT_NOT_FOUND}, {@code
   *     ACCOUNT_FROZEN} or {@code ACCOUNT_CLOSED}
   */
  AccountState requireOpen(String accountId, String field);

  /**
   * Checks the two accounts of a movement, {@code first} before {@code second}: if both are
   * refused, the rejection is the first's. An implementation may look both up at once.
   *
   * @throws org.carbonledger.registry.LedgerRejection as {@link #requireOpen}
   */
  default void requireBothOpen(
      String firstId, String firstField, String secondId, String secondField) {
    requireOpen(firstId, firstField);
    requireOpen(secondId, secondField);
  }
}
