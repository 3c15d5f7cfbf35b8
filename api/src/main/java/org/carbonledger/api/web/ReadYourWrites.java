package org.carbonledger.api.web;

import java.time.Duration;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.Projections;
import org.carbonledger.registry.LedgerRejection;

/**
 * Lets a read wait until the projections have processed a write (docs/api.md). It asks the
 * projections processor's own tracking token whether it covers the write's position, which is exact
 * even when events commit out of global order: the token knows the gaps it is still waiting for, a
 * highest-position-seen counter does not. It also asks the position the projections stored with
 * their rows: the processor's token is only in memory until its batch commits, and a database that
 * restarts can lose a batch committed asynchronously (ADR 0010) while the processor's status still
 * covers it.
 */
public final class ReadYourWrites {

  /** The longest a read waits before it answers PROJECTION_BEHIND. */
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final EventProcessingConfiguration processing;
  private final ProjectionProgress progress;
  private final Duration timeout;

  public ReadYourWrites(EventProcessingConfiguration processing, ProjectionProgress progress) {
    this(processing, progress, TIMEOUT);
  }

  ReadYourWrites(
      EventProcessingConfiguration processing, ProjectionProgress progress, Duration timeout) {
    this.processing = processing;
    this.progress = progress;
    this.timeout = timeout;
  }

  /**
   * Returns once the projections cover {@code minPosition}; at once when it is null.
   *
   * @throws ApiException PROJECTION_BEHIND if they do not within {@link #TIMEOUT}
   */
  public void await(Long minPosition) {
    if (minPosition == null) {
      return;
    }
    if (minPosition < 0) {
      throw LedgerRejection.invalid("minPosition", "minPosition must not be negative");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 1;
    while (!covers(minPosition)) {
      if (System.nanoTime() - deadline >= 0) {
        throw new ApiException(
            ApiProblem.PROJECTION_BEHIND,
            "minPosition",
            "the projections have not reached position " + minPosition + " yet");
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(ApiProblem.PROJECTION_BEHIND, "interrupted while waiting");
      }
      pause = Math.min(pause * 2, 20);
    }
  }

  private boolean covers(long position) {
    StreamingEventProcessor processor =
        processing
            .eventProcessor(Projections.PROCESSING_GROUP, StreamingEventProcessor.class)
            .orElseThrow(() -> new IllegalStateException("the projections processor is missing"));
    var statuses = processor.processingStatus().values();
    if (statuses.isEmpty()) {
      // Another node holds the processor's claim: only the position it recorded with its rows
      // is known here, which a late commit below it could precede by a moment.
      return progress.position() >= position;
    }
    for (EventTrackerStatus status : statuses) {
      // During a replay the token wraps the position reached so far.
      TrackingToken token = WrappedToken.unwrapLowerBound(status.getTrackingToken());
      if (token instanceof GapAwareTrackingToken handled
          && handled.getIndex() >= position
          && !handled.getGaps().contains(position)) {
        // Only then is the stored position read: it must have reached the write as well.
        return progress.position() >= position;
      }
    }
    return false;
  }
}
