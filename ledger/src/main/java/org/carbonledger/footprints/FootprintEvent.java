package org.carbonledger.footprints;

import java.time.LocalDate;
import java.util.List;

/** Everything that has happened to a {@link Footprint}. */
public sealed interface FootprintEvent {

  String footprintId();

  record FootprintDeclared(
      String footprintId,
      String organiserAccountId,
      FootprintKind kind,
      String subject,
      LocalDate periodStart,
      LocalDate periodEnd,
      long emissionsKg,
      String inventoryBasis,
      String verifiedBy)
      implements FootprintEvent {}

  /**
   * A retirement counted towards the footprint.
   *
   * @param coveredKg the footprint's total coverage after this retirement
   */
  record FootprintCovered(
      String footprintId,
      String retirementId,
      String batchId,
      long tonnes,
      List<String> serialRanges,
      long coveredKg)
      implements FootprintEvent {}

  /**
   * The footprint is fully covered: the certificate of neutrality, listing every retirement and the
   * serial blocks it retired.
   */
  record FootprintNeutralised(
      String footprintId,
      String certificateId,
      String subject,
      long emissionsKg,
      long coveredKg,
      List<CertificateLine> retirements)
      implements FootprintEvent {}

  /** One retirement on a certificate. */
  record CertificateLine(
      String retirementId, String batchId, long tonnes, List<String> serialRanges) {}
}
