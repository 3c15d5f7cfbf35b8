package org.carbonledger.api.projections;

import org.carbonledger.projections.ProjectionProgress;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Builds the projection indexes a replay suspended (ADR 0015) even when no new event arrives.
 *
 * <p>The processor builds them after the batch that caught up with the reset has committed. A build
 * that failed there (a lock or statement timeout, a full disk), or one that a crash or a shutdown
 * interrupted, would otherwise wait for the next event, which on a quiet registry may be hours
 * away. This check, every {@code ledger.projections.index-build-check-ms}, builds whatever is
 * suspended once the stored position has caught up; when nothing is, it costs one query of an empty
 * table.
 */
public final class SuspendedIndexBuilds {

  private final ProjectionProgress progress;

  public SuspendedIndexBuilds(ProjectionProgress progress) {
    this.progress = progress;
  }

  @Scheduled(
      fixedDelayString = "${ledger.projections.index-build-check-ms:30000}",
      initialDelayString = "${ledger.projections.index-build-check-ms:30000}")
  public void check() {
    progress.buildSuspendedIndexes();
  }
}
