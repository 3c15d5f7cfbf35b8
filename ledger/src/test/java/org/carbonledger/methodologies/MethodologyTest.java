package org.carbonledger.methodologies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carbonledger.testsupport.Rejections.assertInvalid;
import static org.carbonledger.testsupport.Rejections.rejectedWith;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.carbonledger.methodologies.MethodologyCommand.ApproveMethodology;
import org.carbonledger.methodologies.MethodologyCommand.FileMethodology;
import org.carbonledger.methodologies.MethodologyCommand.WithdrawMethodology;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyApproved;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyFiled;
import org.carbonledger.methodologies.MethodologyEvent.MethodologyWithdrawn;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.registry.RejectionTranslator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MethodologyTest {

  private static final String ID = "WH-CYCLING";

  private static final MethodologyFiled FILED =
      new MethodologyFiled(
          ID,
          "1.0",
          "Cycling instead of driving",
          "transport",
          "grams CO2e avoided per km cycled instead of driven");
  private static final MethodologyApproved APPROVED =
      new MethodologyApproved(ID, "Expert panel", "REV-2026-001");
  private static final MethodologyWithdrawn WITHDRAWN =
      new MethodologyWithdrawn(ID, "superseded by version 2.0");

  private FixtureConfiguration<Methodology> fixture;

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(Methodology.class);
  }

  @Test
  void filingAMethodologyRecordsAllItsParticulars() {
    fixture
        .givenNoPriorActivity()
        .when(
            new FileMethodology(
                ID,
                "1.0",
                "Cycling instead of driving",
                "transport",
                "grams CO2e avoided per km cycled instead of driven"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(FILED)
        .expectState(
            methodology ->
                assertThat(methodology)
                    .extracting("state")
                    .isEqualTo(new MethodologyState(ID, MethodologyStatus.FILED)));
  }

  @Test
  void aFiledMethodologyCanBeApprovedAndTheReviewerIsRecorded() {
    fixture
        .given(FILED)
        .when(new ApproveMethodology(ID, "Expert panel", "REV-2026-001"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(APPROVED);
  }

  @Test
  void approvingAnApprovedMethodologyIsRejected() {
    fixture
        .given(FILED, APPROVED)
        .when(new ApproveMethodology(ID, "Second panel", "REV-2026-002"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.METHODOLOGY_ALREADY_APPROVED));
  }

  @Test
  void approvingAWithdrawnMethodologyIsRejected() {
    fixture
        .given(FILED, WITHDRAWN)
        .when(new ApproveMethodology(ID, "Expert panel", "REV-2026-001"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.METHODOLOGY_WITHDRAWN));
  }

  @Test
  void aFiledMethodologyCanBeWithdrawn() {
    fixture
        .given(FILED)
        .when(new WithdrawMethodology(ID, "superseded by version 2.0"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(WITHDRAWN);
  }

  @Test
  void anApprovedMethodologyCanBeWithdrawn() {
    fixture
        .given(FILED, APPROVED)
        .when(new WithdrawMethodology(ID, "superseded by version 2.0"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(WITHDRAWN);
  }

  @Test
  void withdrawingAWithdrawnMethodologyIsRejected() {
    fixture
        .given(FILED, APPROVED, WITHDRAWN)
        .when(new WithdrawMethodology(ID, "again"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.METHODOLOGY_WITHDRAWN));
  }

  @Test
  void approvingAMethodologyThatWasNeverFiledIsRejectedAsNotFound() {
    fixture
        .registerCommandHandlerInterceptor(new RejectionTranslator())
        .givenNoPriorActivity()
        .when(new ApproveMethodology(ID, "Expert panel", "REV-2026-001"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.METHODOLOGY_NOT_FOUND));
  }

  @Test
  void aMethodologyIdMustBeAPlainIdentifier() {
    assertInvalid(
        () -> new FileMethodology("wh cycling", "1.0", "Cycling", "transport", "g CO2e/km"),
        "methodologyId");
  }

  @Test
  void aFiledMethodologyMustSayWhatItQuantifies() {
    assertInvalid(() -> new FileMethodology(ID, "1.0", "Cycling", "transport", " "), "quantifies");
  }

  @Test
  void aMethodologyVersionMayNotBeLongerThanFortyCharacters() {
    assertInvalid(
        () -> new FileMethodology(ID, "1".repeat(41), "Cycling", "transport", "g CO2e/km"),
        "version");
  }

  @Test
  void anApprovalMustNameItsReviewer() {
    assertInvalid(() -> new ApproveMethodology(ID, null, "REV-2026-001"), "reviewer");
  }

  @Test
  void anApprovalMustCiteItsReview() {
    assertInvalid(() -> new ApproveMethodology(ID, "Expert panel", ""), "reviewReference");
  }

  @Test
  void aWithdrawalMustGiveAReason() {
    assertInvalid(() -> new WithdrawMethodology(ID, "  "), "reason");
  }

  @Test
  void aWithdrawalMustNameAMethodology() {
    assertInvalid(() -> new WithdrawMethodology(null, "superseded"), "methodologyId");
  }
}
