package org.carbonledger.projections.footprints;

import java.time.Instant;
import java.util.List;

/**
 * One retirement that covers a footprint (a row of {@code footprint_coverage}).
 *
 * @param tonnes the credits retired
 * @param serialNumbers the retired serial blocks as labels
 * @param coveredKg the footprint's total coverage after this retirement
 * @param position the global position of {@code FootprintCovered}
 * @param eventIdentifier the identifier of {@code FootprintCovered}
 */
public record CoverageView(
    String footprintId,
    String batchId,
    String retirementId,
    long tonnes,
    List<String> serialNumbers,
    long coveredKg,
    Instant coveredAt,
    long position,
    String eventIdentifier) {

  public CoverageView {
    serialNumbers = List.copyOf(serialNumbers);
  }
}
