package org.carbonledger.credits;

import static org.carbonledger.registry.Require.identifier;
import static org.carbonledger.registry.Require.jurisdictionCode;
import static org.carbonledger.registry.Require.optionalText;
import static org.carbonledger.registry.Require.period;
import static org.carbonledger.registry.Require.positive;
import static org.carbonledger.registry.Require.present;
import static org.carbonledger.registry.Require.text;

import java.time.LocalDate;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.carbonledger.registry.LedgerRejection;

/**
 * Everything that can be asked of a {@link Batch}: moving, retiring and cancelling its credits.
 *
 * <p>Each movement names the quantity and, optionally, the exact serial block to move. Without a
 * block the lowest serials of the holding move first. With one, the quantity must equal the block's
 * size, so that a typo in either is caught rather than guessed at.
 */
public sealed interface BatchCommand {

  String batchId();

  @TargetAggregateIdentifier
  default String streamId() {
    return Batch.streamId(batchId());
  }

  record TransferCredits(
      String batchId,
      String transferId,
      String fromAccountId,
      String toAccountId,
      long quantity,
      SerialBlock block)
      implements BatchCommand {
    public TransferCredits {
      identifier(batchId, "batchId");
      identifier(transferId, "transferId");
      identifier(fromAccountId, "fromAccountId");
      identifier(toAccountId, "toAccountId");
      checkQuantity(quantity, block);
    }
  }

  /**
   * Retires credits (核销). Permanent: retired credits never move again.
   *
   * @param beneficiary on whose behalf the credits are retired
   * @param reason why, in words, such as "Wuhan Marathon 2026 carbon neutrality"
   * @param details optional further statement
   * @param consumptionPeriodStart optional first day of the emissions being offset
   * @param consumptionPeriodEnd optional last day, given together with the first
   * @param jurisdictionOfUse ISO 3166 code of where the claim is used; "ZZ" when unknown (imports)
   * @param footprintId the footprint this retirement covers; required for event neutrality
   */
  record RetireCredits(
      String batchId,
      String retirementId,
      String accountId,
      long quantity,
      SerialBlock block,
      String beneficiary,
      String reason,
      String details,
      RetirementPurpose purpose,
      LocalDate consumptionPeriodStart,
      LocalDate consumptionPeriodEnd,
      String jurisdictionOfUse,
      String footprintId)
      implements BatchCommand {
    public RetireCredits {
      identifier(batchId, "batchId");
      identifier(retirementId, "retirementId");
      identifier(accountId, "accountId");
      checkQuantity(quantity, block);
      text(beneficiary, "beneficiary", 300);
      text(reason, "reason", 500);
      optionalText(details, "details", 2000);
      present(purpose, "purpose");
      if (consumptionPeriodStart != null || consumptionPeriodEnd != null) {
        period(
            consumptionPeriodStart,
            "consumptionPeriodStart",
            consumptionPeriodEnd,
            "consumptionPeriodEnd");
      }
      jurisdictionCode(jurisdictionOfUse, "jurisdictionOfUse");
      if (footprintId != null) {
        identifier(footprintId, "footprintId");
      } else if (purpose == RetirementPurpose.EVENT_NEUTRALITY) {
        throw LedgerRejection.invalid(
            "footprintId", "a retirement for event neutrality must cite the event's footprint");
      }
    }
  }

  /** Cancels issued credits: an administrative undo of issuance, distinct from retirement. */
  record CancelCredits(
      String batchId,
      String cancellationId,
      String accountId,
      long quantity,
      SerialBlock block,
      CancellationKind kind,
      String reason)
      implements BatchCommand {
    public CancelCredits {
      identifier(batchId, "batchId");
      identifier(cancellationId, "cancellationId");
      identifier(accountId, "accountId");
      checkQuantity(quantity, block);
      present(kind, "kind");
      text(reason, "reason", 500);
    }
  }

  private static void checkQuantity(long quantity, SerialBlock block) {
    positive(quantity, "quantity");
    if (block != null && block.count() != quantity) {
      throw LedgerRejection.invalid(
          "quantity",
          "quantity "
              + quantity
              + " does not match the "
              + block.count()
              + " credits of block "
              + block);
    }
  }
}
