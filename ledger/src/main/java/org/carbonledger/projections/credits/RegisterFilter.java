package org.carbonledger.projections.credits;

import java.time.Instant;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.registry.LedgerRejection;

/**
 * Which retirements of the public register to list; every criterion is optional (null) and all
 * given ones must hold.
 *
 * @param beneficiary a case-insensitive part of the beneficiary's name; blank means none
 * @param purpose the retirement's purpose
 * @param projectId the project of the retired credits' batch
 * @param vintageYear a calendar year that the batch's vintage (monitoring period) overlaps
 * @param retiredFrom retired at or after this instant
 * @param retiredBefore retired before this instant
 */
public record RegisterFilter(
    String beneficiary,
    RetirementPurpose purpose,
    String projectId,
    Integer vintageYear,
    Instant retiredFrom,
    Instant retiredBefore) {

  /** The longest beneficiary text to search for (the longest a beneficiary can be). */
  public static final int MAX_BENEFICIARY_LENGTH = 300;

  public RegisterFilter {
    if (beneficiary != null && beneficiary.isBlank()) {
      beneficiary = null;
    }
    if (beneficiary != null && beneficiary.length() > MAX_BENEFICIARY_LENGTH) {
      throw LedgerRejection.invalid(
          "beneficiary",
          "beneficiary must be at most " + MAX_BENEFICIARY_LENGTH + " characters long");
    }
    if (vintageYear != null && (vintageYear < 1 || vintageYear > 9999)) {
      throw LedgerRejection.invalid("vintageYear", "vintageYear must be a year from 1 to 9999");
    }
    if (retiredFrom != null && retiredBefore != null && !retiredFrom.isBefore(retiredBefore)) {
      throw LedgerRejection.invalid("retiredBefore", "retiredBefore must be after retiredFrom");
    }
  }

  /** Every retirement. */
  public static RegisterFilter all() {
    return new RegisterFilter(null, null, null, null, null, null);
  }

  public RegisterFilter withBeneficiary(String text) {
    return new RegisterFilter(text, purpose, projectId, vintageYear, retiredFrom, retiredBefore);
  }

  public RegisterFilter withPurpose(RetirementPurpose value) {
    return new RegisterFilter(
        beneficiary, value, projectId, vintageYear, retiredFrom, retiredBefore);
  }

  public RegisterFilter withProject(String value) {
    return new RegisterFilter(beneficiary, purpose, value, vintageYear, retiredFrom, retiredBefore);
  }

  public RegisterFilter withVintageYear(Integer value) {
    return new RegisterFilter(beneficiary, purpose, projectId, value, retiredFrom, retiredBefore);
  }

  /** Retired at or after {@code from} and before {@code before}; either may be null. */
  public RegisterFilter retiredBetween(Instant from, Instant before) {
    return new RegisterFilter(beneficiary, purpose, projectId, vintageYear, from, before);
  }
}
