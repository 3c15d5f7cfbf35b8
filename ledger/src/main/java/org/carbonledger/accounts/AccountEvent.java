package org.carbonledger.accounts;

/** Everything that has happened to an {@link Account}. */
public sealed interface AccountEvent {

  String accountId();

  record AccountOpened(String accountId, HolderType holderType, String name, String jurisdiction)
      implements AccountEvent {}

  record AccountFrozen(String accountId, String reason) implements AccountEvent {}

  record AccountUnfrozen(String accountId, String reason) implements AccountEvent {}

  record AccountClosed(String accountId, String reason) implements AccountEvent {}
}
