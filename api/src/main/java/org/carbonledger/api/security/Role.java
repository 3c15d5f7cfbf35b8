package org.carbonledger.api.security;

/** What an API client may do (docs/api.md). Reading the public register needs no role. */
public enum Role {
  /** Files methodologies and projects, opens accounts, issues and cancels credits. */
  OPERATOR,
  /** Transfers and retires credits from its own accounts only. */
  HOLDER,
  /** Declares footprints for its own accounts and retires credits against them. */
  ORGANISER,
  /** Reads everything, including every account's holdings and statements, and exports. */
  REGULATOR;

  /** Whether this role may read every account, not only its own. */
  public boolean readsEverything() {
    return this == OPERATOR || this == REGULATOR;
  }
}
