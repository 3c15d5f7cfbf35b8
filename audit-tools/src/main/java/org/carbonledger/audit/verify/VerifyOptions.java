package org.carbonledger.audit.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How to verify, beyond the database itself.
 *
 * @param trustedKeys the ledger's first keys as the regulator has them (for example saved from an
 *     earlier audit or from the operator's publication); empty to take them from {@code
 *     ledger_key}, which trusts whoever can write that table
 * @param since a checkpoint saved at an earlier audit, as its signed note; the current log must
 *     extend it, or history was rewritten between the two audits. Null for none.
 * @param logGrace how long an event may stay out of the Merkle log before it counts as missed
 * @param now the time the grace is measured from
 */
public record VerifyOptions(
    List<TrustedKey> trustedKeys, String since, Duration logGrace, Instant now) {

  public VerifyOptions {
    trustedKeys = List.copyOf(trustedKeys);
    Objects.requireNonNull(logGrace, "logGrace");
    Objects.requireNonNull(now, "now");
  }

  /** Trust {@code ledger_key}, no earlier checkpoint, five minutes' grace. */
  public static VerifyOptions defaults() {
    return new VerifyOptions(List.of(), null, Duration.ofMinutes(5), Instant.now());
  }

  public VerifyOptions withTrustedKeys(List<TrustedKey> keys) {
    return new VerifyOptions(keys, since, logGrace, now);
  }

  public VerifyOptions withSince(String note) {
    return new VerifyOptions(trustedKeys, note, logGrace, now);
  }

  public VerifyOptions withLogGrace(Duration grace) {
    return new VerifyOptions(trustedKeys, since, grace, now);
  }

  /**
   * A first key of the ledger that the regulator trusts.
   *
   * @param purpose "entry" or "checkpoint"
   * @param publicKey the 32-byte Ed25519 public key
   */
  public record TrustedKey(String purpose, String keyName, byte[] publicKey) {}
}
