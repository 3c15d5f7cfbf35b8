package org.carbonledger.footprints;

/** What a footprint measures. */
public enum FootprintKind {
  /** One event, such as a marathon or an expo, over its dates. */
  EVENT,
  /** An organisation's emissions over a period, such as an enterprise's year. */
  ORGANISATION_PERIOD
}
