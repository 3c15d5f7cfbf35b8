package org.carbonledger.registry;

/**
 * The stable codes of every reason the registry refuses a command.
 *
 * <p>Clients branch on these codes, so a code is never renamed or reused once released. The REST
 * API returns the code in the {@code code} member of its problem+json bodies, and the HTTP status
 * each code maps to is given here so that every entry point answers alike.
 */
public enum RejectionCode {
  /** A field of the command is missing or malformed; the rejection names the field. */
  INVALID_ARGUMENT(400),
  /** Something with the same identifier already exists. */
  ALREADY_EXISTS(409),
  ACCOUNT_NOT_FOUND(404),
  ACCOUNT_FROZEN(409),
  ACCOUNT_CLOSED(409),
  ACCOUNT_NOT_FROZEN(409),
  /** Two writers changed the same aggregate at once; the command may be retried. */
  CONCURRENT_MODIFICATION(409);

  private final int httpStatus;

  RejectionCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status that the REST API answers with for this code. */
  public int httpStatus() {
    return httpStatus;
  }
}
