package org.carbonledger.methodologies;

import static org.carbonledger.registry.Require.identifier;
import static org.carbonledger.registry.Require.text;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Everything that can be asked of a {@link Methodology}. */
public sealed interface MethodologyCommand {

  String methodologyId();

  @TargetAggregateIdentifier
  default String streamId() {
    return Methodology.streamId(methodologyId());
  }

  /**
   * Files a methodology (方法学备案) with the registry operator.
   *
   * @param version the methodology's own version, such as "1.0"
   * @param sector the sector it applies to, such as "transport" or "forestry"
   * @param quantifies what it quantifies, such as "grams CO2e avoided per km cycled instead of
   *     driven"
   */
  record FileMethodology(
      String methodologyId, String version, String title, String sector, String quantifies)
      implements MethodologyCommand {
    public FileMethodology {
      identifier(methodologyId, "methodologyId");
      text(version, "version", 40);
      text(title, "title", 300);
      text(sector, "sector", 100);
      text(quantifies, "quantifies", 1000);
    }
  }

  /** Approves a filed methodology after expert review; the reviewer is recorded. */
  record ApproveMethodology(String methodologyId, String reviewer, String reviewReference)
      implements MethodologyCommand {
    public ApproveMethodology {
      identifier(methodologyId, "methodologyId");
      text(reviewer, "reviewer", 200);
      text(reviewReference, "reviewReference", 200);
    }
  }

  /** Withdraws a methodology: no new project may use it. Existing projects are unaffected. */
  record WithdrawMethodology(String methodologyId, String reason) implements MethodologyCommand {
    public WithdrawMethodology {
      identifier(methodologyId, "methodologyId");
      text(reason, "reason", 500);
    }
  }
}
