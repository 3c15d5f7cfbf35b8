package org.carbonledger.audit.replay;

/**
 * What {@link ProjectionCheck#check} read.
 *
 * @param batches batches issued in the whole event store
 * @param eventsReplayed batch events replayed, all of them (the invariants are checked over all)
 * @param projectionPosition {@code projection_position.last_position} of the processor {@code
 *     projections}, or null when it has no row (nothing projected yet)
 * @param eventsCompared batch events at or below that position that the projections had handled:
 *     those the tables were compared against
 * @param eventsNotYetProjected batch events the projections had not handled yet: above the
 *     position, or committed late below it (a gap of the processor's token); not expected in the
 *     tables
 * @param supplyRowsCompared rows of {@code batch_supply} read
 * @param holdingRowsCompared rows of {@code holding_block} read
 * @param holdingTotalRowsCompared rows of {@code batch_holding_total} read: 0 where the ledger
 *     keeps no such table (H2)
 * @param movementRowsCompared rows of {@code account_movement} read
 * @param retirementRowsCompared rows of {@code retirement_register} read
 */
public record ReplayResult(
    long batches,
    long eventsReplayed,
    Long projectionPosition,
    long eventsCompared,
    long eventsNotYetProjected,
    long supplyRowsCompared,
    long holdingRowsCompared,
    long holdingTotalRowsCompared,
    long movementRowsCompared,
    long retirementRowsCompared) {}
