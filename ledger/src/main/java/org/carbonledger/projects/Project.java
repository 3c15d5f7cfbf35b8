package org.carbonledger.projects;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.createNew;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.carbonledger.accounts.AccountCheck;
import org.carbonledger.credits.Batch;
import org.carbonledger.credits.BatchEvent.BatchIssued;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SerialNumbers;
import org.carbonledger.methodologies.MethodologyCheck;
import org.carbonledger.projects.ProjectCommand.ApproveProject;
import org.carbonledger.projects.ProjectCommand.IssueBatch;
import org.carbonledger.projects.ProjectCommand.RegisterProject;
import org.carbonledger.projects.ProjectCommand.ReinstateProject;
import org.carbonledger.projects.ProjectCommand.SuspendProject;
import org.carbonledger.projects.ProjectEvent.BatchIssuanceRecorded;
import org.carbonledger.projects.ProjectEvent.ProjectApproved;
import org.carbonledger.projects.ProjectEvent.ProjectRegistered;
import org.carbonledger.projects.ProjectEvent.ProjectReinstated;
import org.carbonledger.projects.ProjectEvent.ProjectSuspended;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.registry.StreamIds;

/**
 * A project or scenario (项目/场景) that generates reductions under a methodology, and issues them as
 * batches of credits once they are verified.
 */
@Aggregate
public class Project {

  @AggregateIdentifier private String streamId;
  private String projectId;
  private ProjectStatus status;
  private int batchesIssued;

  protected Project() {
    // Required by Axon to rebuild the project from its events.
  }

  @CommandHandler
  public Project(RegisterProject command, MethodologyCheck methodologies, AccountCheck accounts) {
    methodologies.requireApproved(command.methodologyId(), "methodologyId");
    accounts.requireOpen(command.proponentAccountId(), "proponentAccountId");
    apply(
        new ProjectRegistered(
            command.projectId(),
            command.name(),
            command.proponentAccountId(),
            command.methodologyId(),
            command.jurisdiction(),
            command.district(),
            command.location()));
  }

  @CommandHandler
  public void handle(ApproveProject command) {
    if (status != ProjectStatus.REGISTERED) {
      throw LedgerRejection.of(
          RejectionCode.PROJECT_ALREADY_APPROVED,
          "project "
              + projectId
              + " is already approved"
              + (suspended() ? " (and suspended)" : ""));
    }
    apply(new ProjectApproved(projectId, command.approvedBy()));
  }

  @CommandHandler
  public void handle(SuspendProject command) {
    requireApproved();
    apply(new ProjectSuspended(projectId, command.reason()));
  }

  @CommandHandler
  public void handle(ReinstateProject command) {
    if (!suspended()) {
      throw LedgerRejection.of(
          RejectionCode.PROJECT_NOT_SUSPENDED, "project " + projectId + " is not suspended");
    }
    apply(new ProjectReinstated(projectId, command.reason()));
  }

  /**
   * Issues a batch: records the next batch sequence here and starts the batch's own stream, in one
   * unit of work, so the two are stored together or not at all.
   *
   * @return the new batch's id
   */
  @CommandHandler
  public String handle(IssueBatch command, AccountCheck accounts) throws Exception {
    requireApproved();
    accounts.requireOpen(command.receivingAccountId(), "receivingAccountId");
    int sequence = batchesIssued + 1;
    String batchId = Batch.batchId(projectId, sequence);
    apply(new BatchIssuanceRecorded(projectId, batchId, sequence, command.quantity()));
    BatchIssued issued =
        new BatchIssued(
            batchId,
            projectId,
            sequence,
            command.vintageStart(),
            command.vintageEnd(),
            command.verificationReportId(),
            command.verifier(),
            command.receivingAccountId(),
            command.quantity(),
            SerialBlock.ofCount(command.firstSerial(), command.quantity()),
            SerialNumbers.REGISTRY_PREFIX);
    createNew(Batch.class, () -> new Batch(issued));
    return batchId;
  }

  private void requireApproved() {
    if (status == ProjectStatus.REGISTERED) {
      throw LedgerRejection.of(
          RejectionCode.PROJECT_NOT_APPROVED, "project " + projectId + " is not approved yet");
    }
    if (suspended()) {
      throw LedgerRejection.of(
          RejectionCode.PROJECT_SUSPENDED, "project " + projectId + " is suspended");
    }
  }

  private boolean suspended() {
    return status == ProjectStatus.SUSPENDED;
  }

  public static String streamId(String projectId) {
    return StreamIds.of(StreamIds.PROJECT, projectId);
  }

  @EventSourcingHandler
  void on(ProjectRegistered event) {
    streamId = streamId(event.projectId());
    projectId = event.projectId();
    status = ProjectStatus.REGISTERED;
  }

  @EventSourcingHandler
  void on(ProjectApproved event) {
    status = ProjectStatus.APPROVED;
  }

  @EventSourcingHandler
  void on(ProjectSuspended event) {
    status = ProjectStatus.SUSPENDED;
  }

  @EventSourcingHandler
  void on(ProjectReinstated event) {
    status = ProjectStatus.APPROVED;
  }

  @EventSourcingHandler
  void on(BatchIssuanceRecorded event) {
    batchesIssued = event.batchSequence();
  }
}
