package org.carbonledger.credits;

/** Why credits are retired (核销). */
public enum RetirementPurpose {
  /** A voluntary claim by a company or a person. */
  VOLUNTARY,
  /** Making an event (a marathon, an expo) carbon neutral; must cite its footprint. */
  EVENT_NEUTRALITY,
  /** Offsetting emissions under an emissions trading scheme. */
  ETS_COMPLIANCE,
  /** Compensating ecological damage with carbon (以碳代赔), as ordered by a court or agency. */
  ECOLOGICAL_COMPENSATION
}
