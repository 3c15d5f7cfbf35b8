package org.carbonledger.audit.verify;

import org.carbonledger.chain.ChainFailure;

/** How the verifiers name and place a chain core failure in a {@link Finding}. */
public final class ChainFailures {

  private ChainFailures() {}

  /** The sequence number the failure is about, or null if it names none. */
  public static Long sequenceOf(ChainFailure failure) {
    if (failure instanceof ChainFailure.SequenceGap gap) {
      return gap.actual();
    } else if (failure instanceof ChainFailure.HashMismatch mismatch) {
      return mismatch.sequence();
    } else if (failure instanceof ChainFailure.BrokenLink link) {
      return link.sequence();
    } else if (failure instanceof ChainFailure.UnknownKey unknown) {
      return unknown.sequence();
    } else if (failure instanceof ChainFailure.BadSignature bad) {
      return bad.sequence();
    } else if (failure instanceof ChainFailure.KeyOutsideValidity outside) {
      return outside.sequence();
    } else if (failure instanceof ChainFailure.ForeignEntry foreign) {
      return foreign.sequence();
    }
    return null;
  }

  /** UPPER_SNAKE_CASE of the failure's type, such as BROKEN_LINK. */
  public static String kindOf(ChainFailure failure) {
    return failure.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
  }

  /**
   * Whether the failure leaves no signature to check: the hash it signs is wrong, or the key is
   * unknown or not valid there, or the entry is not the stream's; each is reported already.
   */
  public static boolean hidesSignature(ChainFailure failure) {
    return failure instanceof ChainFailure.HashMismatch
        || failure instanceof ChainFailure.UnknownKey
        || failure instanceof ChainFailure.KeyOutsideValidity
        || failure instanceof ChainFailure.ForeignEntry;
  }
}
