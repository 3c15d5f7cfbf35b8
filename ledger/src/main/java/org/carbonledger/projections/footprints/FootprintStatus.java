package org.carbonledger.projections.footprints;

/** Whether a footprint still needs coverage, or is neutral and has its certificate. */
public enum FootprintStatus {
  OPEN,
  NEUTRAL
}
