package org.carbonledger.methodologies;

import org.carbonledger.methodologies.MethodologyEvent.MethodologyApproved;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyFiled;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyWithdrawn;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;

/** What a methodology's events add up to; shared by the aggregate and {@link MethodologyCheck}. */
public record MethodologyState(String methodologyId, MethodologyStatus status) {

  /** The state after one more event; {@code state} is null before the methodology is filed. */
  public static MethodologyState next(MethodologyState state, MethodologyEvent event) {
    if (event instanceof MethodologyFiled filed) {
      return new MethodologyState(filed.methodologyId(), MethodologyStatus.FILED);
    } else if (event instanceof MethodologyApproved) {
      return new MethodologyState(state.methodologyId(), MethodologyStatus.APPROVED);
    } else if (event instanceof MethodologyWithdrawn) {
      return new MethodologyState(state.methodologyId(), MethodologyStatus.WITHDRAWN);
    }
    throw new IllegalArgumentException("unknown methodology event " + event);
  }

  /** A new project may use this methodology only while it is approved. */
  public MethodologyState requireApproved(String field) {
    if (status == MethodologyStatus.WITHDRAWN) {
      throw LedgerRejection.of(
          RejectionCode.METHODOLOGY_WITHDRAWN,
          field,
          "methodology " + methodologyId + " is withdrawn");
    }
    if (status != MethodologyStatus.APPROVED) {
      throw LedgerRejection.of(
          RejectionCode.METHODOLOGY_NOT_APPROVED,
          field,
          "methodology " + methodologyId + " is filed but not approved");
    }
    return this;
  }

  public void requireNotWithdrawn() {
    if (status == MethodologyStatus.WITHDRAWN) {
      throw LedgerRejection.of(
          RejectionCode.METHODOLOGY_WITHDRAWN, "methodology " + methodologyId + " is withdrawn");
    }
  }
}
