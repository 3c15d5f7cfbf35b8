package org.carbonledger.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * A command that the registry refused. Nothing was written.
 *
 * <p>Every refusal carries a stable {@link RejectionCode} and a sentence for people; a refusal
 * caused by one field of the command also names that field.
 */
public final class LedgerRejection extends RuntimeException {

  private final RejectionCode code;
  private final String field;

  private LedgerRejection(RejectionCode code, String field, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
    this.field = field;
  }

  public static LedgerRejection of(RejectionCode code, String message) {
    return new LedgerRejection(code, null, message);
  }

  /** A refusal caused by the thing one field of the command names, such as a frozen account. */
  public static LedgerRejection of(RejectionCode code, String field, String message) {
    return new LedgerRejection(code, field, message);
  }

  /** A malformed or missing field; {@code field} is its name as the client sent it. */
  public static LedgerRejection invalid(String field, String message) {
    return new LedgerRejection(RejectionCode.INVALID_ARGUMENT, field, message);
  }

  public RejectionCode code() {
    return code;
  }

  /** The field of the command that caused the refusal, where one did. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
