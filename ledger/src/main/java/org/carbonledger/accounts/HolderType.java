package org.carbonledger.accounts;

/** Who holds an account in the registry (登记). */
public enum HolderType {
  /** The registry or exchange operator that files methodologies and issues credits. */
  OPERATOR,
  /** A company, including ETS-covered firms offsetting their emissions. */
  ENTERPRISE,
  /** The organiser of an event (a marathon, an expo) that makes it carbon neutral. */
  ORGANISER,
  /** A person whose low-carbon trips earn micro-reductions. */
  INDIVIDUAL,
  /** A platform that aggregates reductions on behalf of many people. */
  PLATFORM,
  /** A regulator: reads everything, holds nothing of its own. */
  REGULATOR
}
