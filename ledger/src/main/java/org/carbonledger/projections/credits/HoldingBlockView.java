package org.carbonledger.projections.credits;

import org.carbonledger.credits.SerialBlock;

/**
 * One held serial block (a row of {@code holding_block}).
 *
 * @param quantity the credits in the block
 * @param serialNumbers the block as a serial number label
 */
public record HoldingBlockView(
    String accountId, String batchId, SerialBlock block, long quantity, String serialNumbers) {}
