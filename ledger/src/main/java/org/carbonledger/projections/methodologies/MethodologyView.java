package org.carbonledger.projections.methodologies;

import java.time.Instant;
import org.carbonledger.methodologies.MethodologyStatus;

/**
 * A methodology as the registry shows it (a row of {@code methodology_view}).
 *
 * @param reviewer who approved it; null until approved
 * @param reviewReference the reference of the expert review; null until approved
 * @param withdrawalReason why it was withdrawn; null unless withdrawn
 */
public record MethodologyView(
    String methodologyId,
    String version,
    String title,
    String sector,
    String quantifies,
    MethodologyStatus status,
    String reviewer,
    String reviewReference,
    String withdrawalReason,
    Instant filedAt,
    long filedPosition,
    Instant updatedAt,
    long lastPosition) {}
