package org.carbonledger.projects;

/** Registered (备案), approved to issue, or suspended (no issuance until reinstated). */
public enum ProjectStatus {
  REGISTERED,
  APPROVED,
  SUSPENDED
}
