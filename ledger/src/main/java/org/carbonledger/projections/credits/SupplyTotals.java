package org.carbonledger.projections.credits;

/** The supply of the whole ledger, or of one project: sums over its batches, in credits. */
public record SupplyTotals(
    long batches, long issued, long tradable, long retired, long cancelled) {}
