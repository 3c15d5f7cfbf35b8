package org.carbonledger.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.carbonledger.testsupport.Rejections.assertInvalid;
import static org.carbonledger.testsupport.Rejections.rejectedNaming;
import static org.carbonledger.testsupport.Rejections.rejectedWith;

import java.time.LocalDate;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.carbonledger.accounts.AccountStatus;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchEvent.BatchIssued;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.methodologies.MethodologyStatus;
import org.carbonledger.projects.ProjectCommand.ApproveProject;
import org.carbonledger.projects.ProjectCommand.IssueBatch;
import org.carbonledger.projects.ProjectCommand.RegisterProject;
import org.carbonledger.projects.ProjectCommand.ReinstateProject;
import org.carbonledger.projects.ProjectCommand.SuspendProject;
import org.carbonledger.projects.ProjectEvent.BatchIssuanceRecorded;
import org.carbonledger.projects.ProjectEvent.ProjectApproved;
import org.carbonledger.projects.ProjectEvent.ProjectRegistered;
import org.carbonledger.projects.ProjectEvent.ProjectReinstated;
import org.carbonledger.projects.ProjectEvent.ProjectSuspended;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.registry.RejectionTranslator;
import org.carbonledger.testsupport.FakeRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The project aggregate.
 *
 * <p>About {@code IssueBatch}: the project spawns the batch with {@code
 * AggregateLifecycle.createNew}. In {@link AggregateTestFixture} the spawned aggregate is created
 * by the fixture's {@code CreationalRepository}, which calls the inherited {@code
 * AnnotatedAggregate.initialize(factory, model, eventBus, repositoryProvider)} without sequence
 * numbers, so the batch's {@code BatchIssued} reaches the fixture as a plain {@code EventMessage}:
 * it is published (and so appears in {@code expectEvents}, after the project's own event) but is
 * not stored or sequence-checked against the project's stream. These tests therefore expect both
 * events.
 */
class ProjectTest {

  private static final String PROJECT = "P";
  private static final String PROPONENT = "wh-cycling-platform";
  private static final String METHODOLOGY = "WH-CYCLING";
  private static final LocalDate Q1_START = LocalDate.of(2026, 1, 1);
  private static final LocalDate Q1_END = LocalDate.of(2026, 3, 31);

  private static final ProjectRegistered REGISTERED =
      new ProjectRegistered(
          PROJECT,
          "Wuhan low-carbon cycling",
          PROPONENT,
          METHODOLOGY,
          "CN-HB",
          "江岸区",
          "30.60N 114.30E");
  private static final ProjectApproved APPROVED = new ProjectApproved(PROJECT, "WHCEE operator");
  private static final ProjectSuspended SUSPENDED =
      new ProjectSuspended(PROJECT, "verification under review");
  private static final ProjectReinstated REINSTATED =
      new ProjectReinstated(PROJECT, "review closed");

  private FakeRegistry registry;
  private FixtureConfiguration<Project> fixture;

  @BeforeEach
  void setUp() {
    registry =
        new FakeRegistry()
            .openAccount(PROPONENT, HolderType.PLATFORM)
            .account("frozen-holder", HolderType.ENTERPRISE, AccountStatus.FROZEN)
            .account("closed-holder", HolderType.ENTERPRISE, AccountStatus.CLOSED)
            .methodology(METHODOLOGY, MethodologyStatus.APPROVED)
            .methodology("FILED-ONLY", MethodologyStatus.FILED)
            .methodology("WITHDRAWN-ONE", MethodologyStatus.WITHDRAWN);
    fixture = new AggregateTestFixture<>(Project.class);
    fixture.registerInjectableResource(registry);
  }

  private static RegisterProject register(String methodologyId, String proponentAccountId) {
    return new RegisterProject(
        PROJECT,
        "Wuhan low-carbon cycling",
        proponentAccountId,
        methodologyId,
        "CN-HB",
        "江岸区",
        "30.60N 114.30E");
  }

  private static IssueBatch issue(long quantity, String receivingAccountId, Long firstSerial) {
    return new IssueBatch(
        PROJECT,
        Q1_START,
        Q1_END,
        "VR-2026-Q1",
        "CQC Verification",
        quantity,
        receivingAccountId,
        firstSerial);
  }

  private static BatchIssued issued(int sequence, long quantity, SerialBlock serials) {
    return new BatchIssued(
        PROJECT + "-B" + sequence,
        PROJECT,
        sequence,
        Q1_START,
        Q1_END,
        "VR-2026-Q1",
        "CQC Verification",
        PROPONENT,
        quantity,
        serials,
        "WHCI");
  }

  // --- RegisterProject ---------------------------------------------------------------------

  @Test
  void registeringAProjectUnderAnApprovedMethodologyRecordsIt() {
    fixture
        .givenNoPriorActivity()
        .when(register(METHODOLOGY, PROPONENT))
        .expectSuccessfulHandlerExecution()
        .expectEvents(REGISTERED);
  }

  @Test
  void registeringUnderAnUnknownMethodologyIsRejected() {
    fixture
        .givenNoPriorActivity()
        .when(register("NO-SUCH-METHOD", PROPONENT))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.METHODOLOGY_NOT_FOUND));
  }

  @Test
  void registeringUnderAMethodologyThatIsOnlyFiledIsRejected() {
    fixture
        .givenNoPriorActivity()
        .when(register("FILED-ONLY", PROPONENT))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.METHODOLOGY_NOT_APPROVED));
  }

  @Test
  void registeringUnderAWithdrawnMethodologyIsRejected() {
    fixture
        .givenNoPriorActivity()
        .when(register("WITHDRAWN-ONE", PROPONENT))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.METHODOLOGY_WITHDRAWN));
  }

  /**
   * Not found and not approved both name {@code methodologyId}; a withdrawn methodology is refused
   * because of the same field, so it must name it too.
   */
  @Test
  void aWithdrawnMethodologyIsNamedAsTheFieldAtFault() {
    fixture
        .givenNoPriorActivity()
        .when(register("WITHDRAWN-ONE", PROPONENT))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.METHODOLOGY_WITHDRAWN, "methodologyId"));
  }

  @Test
  void registeringForAnUnknownProponentIsRejected() {
    fixture
        .givenNoPriorActivity()
        .when(register(METHODOLOGY, "nobody"))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.ACCOUNT_NOT_FOUND, "proponentAccountId"));
  }

  @Test
  void registeringForAFrozenProponentIsRejected() {
    fixture
        .givenNoPriorActivity()
        .when(register(METHODOLOGY, "frozen-holder"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_FROZEN));
  }

  @Test
  void registeringForAClosedProponentIsRejected() {
    fixture
        .givenNoPriorActivity()
        .when(register(METHODOLOGY, "closed-holder"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_CLOSED));
  }

  @Test
  void aProjectIdLongerThanEightyCharactersIsRejected() {
    assertInvalid(
        () ->
            new RegisterProject(
                "p".repeat(81), "Cycling", PROPONENT, METHODOLOGY, "CN-HB", null, "Wuhan"),
        "projectId");
  }

  @Test
  void aProjectMustBeInAnIsoJurisdiction() {
    assertInvalid(
        () ->
            new RegisterProject(PROJECT, "Cycling", PROPONENT, METHODOLOGY, "Hubei", null, "Wuhan"),
        "jurisdiction");
  }

  @Test
  void aProjectWithoutADistrictIsAccepted() {
    assertThatCode(
            () ->
                new RegisterProject(
                    PROJECT, "Cycling", PROPONENT, METHODOLOGY, "CN-HB", null, "Wuhan"))
        .doesNotThrowAnyException();
  }

  // --- ApproveProject ----------------------------------------------------------------------

  @Test
  void aRegisteredProjectCanBeApproved() {
    fixture
        .given(REGISTERED)
        .when(new ApproveProject(PROJECT, "WHCEE operator"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(APPROVED);
  }

  @Test
  void approvingAnApprovedProjectIsRejected() {
    fixture
        .given(REGISTERED, APPROVED)
        .when(new ApproveProject(PROJECT, "WHCEE operator"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_ALREADY_APPROVED));
  }

  @Test
  void approvingASuspendedProjectIsRejected() {
    fixture
        .given(REGISTERED, APPROVED, SUSPENDED)
        .when(new ApproveProject(PROJECT, "WHCEE operator"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_ALREADY_APPROVED));
  }

  @Test
  void approvingAProjectThatWasNeverRegisteredIsRejectedAsNotFound() {
    fixture
        .registerCommandHandlerInterceptor(new RejectionTranslator())
        .givenNoPriorActivity()
        .when(new ApproveProject(PROJECT, "WHCEE operator"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_NOT_FOUND));
  }

  @Test
  void anApprovalMustNameWhoApproved() {
    assertInvalid(() -> new ApproveProject(PROJECT, " "), "approvedBy");
  }

  // --- SuspendProject ----------------------------------------------------------------------

  @Test
  void anApprovedProjectCanBeSuspended() {
    fixture
        .given(REGISTERED, APPROVED)
        .when(new SuspendProject(PROJECT, "verification under review"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(SUSPENDED);
  }

  @Test
  void suspendingAProjectThatIsNotApprovedIsRejected() {
    fixture
        .given(REGISTERED)
        .when(new SuspendProject(PROJECT, "verification under review"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_NOT_APPROVED));
  }

  @Test
  void suspendingASuspendedProjectIsRejected() {
    fixture
        .given(REGISTERED, APPROVED, SUSPENDED)
        .when(new SuspendProject(PROJECT, "again"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_SUSPENDED));
  }

  @Test
  void aSuspensionMustGiveAReason() {
    assertInvalid(() -> new SuspendProject(PROJECT, null), "reason");
  }

  // --- ReinstateProject --------------------------------------------------------------------

  @Test
  void aSuspendedProjectCanBeReinstated() {
    fixture
        .given(REGISTERED, APPROVED, SUSPENDED)
        .when(new ReinstateProject(PROJECT, "review closed"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(REINSTATED);
  }

  @Test
  void reinstatingAnApprovedProjectIsRejected() {
    fixture
        .given(REGISTERED, APPROVED)
        .when(new ReinstateProject(PROJECT, "nothing to reinstate"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_NOT_SUSPENDED));
  }

  @Test
  void reinstatingAProjectThatIsOnlyRegisteredIsRejected() {
    fixture
        .given(REGISTERED)
        .when(new ReinstateProject(PROJECT, "nothing to reinstate"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_NOT_SUSPENDED));
  }

  @Test
  void reinstatingAReinstatedProjectIsRejected() {
    fixture
        .given(REGISTERED, APPROVED, SUSPENDED, REINSTATED)
        .when(new ReinstateProject(PROJECT, "again"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_NOT_SUSPENDED));
  }

  @Test
  void aReinstatementMustNameItsProject() {
    assertInvalid(() -> new ReinstateProject("", "review closed"), "projectId");
  }

  // --- IssueBatch --------------------------------------------------------------------------

  @Test
  void theFirstIssuanceGetsSequenceOneAndStartsTheBatchAtSerialOne() {
    fixture
        .given(REGISTERED, APPROVED)
        .when(issue(28_571, PROPONENT, null))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            new BatchIssuanceRecorded(PROJECT, "P-B1", 1, 28_571),
            issued(1, 28_571, new SerialBlock(1, 28_571)))
        .expectResultMessagePayload("P-B1");
  }

  @Test
  void theSecondIssuanceGetsSequenceTwo() {
    fixture
        .given(REGISTERED, APPROVED, new BatchIssuanceRecorded(PROJECT, "P-B1", 1, 28_571))
        .when(issue(1_000, PROPONENT, null))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            new BatchIssuanceRecorded(PROJECT, "P-B2", 2, 1_000),
            issued(2, 1_000, new SerialBlock(1, 1_000)))
        .expectResultMessagePayload("P-B2");
  }

  @Test
  void anImportedBatchKeepsItsSerialNumbers() {
    fixture
        .given(REGISTERED, APPROVED)
        .when(issue(1_000, PROPONENT, 500_001L))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            new BatchIssuanceRecorded(PROJECT, "P-B1", 1, 1_000),
            issued(1, 1_000, new SerialBlock(500_001, 501_000)))
        .expectResultMessagePayload("P-B1");
  }

  @Test
  void aReinstatedProjectCanIssueAgain() {
    fixture
        .given(REGISTERED, APPROVED, SUSPENDED, REINSTATED)
        .when(issue(10, PROPONENT, null))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            new BatchIssuanceRecorded(PROJECT, "P-B1", 1, 10),
            issued(1, 10, new SerialBlock(1, 10)))
        .expectResultMessagePayload("P-B1");
  }

  @Test
  void issuingForAProjectThatIsOnlyRegisteredIsRejected() {
    fixture
        .given(REGISTERED)
        .when(issue(100, PROPONENT, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_NOT_APPROVED));
  }

  @Test
  void issuingForASuspendedProjectIsRejected() {
    fixture
        .given(REGISTERED, APPROVED, SUSPENDED)
        .when(issue(100, PROPONENT, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.PROJECT_SUSPENDED));
  }

  @Test
  void issuingIntoAnUnknownAccountIsRejected() {
    fixture
        .given(REGISTERED, APPROVED)
        .when(issue(100, "nobody", null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.ACCOUNT_NOT_FOUND, "receivingAccountId"));
  }

  @Test
  void issuingIntoAFrozenAccountIsRejected() {
    fixture
        .given(REGISTERED, APPROVED)
        .when(issue(100, "frozen-holder", null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_FROZEN));
  }

  @Test
  void issuingIntoAClosedAccountIsRejected() {
    fixture
        .given(REGISTERED, APPROVED)
        .when(issue(100, "closed-holder", null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_CLOSED));
  }

  @Test
  void anIssuanceWithoutAFirstSerialStartsAtOne() {
    assertThat(issue(5, PROPONENT, null).firstSerial()).isEqualTo(1L);
  }

  @Test
  void anIssuanceOfNoCreditsIsRejected() {
    assertInvalid(() -> issue(0, PROPONENT, null), "quantity");
  }

  @Test
  void anIssuanceWhoseVintageEndsBeforeItStartsIsRejected() {
    assertInvalid(
        () -> new IssueBatch(PROJECT, Q1_END, Q1_START, "VR-1", "CQC", 10, PROPONENT, null),
        "vintageEnd");
  }

  @Test
  void anIssuanceWithAFirstSerialOfZeroIsRejected() {
    assertInvalid(() -> issue(10, PROPONENT, 0L), "firstSerial");
  }

  @Test
  void anIssuanceWhoseSerialsWouldOverflowIsRejected() {
    assertInvalid(() -> issue(2, PROPONENT, Long.MAX_VALUE), "quantity");
  }

  /**
   * The block Long.MAX_VALUE..Long.MAX_VALUE does not overflow: its last serial is representable.
   */
  @Test
  void anIssuanceEndingOnTheLargestSerialIsAccepted() {
    assertThatCode(() -> issue(1, PROPONENT, Long.MAX_VALUE)).doesNotThrowAnyException();
    assertThatCode(() -> issue(10, PROPONENT, Long.MAX_VALUE - 9)).doesNotThrowAnyException();
  }

  // --- helpers -----------------------------------------------------------------------------

}
