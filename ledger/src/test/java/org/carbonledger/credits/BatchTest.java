package org.carbonledger.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carbonledger.testsupport.Rejections.assertInvalid;
import static org.carbonledger.testsupport.Rejections.rejectedNaming;
import static org.carbonledger.testsupport.Rejections.rejectedWith;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.carbonledger.accounts.AccountStatus;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchCommand.CancelCredits;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.BatchEvent.BatchIssued;
import org.carbonledger.credits.BatchEvent.CreditsCancelled;
import org.carbonledger.credits.BatchEvent.CreditsRetired;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.footprints.FootprintCoverage.Retirement;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.registry.RejectionTranslator;
import org.carbonledger.testsupport.FakeRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchTest {

  private static final String PROJECT = "WH-CYCLING-01";
  private static final String BATCH = "WH-CYCLING-01-B1";
  private static final String ACME = "acme";
  private static final String MARATHON = "wuhan-marathon";
  private static final String FROZEN = "frozen-holder";
  private static final String CLOSED = "closed-holder";
  private static final String FOOTPRINT = "wuhan-marathon-2026";
  private static final String LABEL_PREFIX = "WHCI-WH-CYCLING-01-20260101-20260331-1-";

  /** 100 credits, serials 1-100, all in ACME. */
  private static final BatchIssued ISSUED =
      new BatchIssued(
          BATCH,
          PROJECT,
          1,
          LocalDate.of(2026, 1, 1),
          LocalDate.of(2026, 3, 31),
          "VR-2026-Q1",
          "CQC Verification",
          ACME,
          100,
          new SerialBlock(1, 100),
          "WHCI");

  private FakeRegistry registry;
  private FixtureConfiguration<Batch> fixture;

  @BeforeEach
  void setUp() {
    registry =
        new FakeRegistry()
            .openAccount(ACME, HolderType.ENTERPRISE)
            .openAccount(MARATHON, HolderType.ORGANISER)
            .account(FROZEN, HolderType.ENTERPRISE, AccountStatus.FROZEN)
            .account(CLOSED, HolderType.ENTERPRISE, AccountStatus.CLOSED);
    fixture = new AggregateTestFixture<>(Batch.class);
    fixture.registerInjectableResource(registry);
  }

  // --- builders ----------------------------------------------------------------------------

  private static SerialBlock block(long first, long last) {
    return new SerialBlock(first, last);
  }

  private static TransferCredits transfer(
      String id, String from, String to, long quantity, SerialBlock block) {
    return new TransferCredits(BATCH, id, from, to, quantity, block);
  }

  private static CreditsTransferred transferred(
      String id, String from, String to, long quantity, SerialBlock... blocks) {
    return new CreditsTransferred(BATCH, id, from, to, quantity, List.of(blocks));
  }

  private static RetireCredits retire(String id, String account, long quantity, SerialBlock block) {
    return new RetireCredits(
        BATCH,
        id,
        account,
        quantity,
        block,
        "ACME Ltd",
        "ACME 2025 voluntary offset",
        null,
        RetirementPurpose.VOLUNTARY,
        LocalDate.of(2025, 1, 1),
        LocalDate.of(2025, 12, 31),
        "CN-HB",
        null);
  }

  private static CreditsRetired retired(
      String id, String account, long quantity, SerialBlock... blocks) {
    return new CreditsRetired(
        BATCH,
        id,
        account,
        quantity,
        List.of(blocks),
        "ACME Ltd",
        "ACME 2025 voluntary offset",
        null,
        RetirementPurpose.VOLUNTARY,
        LocalDate.of(2025, 1, 1),
        LocalDate.of(2025, 12, 31),
        "CN-HB",
        null);
  }

  private static RetireCredits retireForMarathon(String id, long quantity, SerialBlock block) {
    return new RetireCredits(
        BATCH,
        id,
        MARATHON,
        quantity,
        block,
        "Wuhan Marathon 2026",
        "Wuhan Marathon 2026 carbon neutrality",
        "runners' travel and venue energy",
        RetirementPurpose.EVENT_NEUTRALITY,
        null,
        null,
        "CN-HB",
        FOOTPRINT);
  }

  private static CreditsRetired retiredForMarathon(
      String id, long quantity, SerialBlock... blocks) {
    return new CreditsRetired(
        BATCH,
        id,
        MARATHON,
        quantity,
        List.of(blocks),
        "Wuhan Marathon 2026",
        "Wuhan Marathon 2026 carbon neutrality",
        "runners' travel and venue energy",
        RetirementPurpose.EVENT_NEUTRALITY,
        null,
        null,
        "CN-HB",
        FOOTPRINT);
  }

  private static CancelCredits cancel(String id, String account, long quantity, SerialBlock block) {
    return new CancelCredits(
        BATCH,
        id,
        account,
        quantity,
        block,
        CancellationKind.VERIFICATION_ERROR,
        "monitoring data double counted");
  }

  private static CreditsCancelled cancelled(
      String id, String account, long quantity, SerialBlock... blocks) {
    return new CreditsCancelled(
        BATCH,
        id,
        account,
        quantity,
        List.of(blocks),
        CancellationKind.VERIFICATION_ERROR,
        "monitoring data double counted");
  }

  private static void holdings(
      Batch batch,
      Map<String, List<SerialBlock>> tradable,
      List<SerialBlock> retired,
      List<SerialBlock> cancelled) {
    assertThat(batch.holdings().holdings()).isEqualTo(tradable);
    assertThat(batch.holdings().retiredBlocks()).isEqualTo(retired);
    assertThat(batch.holdings().cancelledBlocks()).isEqualTo(cancelled);
    batch.holdings().checkInvariants();
  }

  // --- TransferCredits ---------------------------------------------------------------------

  @Test
  void aPartialTransferSplitsTheHoldingExactly() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, MARATHON, 40, null))
        .expectSuccessfulHandlerExecution()
        .expectEvents(transferred("T1", ACME, MARATHON, 40, block(1, 40)))
        .expectState(
            batch ->
                holdings(
                    batch,
                    Map.of(ACME, List.of(block(41, 100)), MARATHON, List.of(block(1, 40))),
                    List.of(),
                    List.of()));
  }

  @Test
  void transferringTheWholeHoldingMovesEveryBlock() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, MARATHON, 100, null))
        .expectEvents(transferred("T1", ACME, MARATHON, 100, block(1, 100)))
        .expectState(
            batch ->
                holdings(batch, Map.of(MARATHON, List.of(block(1, 100))), List.of(), List.of()));
  }

  @Test
  void theLowestSerialsMoveFirstAcrossSeveralBlocks() {
    // ACME ends up holding 3-5 and 11-100; ten more take 3-5 and then 11-17.
    fixture
        .given(
            ISSUED,
            transferred("T1", ACME, MARATHON, 10, block(1, 10)),
            transferred("T2", MARATHON, ACME, 3, block(3, 5)))
        .when(transfer("T3", ACME, MARATHON, 10, null))
        .expectSuccessfulHandlerExecution()
        .expectEvents(transferred("T3", ACME, MARATHON, 10, block(3, 5), block(11, 17)))
        .expectState(
            batch ->
                holdings(
                    batch,
                    Map.of(ACME, List.of(block(18, 100)), MARATHON, List.of(block(1, 17))),
                    List.of(),
                    List.of()));
  }

  @Test
  void aNamedBlockMovesExactlyThatBlock() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, MARATHON, 11, block(20, 30)))
        .expectSuccessfulHandlerExecution()
        .expectEvents(transferred("T1", ACME, MARATHON, 11, block(20, 30)))
        .expectState(
            batch ->
                holdings(
                    batch,
                    Map.of(
                        ACME,
                        List.of(block(1, 19), block(31, 100)),
                        MARATHON,
                        List.of(block(20, 30))),
                    List.of(),
                    List.of()));
  }

  @Test
  void blocksThatComeBackMergeIntoOneRange() {
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 11, block(20, 30)))
        .when(transfer("T2", MARATHON, ACME, 11, null))
        .expectEvents(transferred("T2", MARATHON, ACME, 11, block(20, 30)))
        .expectState(
            batch -> holdings(batch, Map.of(ACME, List.of(block(1, 100))), List.of(), List.of()));
  }

  @Test
  void aNamedBlockHeldByAnotherAccountIsNotHeld() {
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 10, block(1, 10)))
        .when(transfer("T2", ACME, MARATHON, 10, block(1, 10)))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.SERIAL_BLOCK_NOT_HELD, "block"));
  }

  @Test
  void aNamedBlockOnlyPartlyHeldIsNotHeld() {
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 10, block(1, 10)))
        .when(transfer("T2", ACME, MARATHON, 11, block(5, 15)))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.SERIAL_BLOCK_NOT_HELD));
  }

  @Test
  void aNamedBlockReachingBeyondTheBatchIsNotHeld() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, MARATHON, 11, block(95, 105)))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.SERIAL_BLOCK_NOT_HELD));
  }

  @Test
  void aNamedBlockSpanningAGapInTheHoldingIsNotHeld() {
    // ACME holds 1-19 and 31-100: 15-35 is not wholly there although both ends are.
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 11, block(20, 30)))
        .when(transfer("T2", ACME, MARATHON, 21, block(15, 35)))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.SERIAL_BLOCK_NOT_HELD));
  }

  @Test
  void transferringMoreThanTheHoldingIsRejected() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, MARATHON, 101, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.INSUFFICIENT_HOLDING, "fromAccountId"));
  }

  @Test
  void transferringFromAnAccountThatHoldsNoneOfTheBatchIsRejected() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", MARATHON, ACME, 1, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.INSUFFICIENT_HOLDING));
  }

  @Test
  void aTransferToTheSameAccountIsRejected() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, ACME, 10, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.SAME_ACCOUNT, "toAccountId"));
  }

  @Test
  void aTransferOutOfAFrozenAccountIsRejected() {
    fixture
        .given(ISSUED, transferred("T1", ACME, FROZEN, 10, block(1, 10)))
        .when(transfer("T2", FROZEN, ACME, 10, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_FROZEN));
  }

  @Test
  void aTransferIntoAFrozenAccountIsRejected() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, FROZEN, 10, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_FROZEN));
  }

  /**
   * Both accounts of a transfer are checked; the rejection must say which one is frozen (see {@link
   * LedgerRejection#of(RejectionCode, String, String)}: "such as a frozen account").
   */
  @Test
  void aFrozenReceivingAccountIsNamedAsTheFieldAtFault() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, FROZEN, 10, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.ACCOUNT_FROZEN, "toAccountId"));
  }

  @Test
  void aTransferIntoAClosedAccountIsRejected() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, CLOSED, 10, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_CLOSED));
  }

  @Test
  void aTransferOutOfAClosedAccountIsRejected() {
    fixture
        .given(ISSUED, transferred("T1", ACME, CLOSED, 10, block(1, 10)))
        .when(transfer("T2", CLOSED, ACME, 10, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_CLOSED));
  }

  @Test
  void aTransferIntoAnUnknownAccountIsRejected() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, "nobody", 10, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.ACCOUNT_NOT_FOUND, "toAccountId"));
  }

  @Test
  void aTransferOutOfAnUnknownAccountIsRejected() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", "nobody", ACME, 10, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.ACCOUNT_NOT_FOUND, "fromAccountId"));
  }

  @Test
  void aReusedTransferIdIsRejected() {
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 10, block(1, 10)))
        .when(transfer("T1", ACME, MARATHON, 10, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.MOVEMENT_ALREADY_RECORDED, "transferId"));
  }

  @Test
  void aTransferOfABatchThatDoesNotExistIsRejectedAsNotFound() {
    fixture
        .registerCommandHandlerInterceptor(new RejectionTranslator())
        .givenNoPriorActivity()
        .when(transfer("T1", ACME, MARATHON, 10, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.BATCH_NOT_FOUND));
  }

  @Test
  void aTransferOfNoCreditsIsRejected() {
    assertInvalid(() -> transfer("T1", ACME, MARATHON, 0, null), "quantity");
  }

  @Test
  void aTransferWhoseQuantityDoesNotMatchItsBlockIsRejected() {
    assertInvalid(() -> transfer("T1", ACME, MARATHON, 10, block(1, 11)), "quantity");
  }

  @Test
  void aTransferMustNameItsReceivingAccount() {
    assertInvalid(() -> transfer("T1", ACME, null, 10, null), "toAccountId");
  }

  // --- RetireCredits -----------------------------------------------------------------------

  @Test
  void retiringTakesTheLowestSerialsAndRecordsTheClaim() {
    fixture
        .given(ISSUED)
        .when(retire("R1", ACME, 25, null))
        .expectSuccessfulHandlerExecution()
        .expectEvents(retired("R1", ACME, 25, block(1, 25)))
        .expectState(
            batch ->
                holdings(
                    batch,
                    Map.of(ACME, List.of(block(26, 100))),
                    List.of(block(1, 25)),
                    List.of()));
    assertThat(registry.coverages()).isEmpty();
  }

  @Test
  void retiringANamedBlockRetiresExactlyThatBlock() {
    fixture
        .given(ISSUED)
        .when(retire("R1", ACME, 10, block(51, 60)))
        .expectSuccessfulHandlerExecution()
        .expectEvents(retired("R1", ACME, 10, block(51, 60)))
        .expectState(
            batch ->
                holdings(
                    batch,
                    Map.of(ACME, List.of(block(1, 50), block(61, 100))),
                    List.of(block(51, 60)),
                    List.of()));
  }

  @Test
  void retiringMoreThanTheHoldingIsRejected() {
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 30, block(1, 30)))
        .when(retire("R1", MARATHON, 31, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.INSUFFICIENT_HOLDING, "accountId"));
  }

  @Test
  void retiringANamedBlockThatIsNotHeldIsRejected() {
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 30, block(1, 30)))
        .when(retire("R1", ACME, 10, block(21, 30)))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.SERIAL_BLOCK_NOT_HELD));
  }

  @Test
  void retiringFromAFrozenAccountIsRejected() {
    fixture
        .given(ISSUED, transferred("T1", ACME, FROZEN, 10, block(1, 10)))
        .when(retire("R1", FROZEN, 10, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_FROZEN));
  }

  @Test
  void retiringFromAClosedAccountIsRejected() {
    fixture
        .given(ISSUED, transferred("T1", ACME, CLOSED, 10, block(1, 10)))
        .when(retire("R1", CLOSED, 10, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_CLOSED));
  }

  @Test
  void retiringFromAnUnknownAccountIsRejected() {
    fixture
        .given(ISSUED)
        .when(retire("R1", "nobody", 10, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.ACCOUNT_NOT_FOUND, "accountId"));
  }

  @Test
  void aReusedRetirementIdIsRejected() {
    fixture
        .given(ISSUED, retired("R1", ACME, 10, block(1, 10)))
        .when(retire("R1", ACME, 10, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.MOVEMENT_ALREADY_RECORDED, "retirementId"));
  }

  @Test
  void retiredCreditsCanNeverBeTransferred() {
    fixture
        .given(ISSUED, retired("R1", ACME, 10, block(1, 10)))
        .when(transfer("T1", ACME, MARATHON, 10, block(1, 10)))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.SERIAL_BLOCK_NOT_HELD));
  }

  @Test
  void retiredCreditsCanNeverBeRetiredAgain() {
    fixture
        .given(ISSUED, retired("R1", ACME, 10, block(1, 10)))
        .when(retire("R2", ACME, 10, block(1, 10)))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.SERIAL_BLOCK_NOT_HELD));
  }

  @Test
  void retiredCreditsCanNeverBeCancelled() {
    fixture
        .given(ISSUED, retired("R1", ACME, 10, block(1, 10)))
        .when(cancel("C1", ACME, 10, block(1, 10)))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.SERIAL_BLOCK_NOT_HELD));
  }

  @Test
  void aFullyRetiredHoldingHasNothingLeftToMove() {
    fixture
        .given(ISSUED, retired("R1", ACME, 100, block(1, 100)))
        .when(transfer("T1", ACME, MARATHON, 1, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.INSUFFICIENT_HOLDING));
  }

  @Test
  void aTransferAfterARetirementSkipsTheRetiredSerials() {
    fixture
        .given(ISSUED, retired("R1", ACME, 10, block(1, 10)))
        .when(transfer("T1", ACME, MARATHON, 10, null))
        .expectEvents(transferred("T1", ACME, MARATHON, 10, block(11, 20)))
        .expectState(
            batch ->
                holdings(
                    batch,
                    Map.of(ACME, List.of(block(21, 100)), MARATHON, List.of(block(11, 20))),
                    List.of(block(1, 10)),
                    List.of()));
  }

  @Test
  void aRetirementCitingAFootprintCoversItWithTheTonnesAndSerialLabels() {
    fixture
        .given(
            ISSUED,
            transferred("T1", ACME, MARATHON, 10, block(1, 10)),
            transferred("T2", MARATHON, ACME, 3, block(3, 5)))
        .when(retireForMarathon("R1", 5, null))
        .expectSuccessfulHandlerExecution()
        .expectEvents(retiredForMarathon("R1", 5, block(1, 2), block(6, 8)));
    assertThat(registry.coverages())
        .containsExactly(
            Map.entry(
                FOOTPRINT,
                new Retirement(
                    MARATHON,
                    "R1",
                    BATCH,
                    5,
                    List.of(LABEL_PREFIX + "1-2", LABEL_PREFIX + "6-8"))));
  }

  @Test
  void aRetirementThatTheFootprintRefusesIsNotRecorded() {
    registry.refuseFootprints(
        LedgerRejection.of(
            RejectionCode.FOOTPRINT_OVERCOVERED, "quantity", "footprint needs at most 2 t"));
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 10, block(1, 10)))
        .when(retireForMarathon("R1", 5, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.FOOTPRINT_OVERCOVERED));
    assertThat(registry.coverages()).isEmpty();
  }

  @Test
  void aRetirementCitingAnUnknownFootprintIsNotRecorded() {
    registry.refuseFootprints(
        LedgerRejection.of(
            RejectionCode.FOOTPRINT_NOT_FOUND, "footprintId", "footprint does not exist"));
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 10, block(1, 10)))
        .when(retireForMarathon("R1", 5, null))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.FOOTPRINT_NOT_FOUND));
  }

  @Test
  void aRetirementForEventNeutralityMustCiteAFootprint() {
    assertInvalid(
        () ->
            new RetireCredits(
                BATCH,
                "R1",
                MARATHON,
                5,
                null,
                "Wuhan Marathon 2026",
                "carbon neutrality",
                null,
                RetirementPurpose.EVENT_NEUTRALITY,
                null,
                null,
                "CN-HB",
                null),
        "footprintId");
  }

  @Test
  void aConsumptionPeriodNeedsBothEnds() {
    assertInvalid(
        () ->
            new RetireCredits(
                BATCH,
                "R1",
                ACME,
                5,
                null,
                "ACME Ltd",
                "offset",
                null,
                RetirementPurpose.VOLUNTARY,
                LocalDate.of(2025, 1, 1),
                null,
                "CN-HB",
                null),
        "consumptionPeriodEnd");
  }

  @Test
  void aRetirementMustSayWhereTheClaimIsUsed() {
    assertInvalid(
        () ->
            new RetireCredits(
                BATCH,
                "R1",
                ACME,
                5,
                null,
                "ACME Ltd",
                "offset",
                null,
                RetirementPurpose.VOLUNTARY,
                null,
                null,
                "Hubei",
                null),
        "jurisdictionOfUse");
  }

  @Test
  void aRetirementMustNameItsBeneficiary() {
    assertInvalid(
        () ->
            new RetireCredits(
                BATCH,
                "R1",
                ACME,
                5,
                null,
                " ",
                "offset",
                null,
                RetirementPurpose.VOLUNTARY,
                null,
                null,
                "CN-HB",
                null),
        "beneficiary");
  }

  // --- CancelCredits -----------------------------------------------------------------------

  @Test
  void cancellingTakesTheLowestSerials() {
    fixture
        .given(ISSUED)
        .when(cancel("C1", ACME, 30, null))
        .expectSuccessfulHandlerExecution()
        .expectEvents(cancelled("C1", ACME, 30, block(1, 30)))
        .expectState(
            batch ->
                holdings(
                    batch,
                    Map.of(ACME, List.of(block(31, 100))),
                    List.of(),
                    List.of(block(1, 30))));
  }

  @Test
  void cancellingANamedBlockCancelsExactlyThatBlock() {
    fixture
        .given(ISSUED)
        .when(cancel("C1", ACME, 10, block(91, 100)))
        .expectSuccessfulHandlerExecution()
        .expectEvents(cancelled("C1", ACME, 10, block(91, 100)));
  }

  @Test
  void creditsInAFrozenAccountCanStillBeCancelled() {
    fixture
        .given(ISSUED, transferred("T1", ACME, FROZEN, 10, block(1, 10)))
        .when(cancel("C1", FROZEN, 10, null))
        .expectSuccessfulHandlerExecution()
        .expectEvents(cancelled("C1", FROZEN, 10, block(1, 10)))
        .expectState(
            batch ->
                holdings(
                    batch,
                    Map.of(ACME, List.of(block(11, 100))),
                    List.of(),
                    List.of(block(1, 10))));
  }

  @Test
  void cancellingMoreThanTheHoldingIsRejected() {
    fixture
        .given(ISSUED)
        .when(cancel("C1", ACME, 101, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.INSUFFICIENT_HOLDING, "accountId"));
  }

  @Test
  void cancellingANamedBlockThatIsNotHeldIsRejected() {
    fixture
        .given(ISSUED, transferred("T1", ACME, MARATHON, 10, block(1, 10)))
        .when(cancel("C1", ACME, 10, block(1, 10)))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.SERIAL_BLOCK_NOT_HELD));
  }

  @Test
  void aReusedCancellationIdIsRejected() {
    fixture
        .given(ISSUED, cancelled("C1", ACME, 10, block(1, 10)))
        .when(cancel("C1", ACME, 10, null))
        .expectNoEvents()
        .expectException(rejectedNaming(RejectionCode.MOVEMENT_ALREADY_RECORDED, "cancellationId"));
  }

  @Test
  void cancelledCreditsCanNeverBeRetired() {
    fixture
        .given(ISSUED, cancelled("C1", ACME, 10, block(1, 10)))
        .when(retire("R1", ACME, 10, block(1, 10)))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.SERIAL_BLOCK_NOT_HELD));
  }

  @Test
  void aCancellationMustSayWhatKindItIs() {
    assertInvalid(() -> new CancelCredits(BATCH, "C1", ACME, 10, null, null, "error"), "kind");
  }

  @Test
  void aCancellationMustGiveAReason() {
    assertInvalid(
        () ->
            new CancelCredits(BATCH, "C1", ACME, 10, null, CancellationKind.ADMINISTRATIVE, "   "),
        "reason");
  }

  @Test
  void aCancellationWhoseQuantityDoesNotMatchItsBlockIsRejected() {
    assertInvalid(() -> cancel("C1", ACME, 5, block(1, 10)), "quantity");
  }

  // --- the batch as a whole ----------------------------------------------------------------

  @Test
  void anIssuedBatchHoldsEverySerialInTheReceivingAccount() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, MARATHON, 1, null))
        .expectEvents(transferred("T1", ACME, MARATHON, 1, block(1, 1)))
        .expectState(
            batch -> {
              assertThat(batch.holdings().issued()).isEqualTo(100);
              assertThat(batch.holdings().tradableIn(ACME)).isEqualTo(99);
              assertThat(batch.holdings().tradableIn(MARATHON)).isEqualTo(1);
            });
  }

  @Test
  void theBatchLabelsItsBlocksWithTheProjectVintageAndSequence() {
    fixture
        .given(ISSUED)
        .when(transfer("T1", ACME, MARATHON, 1, null))
        .expectState(
            batch ->
                assertThat(batch.labels(List.of(block(1, 28_571), block(30_000, 30_000))))
                    .containsExactly(LABEL_PREFIX + "1-28571", LABEL_PREFIX + "30000-30000"));
  }

  @Test
  void aBatchIdIsTheProjectIdAndTheSequence() {
    assertThat(Batch.batchId("WH-CYCLING-01", 3)).isEqualTo("WH-CYCLING-01-B3");
    assertThat(Batch.streamId("WH-CYCLING-01-B3")).isEqualTo("batch:WH-CYCLING-01-B3");
  }

  // --- helpers -----------------------------------------------------------------------------

}
