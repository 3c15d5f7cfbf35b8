package org.carbonledger.methodologies;

/** Everything that has happened to a {@link Methodology}. */
public sealed interface MethodologyEvent {

  String methodologyId();

  record MethodologyFiled(
      String methodologyId, String version, String title, String sector, String quantifies)
      implements MethodologyEvent {}

  record MethodologyApproved(String methodologyId, String reviewer, String reviewReference)
      implements MethodologyEvent {}

  record MethodologyWithdrawn(String methodologyId, String reason) implements MethodologyEvent {}
}
