package org.carbonledger.audit;

/** The exit codes of {@code ledger-audit}. Scripts rely on them; they never change meaning. */
public final class ExitCodes {

  /** Everything that was checked is sound. */
  public static final int OK = 0;

  /** The data failed at least one check; each failure was reported with its location. */
  public static final int INTEGRITY_FAILURE = 1;

  /** The command line was wrong, or the data could not be read. Nothing was checked. */
  public static final int USAGE_OR_IO = 2;

  private ExitCodes() {}
}
