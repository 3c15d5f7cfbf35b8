package org.carbonledger.projections.credits;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.credits.SerialBlock;

/**
 * One retirement in the public register (a row of {@code retirement_register}).
 *
 * @param accountId the account the credits were retired from
 * @param blocks the retired serial blocks, in the event's order
 * @param serialNumbers the same blocks as serial number labels
 * @param details optional
 * @param consumptionPeriodStart optional
 * @param consumptionPeriodEnd optional
 * @param footprintId the footprint the retirement covers; null if none
 * @param eventIdentifier the identifier of {@code CreditsRetired}: its chain entry and Merkle leaf
 * @param position the global position of {@code CreditsRetired}
 */
public record RetirementView(
    String batchId,
    String retirementId,
    String projectId,
    LocalDate vintageStart,
    LocalDate vintageEnd,
    String accountId,
    long quantity,
    List<SerialBlock> blocks,
    List<String> serialNumbers,
    String beneficiary,
    String reason,
    String details,
    RetirementPurpose purpose,
    LocalDate consumptionPeriodStart,
    LocalDate consumptionPeriodEnd,
    String jurisdictionOfUse,
    String footprintId,
    Instant retiredAt,
    String eventIdentifier,
    long position) {

  public RetirementView {
    blocks = List.copyOf(blocks);
    serialNumbers = List.copyOf(serialNumbers);
  }
}
