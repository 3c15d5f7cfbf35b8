package org.carbonledger.projections.credits;

import java.time.LocalDate;

/**
 * What one account holds of one batch: the sum of its {@code holding_block} rows.
 *
 * @param quantity tradable credits held
 * @param blockCount how many separate serial blocks they form
 */
public record HoldingView(
    String accountId,
    String batchId,
    String projectId,
    LocalDate vintageStart,
    LocalDate vintageEnd,
    long quantity,
    long blockCount) {}
