package org.carbonledger.api.projections;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.Projections;
import org.junit.jupiter.api.Test;

class LostProjectionCommitsTest {

  private final EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);
  private final StreamingEventProcessor processor = mock(StreamingEventProcessor.class);
  private final ProjectionProgress progress = mock(ProjectionProgress.class);
  private final LostProjectionCommits check = new LostProjectionCommits(processing, progress);

  LostProjectionCommitsTest() {
    when(processing.eventProcessor(Projections.PROCESSING_GROUP, StreamingEventProcessor.class))
        .thenReturn(Optional.of(processor));
    when(processor.processingStatus()).thenReturn(Map.of(0, mock(EventTrackerStatus.class)));
  }

  @Test
  void anIdleProcessorBehindWhatItCommittedIsMadeToClaimItsSegmentAgain() {
    when(progress.behindWhatCommitted()).thenReturn(true);

    check.check();

    verify(processor).releaseSegment(0, 200, TimeUnit.MILLISECONDS);
  }

  @Test
  void aProcessorThatLostNothingIsLeftAlone() {
    when(progress.behindWhatCommitted()).thenReturn(false);

    check.check();

    verify(processor, never()).releaseSegment(anyInt(), anyLong(), any(TimeUnit.class));
  }
}
