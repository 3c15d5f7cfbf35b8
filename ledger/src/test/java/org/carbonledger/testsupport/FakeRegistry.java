package org.carbonledger.testsupport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.carbonledger.accounts.AccountCheck;
import org.carbonledger.accounts.AccountState;
import org.carbonledger.accounts.AccountStatus;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.footprints.FootprintCoverage;
import org.carbonledger.methodologies.MethodologyCheck;
import org.carbonledger.methodologies.MethodologyState;
import org.carbonledger.methodologies.MethodologyStatus;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;

/**
 * In-memory stand-ins for what one aggregate may ask about others, for AggregateTestFixture tests:
 * register with {@code fixture.registerInjectableResource(registry)}.
 *
 * <p>The rules themselves are the real ones ({@link AccountState#requireOpen}, {@link
 * MethodologyState#requireApproved}); only where the state comes from is faked.
 */
public final class FakeRegistry implements AccountCheck, MethodologyCheck, FootprintCoverage {

  private final Map<String, AccountState> accounts = new HashMap<>();
  private final Map<String, MethodologyState> methodologies = new HashMap<>();
  private final List<Map.Entry<String, Retirement>> coverages = new ArrayList<>();
  private LedgerRejection footprintRefusal;

  public FakeRegistry account(String accountId, HolderType type, AccountStatus status) {
    accounts.put(accountId, new AccountState(accountId, type, status));
    return this;
  }

  public FakeRegistry openAccount(String accountId, HolderType type) {
    return account(accountId, type, AccountStatus.OPEN);
  }

  public FakeRegistry methodology(String methodologyId, MethodologyStatus status) {
    methodologies.put(methodologyId, new MethodologyState(methodologyId, status));
    return this;
  }

  /** Makes every footprint coverage fail with this rejection. */
  public FakeRegistry refuseFootprints(LedgerRejection refusal) {
    this.footprintRefusal = refusal;
    return this;
  }

  /** The coverages requested so far, footprint id to retirement. */
  public List<Map.Entry<String, Retirement>> coverages() {
    return coverages;
  }

  @Override
  public AccountState requireOpen(String accountId, String field) {
    AccountState state = accounts.get(accountId);
    if (state == null) {
      throw LedgerRejection.of(
          RejectionCode.ACCOUNT_NOT_FOUND, field, "account " + accountId + " does not exist");
    }
    return state.requireOpen(field);
  }

  @Override
  public MethodologyState requireApproved(String methodologyId, String field) {
    MethodologyState state = methodologies.get(methodologyId);
    if (state == null) {
      throw LedgerRejection.of(
          RejectionCode.METHODOLOGY_NOT_FOUND,
          field,
          "methodology " + methodologyId + " does not exist");
    }
    return state.requireApproved(field);
  }

  @Override
  public void cover(String footprintId, Retirement retirement) {
    if (footprintRefusal != null) {
      throw footprintRefusal;
    }
    coverages.add(Map.entry(footprintId, retirement));
  }
}
