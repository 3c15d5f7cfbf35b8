package org.carbonledger.credits;

/** Why issued credits are cancelled: an administrative undo of issuance, not a retirement. */
public enum CancellationKind {
  /** The credits moved to another registry and must not exist twice. */
  TRANSFERRED_TO_ANOTHER_REGISTRY,
  /** The verification behind the issuance was found to be wrong. */
  VERIFICATION_ERROR,
  /** Any other administrative reason, stated in the reason text. */
  ADMINISTRATIVE
}
