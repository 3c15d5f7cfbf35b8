package org.carbonledger.footprints;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.ArrayList;
import java.util.List;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.carbonledger.accounts.AccountCheck;
import org.carbonledger.accounts.AccountState;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.footprints.FootprintCommand.DeclareFootprint;
import org.carbonledger.footprints.FootprintEvent.CertificateLine;
import org.carbonledger.footprints.FootprintEvent.FootprintCovered;
import org.carbonledger.footprints.FootprintEvent.FootprintDeclared;
import org.carbonledger.footprints.FootprintEvent.FootprintNeutralised;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.registry.StreamIds;

/**
 * The footprint of an event or an organisation's period, and how much of it retirements cover.
 *
 * <p>Coverage compares retired tonnes × 1,000 with the footprint's kilograms, in whole numbers. The
 * footprint becomes neutral, and gets its certificate, only when the coverage reaches the
 * emissions. Because credits are whole tonnes, the last retirement may exceed what is still needed,
 * but by less than one tonne: a retirement that would leave a whole tonne or more unused is
 * refused, since retired credits can never be used again.
 */
@Aggregate
public class Footprint {

  private static final long KG_PER_TONNE = 1_000;

  @AggregateIdentifier private String streamId;
  private String footprintId;
  private String organiserAccountId;
  private String subject;
  private long emissionsKg;
  private long coveredKg;
  private boolean neutral;
  private final List<CertificateLine> lines = new ArrayList<>();

  protected Footprint() {
    // Required by Axon to rebuild the footprint from its events.
  }

  @CommandHandler
  public Footprint(DeclareFootprint command, AccountCheck accounts) {
    AccountState organiser =
        accounts.requireOpen(command.organiserAccountId(), "organiserAccountId");
    if (organiser.holderType() != HolderType.ORGANISER
        && organiser.holderType() != HolderType.ENTERPRISE) {
      throw LedgerRejection.of(
          RejectionCode.HOLDER_TYPE_NOT_ALLOWED,
          "organiserAccountId",
          "only an organiser's or an enterprise's account can declare a footprint, not a "
              + organiser.holderType()
              + "'s");
    }
    apply(
        new FootprintDeclared(
            command.footprintId(),
            command.organiserAccountId(),
            command.kind(),
            command.subject(),
            command.periodStart(),
            command.periodEnd(),
            command.emissionsKg(),
            command.inventoryBasis(),
            command.verifiedBy()));
  }

  /**
   * Counts a retirement towards this footprint; called by the retiring batch through {@link
   * FootprintCoverage}, never by a client directly.
   */
  public void cover(FootprintCoverage.Retirement retirement) {
    if (neutral) {
      throw LedgerRejection.of(
          RejectionCode.FOOTPRINT_ALREADY_NEUTRAL,
          "footprintId",
          "footprint " + footprintId + " is already neutral");
    }
    if (!organiserAccountId.equals(retirement.accountId())) {
      throw LedgerRejection.of(
          RejectionCode.FOOTPRINT_NOT_OWNED,
          "footprintId",
          "footprint "
              + footprintId
              + " belongs to account "
              + organiserAccountId
              + ", not to "
              + retirement.accountId());
    }
    long stillNeededKg = emissionsKg - coveredKg;
    long maxTonnes = (stillNeededKg + KG_PER_TONNE - 1) / KG_PER_TONNE;
    if (retirement.tonnes() > maxTonnes) {
      throw LedgerRejection.of(
          RejectionCode.FOOTPRINT_OVERCOVERED,
          "quantity",
          "footprint "
              + footprintId
              + " still needs "
              + stillNeededKg
              + " kg, so at most "
              + maxTonnes
              + " t; "
              + retirement.tonnes()
              + " t would waste credits");
    }
    long newCoveredKg = coveredKg + retirement.tonnes() * KG_PER_TONNE;
    apply(
        new FootprintCovered(
            footprintId,
            retirement.retirementId(),
            retirement.batchId(),
            retirement.tonnes(),
            retirement.serialRanges(),
            newCoveredKg));
    if (newCoveredKg >= emissionsKg) {
      apply(
          new FootprintNeutralised(
              footprintId,
              certificateId(footprintId),
              subject,
              emissionsKg,
              newCoveredKg,
              List.copyOf(lines)));
    }
  }

  /** The id of a footprint's certificate of neutrality. */
  public static String certificateId(String footprintId) {
    return "CERT-" + footprintId;
  }

  public static String streamId(String footprintId) {
    return StreamIds.of(StreamIds.FOOTPRINT, footprintId);
  }

  @EventSourcingHandler
  void on(FootprintDeclared event) {
    streamId = streamId(event.footprintId());
    footprintId = event.footprintId();
    organiserAccountId = event.organiserAccountId();
    subject = event.subject();
    emissionsKg = event.emissionsKg();
  }

  @EventSourcingHandler
  void on(FootprintCovered event) {
    coveredKg = event.coveredKg();
    lines.add(
        new CertificateLine(
            event.retirementId(), event.batchId(), event.tonnes(), event.serialRanges()));
  }

  @EventSourcingHandler
  void on(FootprintNeutralised event) {
    neutral = true;
  }
}
