package org.carbonledger.api.projections;

import java.util.concurrent.TimeUnit;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.Projections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Makes the projections processor project lost commits again even when no new event arrives.
 *
 * <p>The projections commit asynchronously (ADR 0010). If the database restarts and loses such
 * commits, their token goes with them, but the running processor still holds its token in memory;
 * its next batch notices and fails, and it then starts again from the stored token. A registry that
 * receives no new event would go on serving projections without the lost events until one arrives.
 * This check, every {@code ledger.projections.lost-commit-check-ms}, compares the stored position
 * with the last one this node saw committed and, if it has fallen behind, releases the processor's
 * segments so that it claims them again from the token the database kept.
 */
public final class LostProjectionCommits {

  private static final Logger log = LoggerFactory.getLogger(LostProjectionCommits.class);

  private final EventProcessingConfiguration processing;
  private final ProjectionProgress progress;

  public LostProjectionCommits(
      EventProcessingConfiguration processing, ProjectionProgress progress) {
    this.processing = processing;
    this.progress = progress;
  }

  @Scheduled(
      fixedDelayString = "${ledger.projections.lost-commit-check-ms:5000}",
      initialDelayString = "${ledger.projections.lost-commit-check-ms:5000}")
  public void check() {
    if (!progress.behindWhatCommitted()) {
      return;
    }
    processing
        .eventProcessor(Projections.PROCESSING_GROUP, StreamingEventProcessor.class)
        .ifPresent(
            processor -> {
              log.warn(
                  "The stored projection position {} is behind what this node saw committed:"
                      + " the database lost commits; projecting again from the stored token",
                  progress.position());
              // Claimed again a moment later, from the token the database kept.
              processor
                  .processingStatus()
                  .keySet()
                  .forEach(
                      segment -> processor.releaseSegment(segment, 200, TimeUnit.MILLISECONDS));
            });
  }
}
