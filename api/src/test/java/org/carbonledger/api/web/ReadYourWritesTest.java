package org.carbonledger.api.web;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.Projections;
import org.junit.jupiter.api.Test;

/** On the node that runs the projections processor. */
class ReadYourWritesTest {

  private final EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);
  private final StreamingEventProcessor processor = mock(StreamingEventProcessor.class);
  private final EventTrackerStatus status = mock(EventTrackerStatus.class);
  private final ProjectionProgress progress = mock(ProjectionProgress.class);
  private final ReadYourWrites reads =
      new ReadYourWrites(processing, progress, Duration.ofMillis(100));

  ReadYourWritesTest() {
    when(processing.eventProcessor(Projections.PROCESSING_GROUP, StreamingEventProcessor.class))
        .thenReturn(Optional.of(processor));
    when(processor.processingStatus()).thenReturn(Map.of(0, status));
    when(status.getTrackingToken()).thenReturn(GapAwareTrackingToken.newInstance(10, List.of()));
  }

  @Test
  void aWriteTheProcessorHandledAndStoredIsCovered() {
    when(progress.position()).thenReturn(10L);

    assertThatCode(() -> reads.await(10L)).doesNotThrowAnyException();
  }

  @Test
  void aWriteTheProcessorHandledButWhosePositionTheDatabaseLostIsNotCovered() {
    // The processor's token says 10; the database kept only position 7 (ADR 0010).
    when(progress.position()).thenReturn(7L);

    assertThatThrownBy(() -> reads.await(10L))
        .isInstanceOfSatisfying(
            ApiException.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.problem())
                    .isEqualTo(ApiProblem.PROJECTION_BEHIND));
  }

  @Test
  void aWriteInAGapTheProcessorStillWaitsForIsNotCovered() {
    when(status.getTrackingToken()).thenReturn(GapAwareTrackingToken.newInstance(10, List.of(9L)));
    when(progress.position()).thenReturn(10L);

    assertThatThrownBy(() -> reads.await(9L)).isInstanceOf(ApiException.class);
  }
}
