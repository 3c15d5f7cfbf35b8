package org.carbonledger.projections.credits;

import java.time.Instant;
import java.time.LocalDate;
import org.carbonledger.credits.SerialBlock;

/**
 * A batch and its supply (a row of {@code batch_supply}). Always issued = tradable + retired +
 * cancelled.
 *
 * @param serials the issued serial block
 * @param serialNumbers the issued block as a serial number label
 * @param issuedToAccountId the account the batch was issued into
 * @param tradable credits held in accounts
 * @param retired credits retired, for good
 * @param cancelled credits cancelled
 * @param issuedPosition the global position of {@code BatchIssued}
 * @param eventIdentifier the identifier of {@code BatchIssued}
 * @param lastPosition the global position of the batch's last event
 */
public record BatchSupplyView(
    String batchId,
    String projectId,
    int batchSequence,
    LocalDate vintageStart,
    LocalDate vintageEnd,
    String verificationReportId,
    String verifier,
    SerialBlock serials,
    String serialNumbers,
    String issuedToAccountId,
    long issued,
    long tradable,
    long retired,
    long cancelled,
    Instant issuedAt,
    long issuedPosition,
    String eventIdentifier,
    long lastPosition) {}
