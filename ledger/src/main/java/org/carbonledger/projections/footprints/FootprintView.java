package org.carbonledger.projections.footprints;

import java.time.Instant;
import java.time.LocalDate;
import org.carbonledger.footprints.FootprintKind;

/**
 * A footprint and how much of it retirements cover (a row of {@code footprint_view}).
 *
 * @param coveredKg retired tonnes × 1,000 of every covering retirement so far
 * @param remainingKg what is still needed: emissions − coverage, never below zero
 * @param retirementCount how many retirements cover it
 * @param certificateId the certificate's id once neutral; null while open
 * @param neutralisedAt the time of {@code FootprintNeutralised}; null while open
 * @param neutralisedPosition its global position; null while open
 */
public record FootprintView(
    String footprintId,
    String organiserAccountId,
    FootprintKind kind,
    String subject,
    LocalDate periodStart,
    LocalDate periodEnd,
    long emissionsKg,
    String inventoryBasis,
    String verifiedBy,
    long coveredKg,
    long remainingKg,
    int retirementCount,
    FootprintStatus status,
    String certificateId,
    Instant declaredAt,
    long declaredPosition,
    Instant neutralisedAt,
    Long neutralisedPosition,
    long lastPosition) {}
