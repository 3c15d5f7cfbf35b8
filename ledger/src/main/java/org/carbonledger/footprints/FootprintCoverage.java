package org.carbonledger.footprints;

import java.util.List;

/**
 * How a retirement that cites a footprint counts towards it. The batch that retires the credits
 * calls this in the same unit of work, so the retirement and the coverage are stored together or
 * not at all, and a retirement against a footprint that cannot take it is refused before anything
 * is recorded.
 */
public interface FootprintCoverage {

  /**
   * Counts a retirement towards a footprint.
   *
   * @throws org.carbonledger.registry.LedgerRejection {@code FOOTPRINT_NOT_FOUND}, {@code
   *     FOOTPRINT_NOT_OWNED}, {@code FOOTPRINT_ALREADY_NEUTRAL} or {@code FOOTPRINT_OVERCOVERED}
   */
  void cover(String footprintId, Retirement retirement);

  /**
   * A retirement as a footprint records it.
   *
   * @param accountId the account the credits were retired from
   * @param tonnes the credits retired, one tCO2e each
   * @param serialRanges the retired serial blocks, as labels
   */
  record Retirement(
      String accountId,
      String retirementId,
      String batchId,
      long tonnes,
      List<String> serialRanges) {}
}
