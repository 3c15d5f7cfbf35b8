package org.carbonledger.footprints;

import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;

/**
 * {@link FootprintCoverage} that loads the footprint aggregate in the current unit of work.
 *
 * <p>Unlike accounts, which batches only read, a footprint is changed by the retirement, so it is
 * loaded (and locked) through its repository. Locks are always taken batch first, footprint second,
 * and nothing takes them the other way round, so two retirements cannot deadlock.
 */
public final class RepositoryFootprintCoverage implements FootprintCoverage {

  private final Repository<Footprint> footprints;

  public RepositoryFootprintCoverage(Repository<Footprint> footprints) {
    this.footprints = footprints;
  }

  @Override
  public void cover(String footprintId, Retirement retirement) {
    try {
      footprints.load(Footprint.streamId(footprintId)).execute(f -> f.cover(retirement));
    } catch (AggregateNotFoundException e) {
      throw LedgerRejection.of(
          RejectionCode.FOOTPRINT_NOT_FOUND,
          "footprintId",
          "footprint " + footprintId + " does not exist");
    }
  }
}
