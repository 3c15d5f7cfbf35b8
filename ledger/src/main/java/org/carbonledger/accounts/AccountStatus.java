package org.carbonledger.accounts;

/** An account is open, frozen (nothing moves in or out) or closed (for good). */
public enum AccountStatus {
  OPEN,
  FROZEN,
  CLOSED
}
