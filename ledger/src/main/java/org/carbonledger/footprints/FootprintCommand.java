package org.carbonledger.footprints;

import static org.carbonledger.registry.Require.identifier;
import static org.carbonledger.registry.Require.period;
import static org.carbonledger.registry.Require.positive;
import static org.carbonledger.registry.Require.present;
import static org.carbonledger.registry.Require.text;

import java.time.LocalDate;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Everything that can be asked of a {@link Footprint} directly. */
public sealed interface FootprintCommand {

  String footprintId();

  @TargetAggregateIdentifier
  default String streamId() {
    return Footprint.streamId(footprintId());
  }

  /**
   * Declares a footprint to be offset (抵销), such as "Wuhan Marathon 2026".
   *
   * @param emissionsKg the verified emissions in whole kilograms of CO2e
   * @param inventoryBasis the standard the inventory follows, such as "ISO 14064-1:2018"
   * @param verifiedBy who verified the inventory
   */
  record DeclareFootprint(
      String footprintId,
      String organiserAccountId,
      FootprintKind kind,
      String subject,
      LocalDate periodStart,
      LocalDate periodEnd,
      long emissionsKg,
      String inventoryBasis,
      String verifiedBy)
      implements FootprintCommand {
    public DeclareFootprint {
      identifier(footprintId, "footprintId");
      identifier(organiserAccountId, "organiserAccountId");
      present(kind, "kind");
      text(subject, "subject", 300);
      period(periodStart, "periodStart", periodEnd, "periodEnd");
      positive(emissionsKg, "emissionsKg");
      text(inventoryBasis, "inventoryBasis", 300);
      text(verifiedBy, "verifiedBy", 300);
    }
  }
}
