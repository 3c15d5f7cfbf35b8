package org.carbonledger.registry;

/**
 * The stable codes of every reason the registry refuses a command.
 *
 * <p>Clients branch on these codes, so a code is never renamed or reused once released. The REST
 * API returns the code in the {@code code} member of its problem+json bodies, and the HTTP status
 * each code maps to is given here so that every entry point answers alike: 400 for a malformed
 * command, 404 for something that does not exist, 403 for something the caller may not touch, 409
 * for a command that the current state of the registry does not allow.
 */
public enum RejectionCode {
  /** A field of the command is missing or malformed; the rejection names the field. */
  INVALID_ARGUMENT(400),
  /** Something with the same identifier already exists. */
  ALREADY_EXISTS(409),
  /** Two writers changed the same aggregate at once; the command may be retried. */
  CONCURRENT_MODIFICATION(409),

  ACCOUNT_NOT_FOUND(404),
  ACCOUNT_FROZEN(409),
  ACCOUNT_CLOSED(409),
  ACCOUNT_NOT_FROZEN(409),
  /** The caller's credentials do not act for the account it names (OWASP API1). */
  ACCOUNT_NOT_OWNED(403),
  /** The account's holder type may not do this, e.g. an individual declaring an event footprint. */
  HOLDER_TYPE_NOT_ALLOWED(403),

  METHODOLOGY_NOT_FOUND(404),
  METHODOLOGY_NOT_APPROVED(409),
  METHODOLOGY_ALREADY_APPROVED(409),
  METHODOLOGY_WITHDRAWN(409),

  PROJECT_NOT_FOUND(404),
  PROJECT_NOT_APPROVED(409),
  PROJECT_ALREADY_APPROVED(409),
  PROJECT_SUSPENDED(409),
  PROJECT_NOT_SUSPENDED(409),

  BATCH_NOT_FOUND(404),
  /** The account holds fewer tradable credits of the batch than the command moves. */
  INSUFFICIENT_HOLDING(409),
  /** The named serial block is not wholly tradable in the account (moved, retired or cancelled). */
  SERIAL_BLOCK_NOT_HELD(409),
  /** A transfer from an account to itself. */
  SAME_ACCOUNT(400),
  /** A transfer, retirement or cancellation with this identifier was already recorded. */
  MOVEMENT_ALREADY_RECORDED(409),

  FOOTPRINT_NOT_FOUND(404),
  /** The footprint is fully covered; retiring more against it would waste credits. */
  FOOTPRINT_ALREADY_NEUTRAL(409),
  /** Only the footprint's own organiser may retire against it. */
  FOOTPRINT_NOT_OWNED(403),
  /** The retirement exceeds what the footprint still needs by a whole tonne or more. */
  FOOTPRINT_OVERCOVERED(409),

  /** A key rotation names a retiring key that is not the purpose's current key. */
  KEY_NOT_CURRENT(409),
  /** A key rotation brings in a key the ledger has used before. */
  KEY_ALREADY_USED(409);

  private final int httpStatus;

  RejectionCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status that the REST API answers with for this code. */
  public int httpStatus() {
    return httpStatus;
  }
}
