package org.carbonledger.projections.credits;

/** What a line of an account statement records ({@code account_movement.movement_kind}). */
public enum MovementKind {
  /** A batch was issued into the account ({@code BatchIssued}). */
  ISSUANCE,
  /** Credits were transferred into the account ({@code CreditsTransferred}). */
  TRANSFER_IN,
  /** Credits were transferred out of the account ({@code CreditsTransferred}). */
  TRANSFER_OUT,
  /** Credits of the account were retired ({@code CreditsRetired}). */
  RETIREMENT,
  /** Credits of the account were cancelled ({@code CreditsCancelled}). */
  CANCELLATION;

  /** Whether the movement adds credits to the account (else it takes them out). */
  public boolean incoming() {
    return this == ISSUANCE || this == TRANSFER_IN;
  }
}
