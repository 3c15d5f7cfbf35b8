package org.carbonledger.projections;

import java.util.List;
import org.axonframework.eventhandling.TrackingToken;

/**
 * The projections (read models) of the ledger: tables in the ledger's database, written by one
 * tracking event processor, {@value #PROCESSING_GROUP}, with a single segment, so that events of
 * all aggregates arrive one at a time in global order. A reset of the processor clears every table
 * ({@code @ResetHandler}); a replay then writes the same rows again. See
 * docs/spec/04-projections.md.
 */
public final class Projections {

  /** The processing group, and so the tracking event processor, of every projection. */
  public static final String PROCESSING_GROUP = "projections";

  /** Every table the projections write, as created by {@code V4__projections.sql}. */
  public static final List<String> TABLES =
      List.of(
          "projection_position",
          "account_view",
          "methodology_view",
          "project_view",
          "batch_supply",
          "holding_block",
          "account_movement",
          "retirement_register",
          "footprint_view",
          "footprint_coverage",
          "footprint_certificate_line");

  private Projections() {}

  /**
   * The global position of the event a tracking token was delivered with: the global index of the
   * event in the event store ({@code GapAwareTrackingToken}, {@code GlobalSequenceTrackingToken},
   * and a {@code ReplayToken} wrapping either).
   *
   * @throws IllegalStateException without a token or position: projections only run in a streaming
   *     processor
   */
  public static long position(TrackingToken token) {
    if (token == null) {
      throw new IllegalStateException(
          "projections need the event's tracking token; run them in a streaming processor");
    }
    return token
        .position()
        .orElseThrow(
            () -> new IllegalStateException("tracking token " + token + " has no position"));
  }
}
