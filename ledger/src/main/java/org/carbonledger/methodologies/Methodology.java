package org.carbonledger.methodologies;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.carbonledger.methodologies.MethodologyCommand.ApproveMethodology;
import org.carbonledger.methodologies.MethodologyCommand.FileMethodology;
import org.carbonledger.methodologies.MethodologyCommand.WithdrawMethodology;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyApproved;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyFiled;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyWithdrawn;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.registry.StreamIds;

/** A methodology (方法学): how a kind of reduction is quantified. Filed, approved, withdrawn. */
@Aggregate
public class Methodology {

  @AggregateIdentifier private String streamId;
  private MethodologyState state;

  protected Methodology() {
    // Required by Axon to rebuild the methodology from its events.
  }

  @CommandHandler
  public Methodology(FileMethodology command) {
    apply(
        new MethodologyFiled(
            command.methodologyId(),
            command.version(),
            command.title(),
            command.sector(),
            command.quantifies()));
  }

  @CommandHandler
  public void handle(ApproveMethodology command) {
    state.requireNotWithdrawn();
    if (state.status() == MethodologyStatus.APPROVED) {
      throw LedgerRejection.of(
          RejectionCode.METHODOLOGY_ALREADY_APPROVED,
          "methodology " + state.methodologyId() + " is already approved");
    }
    apply(
        new MethodologyApproved(
            state.methodologyId(), command.reviewer(), command.reviewReference()));
  }

  @CommandHandler
  public void handle(WithdrawMethodology command) {
    state.requireNotWithdrawn();
    apply(new MethodologyWithdrawn(state.methodologyId(), command.reason()));
  }

  public static String streamId(String methodologyId) {
    return StreamIds.of(StreamIds.METHODOLOGY, methodologyId);
  }

  @EventSourcingHandler
  void on(MethodologyEvent event) {
    state = MethodologyState.next(state, event);
    streamId = streamId(state.methodologyId());
  }
}
