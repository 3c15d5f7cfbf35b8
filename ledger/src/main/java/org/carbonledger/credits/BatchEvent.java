package org.carbonledger.credits;

import java.time.LocalDate;
import java.util.List;

/** Everything that has happened to a {@link Batch} and its credits. */
public sealed interface BatchEvent {

  String batchId();

  /** A batch was issued as one contiguous serial block into one account. */
  record BatchIssued(
      String batchId,
      String projectId,
      int batchSequence,
      LocalDate vintageStart,
      LocalDate vintageEnd,
      String verificationReportId,
      String verifier,
      String accountId,
      long quantity,
      SerialBlock serials,
      String serialPrefix)
      implements BatchEvent {}

  /** Credits moved between holdings; {@code blocks} are exactly the serials that moved. */
  record CreditsTransferred(
      String batchId,
      String transferId,
      String fromAccountId,
      String toAccountId,
      long quantity,
      List<SerialBlock> blocks)
      implements BatchEvent {}

  /** Credits were retired, for good; {@code blocks} are exactly the serials retired. */
  record CreditsRetired(
      String batchId,
      String retirementId,
      String accountId,
      long quantity,
      List<SerialBlock> blocks,
      String beneficiary,
      String reason,
      String details,
      RetirementPurpose purpose,
      LocalDate consumptionPeriodStart,
      LocalDate consumptionPeriodEnd,
      String jurisdictionOfUse,
      String footprintId)
      implements BatchEvent {}

  /** Issued credits were cancelled; {@code blocks} are exactly the serials cancelled. */
  record CreditsCancelled(
      String batchId,
      String cancellationId,
      String accountId,
      long quantity,
      List<SerialBlock> blocks,
      CancellationKind kind,
      String reason)
      implements BatchEvent {}
}
