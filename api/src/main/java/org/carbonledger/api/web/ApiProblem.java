package org.carbonledger.api.web;

import org.springframework.http.HttpStatus;

/**
 * The error codes of the API itself, beside the domain's {@link
 * org.carbonledger.registry.RejectionCode}s. Every problem response carries one of the two in its
 * {@code code} member; both lists are stable and documented in docs/api.md.
 */
public enum ApiProblem {
  /** No valid API key was given for a request that needs one. */
  UNAUTHENTICATED(HttpStatus.UNAUTHORIZED),
  /** The API key's role may not do this. */
  FORBIDDEN(HttpStatus.FORBIDDEN),
  /** The body is not JSON, or not of the expected shape. */
  MALFORMED_REQUEST(HttpStatus.BAD_REQUEST),
  /** The body names a field the request does not accept, such as a server-owned one (API3). */
  UNKNOWN_FIELD(HttpStatus.BAD_REQUEST),
  /** No such resource or endpoint. */
  NOT_FOUND(HttpStatus.NOT_FOUND),
  /** The body is not JSON. */
  UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
  /** The HTTP method is not supported here. */
  METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),
  /** The Idempotency-Key was used before with a different request. */
  IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_ENTITY),
  /** Another request with the same Idempotency-Key is still running; retry shortly. */
  IDEMPOTENCY_KEY_IN_USE(HttpStatus.CONFLICT),
  /** The read asked to wait for a position the projections did not reach in time. */
  PROJECTION_BEHIND(HttpStatus.SERVICE_UNAVAILABLE),
  /**
   * The event is committed but not yet covered by a signed checkpoint (usually within a second);
   * retry after the Retry-After delay.
   */
  PROOF_NOT_READY(HttpStatus.SERVICE_UNAVAILABLE),
  /** Something failed inside the service; nothing was changed. */
  INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR);

  private final HttpStatus status;

  ApiProblem(HttpStatus status) {
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }
}
