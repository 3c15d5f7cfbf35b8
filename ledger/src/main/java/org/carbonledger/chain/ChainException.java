package org.carbonledger.chain;

import java.util.Objects;

/**
 * The single exception type of the chain core. It carries exactly one {@link ChainFailure}, so a
 * caller that catches it always learns what failed and where.
 *
 * <p>It is thrown by functions that produce a value (decoding an entry, opening a signed note,
 * reading a key). Functions that only check something return the failures they found instead.
 */
public final class ChainException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ChainFailure failure;

  /**
   * Wraps a failure.
   *
   * @param failure the failure, not null
   */
  public ChainException(ChainFailure failure) {
    super(Objects.requireNonNull(failure, "failure").describe());
    this.failure = failure;
  }

  /**
   * The failure this exception reports.
   *
   * @return the failure, never null
   */
  public ChainFailure failure() {
    return failure;
  }
}
