package org.carbonledger.audit.replay;

import java.time.LocalDate;
import java.util.List;

/**
 * What a stored batch event says, read from its JSON payload as docs/spec/01-domain.md §1.6 and
 * docs/spec/04-projections.md §4.2.5–4.2.6 describe it: only the fields the replay needs.
 */
sealed interface BatchChange {

  String batchId();

  /** {@code BatchIssued}: the batch's one contiguous block, into one account. */
  record Issued(
      String batchId,
      String projectId,
      int batchSequence,
      LocalDate vintageStart,
      LocalDate vintageEnd,
      String verificationReportId,
      String verifier,
      String accountId,
      long quantity,
      SerialRange serials,
      String serialPrefix)
      implements BatchChange {}

  /** What a movement does with its serials. */
  enum Kind {
    /** {@code CreditsTransferred}: the blocks leave one account and join another. */
    TRANSFER("transfer", "CreditsTransferred"),
    /** {@code CreditsRetired}: the blocks leave the account and are retired for ever. */
    RETIREMENT("retirement", "CreditsRetired"),
    /** {@code CreditsCancelled}: the blocks leave the account and are cancelled. */
    CANCELLATION("cancellation", "CreditsCancelled");

    final String noun;
    final String eventType;

    Kind(String noun, String eventType) {
      this.noun = noun;
      this.eventType = eventType;
    }
  }

  /**
   * {@code CreditsTransferred}, {@code CreditsRetired} or {@code CreditsCancelled}: exactly {@code
   * blocks} leave {@code accountId}.
   *
   * @param movementId the {@code transferId}, {@code retirementId} or {@code cancellationId}
   * @param toAccountId the receiving account of a transfer; null otherwise
   */
  record Moved(
      Kind kind,
      String batchId,
      String movementId,
      String accountId,
      String toAccountId,
      long quantity,
      List<SerialRange> blocks)
      implements BatchChange {

    String describe() {
      return kind.noun
          + " "
          + movementId
          + " from "
          + accountId
          + (toAccountId == null ? "" : " to " + toAccountId);
    }
  }
}
