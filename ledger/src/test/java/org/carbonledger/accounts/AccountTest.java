package org.carbonledger.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.carbonledger.testsupport.Rejections.rejectedWith;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.carbonledger.accounts.AccountCommand.CloseAccount;
import org.carbonledger.accounts.AccountCommand.FreezeAccount;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.AccountCommand.UnfreezeAccount;
import org.carbonledger.accounts.AccountEvent.AccountClosed;
import org.carbonledger.accounts.AccountEvent.AccountFrozen;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.AccountEvent.AccountUnfrozen;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccountTest {

  private static final AccountOpened OPENED =
      new AccountOpened("wuhan-marathon", HolderType.ORGANISER, "Wuhan Marathon", "CN-HB");

  private FixtureConfiguration<Account> fixture;

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(Account.class);
  }

  @Test
  void openingAnAccountRecordsItsHolder() {
    fixture
        .givenNoPriorActivity()
        .when(new OpenAccount("wuhan-marathon", HolderType.ORGANISER, "Wuhan Marathon", "CN-HB"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(OPENED)
        .expectState(account -> assertThat(account.state().status()).isEqualTo(AccountStatus.OPEN));
  }

  @Test
  void anOpenAccountCanBeFrozenAndUnfrozen() {
    fixture
        .given(OPENED)
        .when(new FreezeAccount("wuhan-marathon", "court order 2026-17"))
        .expectEvents(new AccountFrozen("wuhan-marathon", "court order 2026-17"));
    fixture
        .given(OPENED, new AccountFrozen("wuhan-marathon", "court order 2026-17"))
        .when(new UnfreezeAccount("wuhan-marathon", "order lifted"))
        .expectEvents(new AccountUnfrozen("wuhan-marathon", "order lifted"));
  }

  @Test
  void freezingAFrozenAccountIsRejected() {
    fixture
        .given(OPENED, new AccountFrozen("wuhan-marathon", "audit"))
        .when(new FreezeAccount("wuhan-marathon", "again"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_FROZEN));
  }

  @Test
  void unfreezingAnOpenAccountIsRejected() {
    fixture
        .given(OPENED)
        .when(new UnfreezeAccount("wuhan-marathon", "nothing to lift"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_NOT_FROZEN));
  }

  @Test
  void aClosedAccountAcceptsNothingMore() {
    fixture
        .given(OPENED)
        .when(new CloseAccount("wuhan-marathon", "event over"))
        .expectEvents(new AccountClosed("wuhan-marathon", "event over"));
    fixture
        .given(OPENED, new AccountClosed("wuhan-marathon", "event over"))
        .when(new FreezeAccount("wuhan-marathon", "late"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_CLOSED));
    fixture
        .given(OPENED, new AccountClosed("wuhan-marathon", "event over"))
        .when(new UnfreezeAccount("wuhan-marathon", "late"))
        .expectException(rejectedWith(RejectionCode.ACCOUNT_CLOSED));
    fixture
        .given(OPENED, new AccountClosed("wuhan-marathon", "event over"))
        .when(new CloseAccount("wuhan-marathon", "twice"))
        .expectException(rejectedWith(RejectionCode.ACCOUNT_CLOSED));
  }

  @Test
  void anAccountWithoutAValidJurisdictionCannotBeOpened() {
    assertThatThrownBy(
            () -> new OpenAccount("acme", HolderType.ENTERPRISE, "ACME", "Hubei Province"))
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> {
              org.assertj.core.api.Assertions.assertThat(rejection.field())
                  .hasValue("jurisdiction");
              org.assertj.core.api.Assertions.assertThat(rejection.code())
                  .isEqualTo(RejectionCode.INVALID_ARGUMENT);
            });
  }

  @Test
  void anAccountIdMustBeAPlainIdentifier() {
    assertThatThrownBy(() -> new OpenAccount("a b", HolderType.INDIVIDUAL, "Li Lei", "CN-HB"))
        .isInstanceOf(LedgerRejection.class)
        .hasMessageContaining("accountId");
  }
}
