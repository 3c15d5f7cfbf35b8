package org.carbonledger.audit.verify;

import java.util.List;

/**
 * What a verification read and what it found.
 *
 * @param entriesNotYetLogged signed entries the sequencer has not appended yet: normal for the
 *     newest events of a running ledger, not a failure
 */
public record VerificationReport(
    long events,
    long entries,
    long streams,
    long leaves,
    long checkpoints,
    long keys,
    long entriesNotYetLogged,
    double seconds,
    List<Finding> findings) {

  public boolean sound() {
    return findings.isEmpty();
  }
}
