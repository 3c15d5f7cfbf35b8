package org.carbonledger.projects;

/** Everything that has happened to a {@link Project}. */
public sealed interface ProjectEvent {

  String projectId();

  record ProjectRegistered(
      String projectId,
      String name,
      String proponentAccountId,
      String methodologyId,
      String jurisdiction,
      String district,
      String location)
      implements ProjectEvent {}

  record ProjectApproved(String projectId, String approvedBy) implements ProjectEvent {}

  record ProjectSuspended(String projectId, String reason) implements ProjectEvent {}

  record ProjectReinstated(String projectId, String reason) implements ProjectEvent {}

  /**
   * The project issued a batch. The batch's own stream starts with {@code BatchIssued}; this event
   * reserves the batch sequence within the project, so that two issuances can never take the same
   * one.
   */
  record BatchIssuanceRecorded(String projectId, String batchId, int batchSequence, long quantity)
      implements ProjectEvent {}
}
