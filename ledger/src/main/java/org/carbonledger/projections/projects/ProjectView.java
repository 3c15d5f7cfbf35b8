package org.carbonledger.projections.projects;

import java.time.Instant;
import org.carbonledger.projects.ProjectStatus;

/**
 * A project as the registry shows it (a row of {@code project_view}).
 *
 * @param district optional
 * @param approvedBy who approved it; null until approved
 * @param statusReason the reason given for the last suspension or reinstatement; null before any
 * @param batchCount how many batches the project has issued
 * @param issuedQuantity how many credits those batches issued, in total
 */
public record ProjectView(
    String projectId,
    String name,
    String proponentAccountId,
    String methodologyId,
    String jurisdiction,
    String district,
    String location,
    ProjectStatus status,
    String approvedBy,
    String statusReason,
    int batchCount,
    long issuedQuantity,
    Instant registeredAt,
    long registeredPosition,
    Instant updatedAt,
    long lastPosition) {}
