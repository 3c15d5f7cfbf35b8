package org.carbonledger.methodologies;

/** Filed (备案), approved after expert review, or withdrawn. Only approved ones back projects. */
public enum MethodologyStatus {
  FILED,
  APPROVED,
  WITHDRAWN
}
