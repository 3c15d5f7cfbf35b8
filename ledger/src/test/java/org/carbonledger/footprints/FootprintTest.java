package org.carbonledger.footprints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carbonledger.testsupport.Rejections.assertInvalid;
import static org.carbonledger.testsupport.Rejections.rejectedWith;

import java.time.LocalDate;
import java.util.List;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.carbonledger.accounts.AccountStatus;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.footprints.FootprintCommand.DeclareFootprint;
import org.carbonledger.footprints.FootprintCoverage.Retirement;
import org.carbonledger.footprints.FootprintEvent.CertificateLine;
import org.carbonledger.footprints.FootprintEvent.FootprintCovered;
import org.carbonledger.footprints.FootprintEvent.FootprintDeclared;
import org.carbonledger.footprints.FootprintEvent.FootprintNeutralised;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.testsupport.FakeRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FootprintTest {

  private static final String ID = "wuhan-marathon-2026";
  private static final String ORGANISER = "wuhan-marathon";
  private static final String SUBJECT = "Wuhan Marathon 2026";
  private static final String BATCH = "WH-CYCLING-01-B1";
  private static final String LABEL_PREFIX = "WHCI-WH-CYCLING-01-20260101-20260331-1-";

  private FakeRegistry registry;
  private FixtureConfiguration<Footprint> fixture;

  /**
   * A test-only command: {@link Footprint#cover} is not a command handler, the retiring batch calls
   * it through {@link FootprintCoverage}. This command makes the fixture run the production {@link
   * RepositoryFootprintCoverage} against the fixture's footprint repository, in a unit of work.
   */
  record CoverFootprint(String footprintId, Retirement retirement) {}

  @BeforeEach
  void setUp() {
    registry =
        new FakeRegistry()
            .openAccount(ORGANISER, HolderType.ORGANISER)
            .openAccount("acme", HolderType.ENTERPRISE)
            .openAccount("li-lei", HolderType.INDIVIDUAL)
            .openAccount("didi", HolderType.PLATFORM)
            .account("frozen-organiser", HolderType.ORGANISER, AccountStatus.FROZEN)
            .account("closed-organiser", HolderType.ORGANISER, AccountStatus.CLOSED);
    fixture = new AggregateTestFixture<>(Footprint.class);
    fixture.registerInjectableResource(registry);
    fixture.registerAnnotatedCommandHandler(
        new Object() {
          @CommandHandler
          void handle(CoverFootprint command) {
            new RepositoryFootprintCoverage(fixture.getRepository())
                .cover(command.footprintId(), command.retirement());
          }
        });
  }

  // --- builders ----------------------------------------------------------------------------

  private static DeclareFootprint declare(String organiser, long emissionsKg) {
    return new DeclareFootprint(
        ID,
        organiser,
        FootprintKind.EVENT,
        SUBJECT,
        LocalDate.of(2026, 3, 22),
        LocalDate.of(2026, 3, 22),
        emissionsKg,
        "ISO 14064-1:2018",
        "CQC Verification");
  }

  private static FootprintDeclared declared(long emissionsKg) {
    return new FootprintDeclared(
        ID,
        ORGANISER,
        FootprintKind.EVENT,
        SUBJECT,
        LocalDate.of(2026, 3, 22),
        LocalDate.of(2026, 3, 22),
        emissionsKg,
        "ISO 14064-1:2018",
        "CQC Verification");
  }

  private static List<String> labels(String... ranges) {
    return java.util.Arrays.stream(ranges).map(range -> LABEL_PREFIX + range).toList();
  }

  private static CoverFootprint cover(
      String retirementId, String account, long tonnes, String... ranges) {
    return new CoverFootprint(
        ID, new Retirement(account, retirementId, BATCH, tonnes, labels(ranges)));
  }

  private static FootprintCovered covered(
      String retirementId, long tonnes, long coveredKg, String... ranges) {
    return new FootprintCovered(ID, retirementId, BATCH, tonnes, labels(ranges), coveredKg);
  }

  private static CertificateLine line(String retirementId, long tonnes, String... ranges) {
    return new CertificateLine(retirementId, BATCH, tonnes, labels(ranges));
  }

  // --- DeclareFootprint --------------------------------------------------------------------

  @Test
  void anOrganiserCanDeclareAnEventFootprint() {
    fixture
        .givenNoPriorActivity()
        .when(declare(ORGANISER, 2_500))
        .expectSuccessfulHandlerExecution()
        .expectEvents(declared(2_500));
  }

  @Test
  void anEnterpriseCanDeclareAFootprintForAPeriod() {
    fixture
        .givenNoPriorActivity()
        .when(
            new DeclareFootprint(
                "acme-2025",
                "acme",
                FootprintKind.ORGANISATION_PERIOD,
                "ACME Ltd 2025",
                LocalDate.of(2025, 1, 1),
                LocalDate.of(2025, 12, 31),
                1_234_567,
                "GHG Protocol Corporate Standard",
                "SGS"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            new FootprintDeclared(
                "acme-2025",
                "acme",
                FootprintKind.ORGANISATION_PERIOD,
                "ACME Ltd 2025",
                LocalDate.of(2025, 1, 1),
                LocalDate.of(2025, 12, 31),
                1_234_567,
                "GHG Protocol Corporate Standard",
                "SGS"));
  }

  @Test
  void anIndividualCannotDeclareAFootprint() {
    fixture
        .givenNoPriorActivity()
        .when(declare("li-lei", 2_500))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.HOLDER_TYPE_NOT_ALLOWED));
  }

  @Test
  void aPlatformCannotDeclareAFootprint() {
    fixture
        .givenNoPriorActivity()
        .when(declare("didi", 2_500))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.HOLDER_TYPE_NOT_ALLOWED));
  }

  @Test
  void aFrozenOrganiserCannotDeclareAFootprint() {
    fixture
        .givenNoPriorActivity()
        .when(declare("frozen-organiser", 2_500))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_FROZEN));
  }

  @Test
  void aClosedOrganiserCannotDeclareAFootprint() {
    fixture
        .givenNoPriorActivity()
        .when(declare("closed-organiser", 2_500))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_CLOSED));
  }

  @Test
  void anUnknownOrganiserCannotDeclareAFootprint() {
    fixture
        .givenNoPriorActivity()
        .when(declare("nobody", 2_500))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.ACCOUNT_NOT_FOUND));
  }

  @Test
  void aFootprintOfNoEmissionsIsRejected() {
    assertInvalid(() -> declare(ORGANISER, 0), "emissionsKg");
  }

  @Test
  void aFootprintWhosePeriodEndsBeforeItStartsIsRejected() {
    assertInvalid(
        () ->
            new DeclareFootprint(
                ID,
                ORGANISER,
                FootprintKind.EVENT,
                SUBJECT,
                LocalDate.of(2026, 3, 22),
                LocalDate.of(2026, 3, 21),
                2_500,
                "ISO 14064-1:2018",
                "CQC Verification"),
        "periodEnd");
  }

  @Test
  void aFootprintMustSayWhatKindItIs() {
    assertInvalid(
        () ->
            new DeclareFootprint(
                ID,
                ORGANISER,
                null,
                SUBJECT,
                LocalDate.of(2026, 3, 22),
                LocalDate.of(2026, 3, 22),
                2_500,
                "ISO 14064-1:2018",
                "CQC Verification"),
        "kind");
  }

  // --- cover -------------------------------------------------------------------------------

  @Test
  void aRetirementShortOfTheFootprintCoversPartOfIt() {
    fixture
        .given(declared(2_500))
        .when(cover("R1", ORGANISER, 1, "1-1"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(covered("R1", 1, 1_000, "1-1"));
  }

  @Test
  void coverageAddsUpAcrossRetirements() {
    fixture
        .given(declared(5_500), covered("R1", 2, 2_000, "1-2"))
        .when(cover("R2", ORGANISER, 1, "3-3"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(covered("R2", 1, 3_000, "3-3"));
  }

  @Test
  void aRetirementThatExactlyCoversTheFootprintNeutralisesIt() {
    fixture
        .given(declared(3_000), covered("R1", 1, 1_000, "1-1"))
        .when(cover("R2", ORGANISER, 2, "2-2", "5-5"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            covered("R2", 2, 3_000, "2-2", "5-5"),
            new FootprintNeutralised(
                ID,
                "CERT-" + ID,
                SUBJECT,
                3_000,
                3_000,
                List.of(line("R1", 1, "1-1"), line("R2", 2, "2-2", "5-5"))));
  }

  @Test
  void aSingleRetirementCanNeutraliseTheFootprint() {
    fixture
        .given(declared(4_000))
        .when(cover("R1", ORGANISER, 4, "1-4"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            covered("R1", 4, 4_000, "1-4"),
            new FootprintNeutralised(
                ID, "CERT-" + ID, SUBJECT, 4_000, 4_000, List.of(line("R1", 4, "1-4"))));
  }

  @Test
  void aLastRetirementExceedingTheFootprintByLessThanATonneNeutralisesIt() {
    // 2,500 kg: 1 t covered, 1,500 kg still needed; 2 t exceed that by 500 kg.
    fixture
        .given(declared(2_500), covered("R1", 1, 1_000, "1-1"))
        .when(cover("R2", ORGANISER, 2, "2-3"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            covered("R2", 2, 3_000, "2-3"),
            new FootprintNeutralised(
                ID,
                "CERT-" + ID,
                SUBJECT,
                2_500,
                3_000,
                List.of(line("R1", 1, "1-1"), line("R2", 2, "2-3"))));
  }

  @Test
  void aFootprintOfOneKilogramIsNeutralisedByOneTonne() {
    fixture
        .given(declared(1))
        .when(cover("R1", ORGANISER, 1, "7-7"))
        .expectEvents(
            covered("R1", 1, 1_000, "7-7"),
            new FootprintNeutralised(
                ID, "CERT-" + ID, SUBJECT, 1, 1_000, List.of(line("R1", 1, "7-7"))));
  }

  @Test
  void retiringAWholeTonneMoreThanStillNeededIsRejected() {
    // 1,500 kg still needed: 2 t is the most; 3 t would waste 1,500 kg.
    fixture
        .given(declared(2_500), covered("R1", 1, 1_000, "1-1"))
        .when(cover("R2", ORGANISER, 3, "2-4"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.FOOTPRINT_OVERCOVERED));
  }

  @Test
  void retiringExactlyOneTonneMoreThanNeededIsRejected() {
    // 2,000 kg needed: 3 t would leave exactly one whole tonne unused.
    fixture
        .given(declared(2_000))
        .when(cover("R1", ORGANISER, 3, "1-3"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.FOOTPRINT_OVERCOVERED));
  }

  @Test
  void retiringJustUnderOneTonneMoreThanNeededIsAccepted() {
    // 2,001 kg needed: 3 t exceed it by 999 kg.
    fixture
        .given(declared(2_001))
        .when(cover("R1", ORGANISER, 3, "1-3"))
        .expectSuccessfulHandlerExecution()
        .expectEvents(
            covered("R1", 3, 3_000, "1-3"),
            new FootprintNeutralised(
                ID, "CERT-" + ID, SUBJECT, 2_001, 3_000, List.of(line("R1", 3, "1-3"))));
  }

  @Test
  void retiringAgainstANeutralFootprintIsRejected() {
    fixture
        .given(
            declared(1_000),
            covered("R1", 1, 1_000, "1-1"),
            new FootprintNeutralised(
                ID, "CERT-" + ID, SUBJECT, 1_000, 1_000, List.of(line("R1", 1, "1-1"))))
        .when(cover("R2", ORGANISER, 1, "2-2"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.FOOTPRINT_ALREADY_NEUTRAL));
  }

  @Test
  void retiringAgainstSomeoneElsesFootprintIsRejected() {
    fixture
        .given(declared(2_500))
        .when(cover("R1", "acme", 1, "1-1"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.FOOTPRINT_NOT_OWNED));
  }

  @Test
  void retiringAgainstAFootprintThatDoesNotExistIsRejected() {
    fixture
        .givenNoPriorActivity()
        .when(cover("R1", ORGANISER, 1, "1-1"))
        .expectNoEvents()
        .expectException(rejectedWith(RejectionCode.FOOTPRINT_NOT_FOUND));
  }

  @Test
  void aCertificateIdIsDerivedFromTheFootprintId() {
    assertThat(Footprint.certificateId(ID)).isEqualTo("CERT-wuhan-marathon-2026");
    assertThat(Footprint.streamId(ID)).isEqualTo("footprint:wuhan-marathon-2026");
  }

  // --- helpers -----------------------------------------------------------------------------

}
