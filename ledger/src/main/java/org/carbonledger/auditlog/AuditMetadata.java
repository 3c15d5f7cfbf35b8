package org.carbonledger.auditlog;

/**
 * The metadata keys that carry a command's actor and idempotency key onto its events, and from
 * there into the signed chain entry.
 */
public final class AuditMetadata {

  /** Who sent the command: an account or an operator, as authenticated by the API. */
  public static final String ACTOR = "actor";

  /** The client's Idempotency-Key, so that a retried write can be recognised. */
  public static final String IDEMPOTENCY_KEY = "idempotencyKey";

  private AuditMetadata() {}
}
