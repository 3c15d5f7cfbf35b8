package org.carbonledger.audit.replay;

import java.time.LocalDate;
import java.util.List;

/**
 * What a stored batch event says, read from its JSON payload as docs/spec/01-domain.md §1.6 and
 * docs/spec/04-projections.md §4.2.5–4.2.8 describe it: only the fields the replay and the
 * projection tables need.
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
   * What a {@code CreditsRetired} claims besides its serials, as the public register shows it
   * (docs/spec/04-projections.md §4.2.8): the optional fields are null when the event has none.
   *
   * @param purpose the {@code RetirementPurpose} constant's name, as stored
   */
  record Claim(
      String beneficiary,
      String reason,
      String details,
      String purpose,
      LocalDate consumptionPeriodStart,
      LocalDate consumptionPeriodEnd,
      String jurisdictionOfUse,
      String footprintId) {}

  /**
   * {@code CreditsTransferred}, {@code CreditsRetired} or {@code CreditsCancelled}: exactly {@code
   * blocks} leave {@code accountId}.
   *
   * @param movementId the {@code transferId}, {@code retirementId} or {@code cancellationId}
   * @param toAccountId the receiving account of a transfer; null otherwise
   * @param claim what a retirement claims; null for a transfer or cancellation
   */
  record Moved(
      Kind kind,
      String batchId,
      String movementId,
      String accountId,
      String toAccountId,
      long quantity,
      List<SerialRange> blocks,
      Claim claim)
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
