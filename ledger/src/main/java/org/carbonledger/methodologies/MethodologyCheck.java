package org.carbonledger.methodologies;

/** What a project may ask about its methodology when it is registered. */
public interface MethodologyCheck {

  /**
   * @throws org.carbonledger.registry.LedgerRejection {@code METHODOLOGY_NOT_FOUND}, {@code
   *     METHODOLOGY_NOT_APPROVED} or {@code METHODOLOGY_WITHDRAWN}
   */
  MethodologyState requireApproved(String methodologyId, String field);
}
