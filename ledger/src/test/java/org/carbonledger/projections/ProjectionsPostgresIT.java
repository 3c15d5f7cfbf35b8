package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.carbonledger.projections.MarathonStory.ACME;
import static org.carbonledger.projections.MarathonStory.ACME_BENEFICIARY;
import static org.carbonledger.projections.MarathonStory.ACME_FOOTPRINT;
import static org.carbonledger.projections.MarathonStory.CYCLING;
import static org.carbonledger.projections.MarathonStory.CYCLING_BATCH;
import static org.carbonledger.projections.MarathonStory.EXCHANGE;
import static org.carbonledger.projections.MarathonStory.FOOTPRINT;
import static org.carbonledger.projections.MarathonStory.LI_LEI;
import static org.carbonledger.projections.MarathonStory.MARATHON;
import static org.carbonledger.projections.MarathonStory.METRO;
import static org.carbonledger.projections.MarathonStory.METRO_BATCH;
import static org.carbonledger.projections.MarathonStory.TEMP;
import static org.carbonledger.projections.MarathonStory.WITHDRAWN_METHODOLOGY;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.assertj.core.groups.Tuple;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.carbonledger.accounts.AccountStatus;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchEvent.CreditsRetired;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.credits.BatchHoldings;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SupplyCheck;
import org.carbonledger.footprints.FootprintEvent.FootprintNeutralised;
import org.carbonledger.methodologies.MethodologyStatus;
import org.carbonledger.projections.accounts.AccountQueries;
import org.carbonledger.projections.accounts.AccountView;
import org.carbonledger.projections.credits.BatchSupplyView;
import org.carbonledger.projections.credits.CreditQueries;
import org.carbonledger.projections.credits.HoldingBlockView;
import org.carbonledger.projections.credits.HoldingView;
import org.carbonledger.projections.credits.MovementKind;
import org.carbonledger.projections.credits.RegisterFilter;
import org.carbonledger.projections.credits.RetirementRegisterQueries;
import org.carbonledger.projections.credits.RetirementView;
import org.carbonledger.projections.credits.StatementLine;
import org.carbonledger.projections.credits.StatementQueries;
import org.carbonledger.projections.credits.SupplyTotals;
import org.carbonledger.projections.footprints.CertificateLineView;
import org.carbonledger.projections.footprints.CertificateView;
import org.carbonledger.projections.footprints.CoverageView;
import org.carbonledger.projections.footprints.FootprintQueries;
import org.carbonledger.projections.footprints.FootprintStatus;
import org.carbonledger.projections.footprints.FootprintView;
import org.carbonledger.projections.methodologies.MethodologyQueries;
import org.carbonledger.projections.projects.ProjectQueries;
import org.carbonledger.projections.projects.ProjectView;
import org.carbonledger.projects.ProjectStatus;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every read model after a realistic history ({@link MarathonStory}) sent through the real
 * aggregates, with the projections on a real PostgreSQL.
 */
class ProjectionsPostgresIT {

  private static final String CYCLING_LABEL = "WHCI-WH-CYCLING-20260101-20260331-1-";
  private static final String METRO_LABEL = "WHCI-WH-METRO-20251001-20251231-1-";

  private static DataSource dataSource;
  private static ProjectionHarness ledger;
  private static AccountQueries accounts;
  private static MethodologyQueries methodologies;
  private static ProjectQueries projects;
  private static CreditQueries credits;
  private static StatementQueries statements;
  private static RetirementRegisterQueries register;
  private static FootprintQueries footprints;

  @BeforeAll
  static void runTheStory() throws Exception {
    dataSource = ProjectionHarness.migratedSchema("projections");
    ledger = ProjectionHarness.synchronous(dataSource);
    MarathonStory.run(ledger);
    ledger.catchUp();
    accounts = new AccountQueries(dataSource);
    methodologies = new MethodologyQueries(dataSource);
    projects = new ProjectQueries(dataSource);
    credits = new CreditQueries(dataSource);
    statements = new StatementQueries(dataSource);
    register = new RetirementRegisterQueries(dataSource);
    footprints = new FootprintQueries(dataSource);
  }

  @AfterAll
  static void stop() {
    ledger.close();
  }

  @Test
  void accountsShowTheirHolderTypeNameJurisdictionAndLatestStatus() {
    AccountView acme = accounts.account(ACME).orElseThrow();
    assertThat(acme.holderType()).isEqualTo(HolderType.ENTERPRISE);
    assertThat(acme.name()).isEqualTo("ACME Logistics");
    assertThat(acme.jurisdiction()).isEqualTo("CN-HB");
    assertThat(acme.status()).isEqualTo(AccountStatus.OPEN);
    assertThat(acme.statusReason()).isEqualTo("review closed");
    assertThat(acme.lastPosition()).isGreaterThan(acme.openedPosition());
    assertThat(acme.updatedAt()).isAfterOrEqualTo(acme.openedAt());

    AccountView temp = accounts.account(TEMP).orElseThrow();
    assertThat(temp.status()).isEqualTo(AccountStatus.CLOSED);
    assertThat(temp.statusReason()).isEqualTo("opened by mistake");

    assertThat(accounts.account("nobody")).isEmpty();
    assertThat(accounts.accounts(PageRequest.first(500)).items())
        .extracting(AccountView::accountId)
        .containsExactly(ACME, LI_LEI, MARATHON, TEMP, EXCHANGE);
  }

  @Test
  void methodologiesAndProjectsShowTheirStatus() {
    assertThat(methodologies.methodology(CYCLING + "-M").orElseThrow())
        .satisfies(
            m -> {
              assertThat(m.status()).isEqualTo(MethodologyStatus.APPROVED);
              assertThat(m.reviewer()).isEqualTo("Expert panel");
              assertThat(m.reviewReference()).isEqualTo("review-1");
              assertThat(m.withdrawalReason()).isNull();
            });
    assertThat(methodologies.methodology(WITHDRAWN_METHODOLOGY).orElseThrow())
        .satisfies(
            m -> {
              assertThat(m.status()).isEqualTo(MethodologyStatus.WITHDRAWN);
              assertThat(m.withdrawalReason()).isEqualTo("superseded");
              assertThat(m.reviewer()).isNull();
              assertThat(m.version()).isEqualTo("0.9");
            });
    assertThat(methodologies.methodologies(PageRequest.first(10)).items()).hasSize(3);
    assertThat(methodologies.methodology("nothing")).isEmpty();

    ProjectView metro = projects.project(METRO).orElseThrow();
    assertThat(metro.status()).isEqualTo(ProjectStatus.APPROVED);
    assertThat(metro.statusReason()).isEqualTo("inspection passed");
    assertThat(metro.approvedBy()).isEqualTo("Operator");
    assertThat(metro.proponentAccountId()).isEqualTo(EXCHANGE);
    assertThat(metro.methodologyId()).isEqualTo(METRO + "-M");
    assertThat(metro.district()).isNull();
    assertThat(metro.location()).isEqualTo("Wuhan");
    assertThat(metro.batchCount()).isEqualTo(1);
    assertThat(metro.issuedQuantity()).isEqualTo(50);
    assertThat(projects.project(CYCLING).orElseThrow().statusReason()).isNull();
    assertThat(projects.projects(PageRequest.first(10)).items())
        .extracting(ProjectView::projectId)
        .containsExactly(CYCLING, METRO);
    assertThat(projects.project("nothing")).isEmpty();
  }

  @Test
  void aTransferMovesTheSerialBlockBetweenHoldings() {
    assertThat(blocks(EXCHANGE, CYCLING_BATCH)).containsExactly(block(41, 60), block(71, 100));
    assertThat(blocks(MARATHON, CYCLING_BATCH)).containsExactly(block(37, 40));
    assertThat(blocks(LI_LEI, CYCLING_BATCH)).containsExactly(block(16, 20));
    assertThat(blocks(ACME, CYCLING_BATCH)).containsExactly(block(68, 70));
    assertThat(blocks(EXCHANGE, METRO_BATCH)).containsExactly(block(31, 50));
    assertThat(blocks(MARATHON, METRO_BATCH)).containsExactly(block(23, 30));
    assertThat(blocks(TEMP, CYCLING_BATCH)).isEmpty();

    HoldingBlockView held =
        credits.holdingBlocks(EXCHANGE, CYCLING_BATCH, PageRequest.first(1)).items().get(0);
    assertThat(held.quantity()).isEqualTo(20);
    assertThat(held.serialNumbers()).isEqualTo(CYCLING_LABEL + "41-60");

    assertThat(credits.holdings(EXCHANGE, PageRequest.first(10)).items())
        .containsExactly(
            new HoldingView(
                EXCHANGE,
                CYCLING_BATCH,
                CYCLING,
                LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 3, 31),
                50,
                2),
            new HoldingView(
                EXCHANGE,
                METRO_BATCH,
                METRO,
                LocalDate.of(2025, 10, 1),
                LocalDate.of(2025, 12, 31),
                20,
                1));
    assertThat(credits.holding(MARATHON, METRO_BATCH).orElseThrow().quantity()).isEqualTo(8);
    assertThat(credits.holding(TEMP, METRO_BATCH)).isEmpty();
    assertThat(credits.holders(CYCLING_BATCH, PageRequest.first(10)).items())
        .extracting(HoldingView::accountId, HoldingView::quantity)
        .containsExactly(
            Tuple.tuple(ACME, 3L),
            Tuple.tuple(LI_LEI, 5L),
            Tuple.tuple(MARATHON, 4L),
            Tuple.tuple(EXCHANGE, 50L));
    assertThat(credits.tradableBlocks(CYCLING_BATCH, PageRequest.first(10)).items())
        .extracting(HoldingBlockView::accountId, HoldingBlockView::block)
        .containsExactly(
            Tuple.tuple(LI_LEI, block(16, 20)),
            Tuple.tuple(MARATHON, block(37, 40)),
            Tuple.tuple(EXCHANGE, block(41, 60)),
            Tuple.tuple(ACME, block(68, 70)),
            Tuple.tuple(EXCHANGE, block(71, 100)));
  }

  @Test
  void theHoldingsAreExactlyThoseTheAggregatesRulesGive() {
    SupplyCheck check = SupplyCheck.of(ledger.payloads());
    for (Map.Entry<String, BatchHoldings> batch : check.batches().entrySet()) {
      Map<String, List<SerialBlock>> projected = new TreeMap<>();
      for (HoldingView holder :
          all(page -> credits.holders(batch.getKey(), page), PageRequest.first(500))) {
        projected.put(holder.accountId(), blocks(holder.accountId(), batch.getKey()));
      }
      assertThat(projected).as(batch.getKey()).isEqualTo(batch.getValue().holdings());
      BatchSupplyView supply = credits.batch(batch.getKey()).orElseThrow();
      assertThat(supply.tradable()).isEqualTo(batch.getValue().tradable());
      assertThat(supply.retired()).isEqualTo(batch.getValue().retired());
      assertThat(supply.cancelled()).isEqualTo(batch.getValue().cancelled());
    }
  }

  @Test
  void batchSupplyCountsIssuedTradableRetiredAndCancelled() {
    BatchSupplyView cycling = credits.batch(CYCLING_BATCH).orElseThrow();
    assertThat(cycling.projectId()).isEqualTo(CYCLING);
    assertThat(cycling.batchSequence()).isEqualTo(1);
    assertThat(cycling.vintageStart()).isEqualTo(LocalDate.of(2026, 1, 1));
    assertThat(cycling.vintageEnd()).isEqualTo(LocalDate.of(2026, 3, 31));
    assertThat(cycling.verificationReportId()).isEqualTo("VR-2026-001");
    assertThat(cycling.serials()).isEqualTo(block(1, 100));
    assertThat(cycling.serialNumbers()).isEqualTo(CYCLING_LABEL + "1-100");
    assertThat(cycling.issuedToAccountId()).isEqualTo(EXCHANGE);
    assertThat(cycling.issued()).isEqualTo(100);
    assertThat(cycling.tradable()).isEqualTo(62);
    assertThat(cycling.retired()).isEqualTo(36);
    assertThat(cycling.cancelled()).isEqualTo(2);
    assertThat(cycling.issuedAt()).isNotNull();

    BatchSupplyView metro = credits.batch(METRO_BATCH).orElseThrow();
    assertThat(List.of(metro.issued(), metro.tradable(), metro.retired(), metro.cancelled()))
        .containsExactly(50L, 28L, 2L, 20L);
    for (BatchSupplyView batch : List.of(cycling, metro)) {
      assertThat(batch.tradable() + batch.retired() + batch.cancelled()).isEqualTo(batch.issued());
    }
    assertThat(credits.totals()).isEqualTo(new SupplyTotals(2, 150, 90, 38, 22));
    assertThat(credits.totalsOfProject(METRO)).isEqualTo(new SupplyTotals(1, 50, 28, 2, 20));
    assertThat(credits.batchesOfProject(CYCLING, PageRequest.first(10)).items())
        .extracting(BatchSupplyView::batchId)
        .containsExactly(CYCLING_BATCH);
    assertThat(credits.batches(PageRequest.first(10)).items())
        .extracting(BatchSupplyView::batchId)
        .containsExactly(CYCLING_BATCH, METRO_BATCH);
    assertThat(credits.batch("WH-CYCLING-B9")).isEmpty();
  }

  @Test
  void anAccountStatementListsEveryMovementWithItsCounterpartyBlocksAndPosition() {
    List<StatementLine> marathon = statements.statement(MARATHON, PageRequest.first(500)).items();
    assertThat(marathon)
        .extracting(
            StatementLine::batchId,
            StatementLine::kind,
            StatementLine::movementId,
            StatementLine::change,
            StatementLine::counterpartyAccountId,
            StatementLine::blocks)
        .containsExactly(
            line(CYCLING_BATCH, MovementKind.TRANSFER_IN, "t1", 40L, EXCHANGE, block(1, 40)),
            line(CYCLING_BATCH, MovementKind.TRANSFER_OUT, "t3", -10L, LI_LEI, block(11, 20)),
            line(
                CYCLING_BATCH,
                MovementKind.RETIREMENT,
                "r1",
                -15L,
                null,
                block(1, 10),
                block(21, 25)),
            line(CYCLING_BATCH, MovementKind.RETIREMENT, "r2", -11L, null, block(26, 36)),
            line(METRO_BATCH, MovementKind.TRANSFER_IN, "t4", 10L, EXCHANGE, block(21, 30)),
            line(METRO_BATCH, MovementKind.RETIREMENT, "r5", -2L, null, block(21, 22)));
    assertThat(marathon.get(2).serialNumbers())
        .containsExactly(CYCLING_LABEL + "1-10", CYCLING_LABEL + "21-25");
    assertThat(marathon.get(2).quantity()).isEqualTo(15);

    List<StatementLine> exchange = statements.statement(EXCHANGE, PageRequest.first(500)).items();
    assertThat(exchange)
        .extracting(StatementLine::kind, StatementLine::movementId, StatementLine::change)
        .containsExactly(
            Tuple.tuple(MovementKind.ISSUANCE, CYCLING_BATCH, 100L),
            Tuple.tuple(MovementKind.ISSUANCE, METRO_BATCH, 50L),
            Tuple.tuple(MovementKind.TRANSFER_OUT, "t1", -40L),
            Tuple.tuple(MovementKind.TRANSFER_OUT, "t2", -10L),
            Tuple.tuple(MovementKind.CANCELLATION, "c2", -20L),
            Tuple.tuple(MovementKind.TRANSFER_OUT, "t4", -10L));
    assertThat(statements.statement(ACME, PageRequest.first(500)).items())
        .extracting(StatementLine::kind)
        .containsExactly(
            MovementKind.TRANSFER_IN, MovementKind.RETIREMENT, MovementKind.CANCELLATION);

    // Every line is its event: same identifier, same global position, same time.
    for (StatementLine line : marathon) {
      TrackedEventMessage<?> event = eventAt(line.position());
      assertThat(event.getIdentifier()).isEqualTo(line.eventIdentifier());
      assertThat(ProjectionSql.stored(event.getTimestamp())).isEqualTo(line.occurredAt());
    }
    // The lines of every account add up to what it holds.
    for (String account : List.of(EXCHANGE, MARATHON, ACME, LI_LEI)) {
      for (String batch : List.of(CYCLING_BATCH, METRO_BATCH)) {
        long sum =
            statements.statement(account, PageRequest.first(500)).items().stream()
                .filter(line -> line.batchId().equals(batch))
                .mapToLong(StatementLine::change)
                .sum();
        long held = credits.holding(account, batch).map(HoldingView::quantity).orElse(0L);
        assertThat(sum).as("%s in %s", account, batch).isEqualTo(held);
      }
    }
    assertThat(statements.statement(TEMP, PageRequest.first(10)).items()).isEmpty();
  }

  @Test
  void theRegisterHasOneRowPerRetirementWithItsEventIdentifierAndPosition() {
    List<RetirementView> all =
        register.register(RegisterFilter.all(), PageRequest.first(500)).items();
    assertThat(all)
        .extracting(RetirementView::retirementId)
        .containsExactly("r1", "r2", "r3", "r4", "r5");

    RetirementView acme = register.retirement(CYCLING_BATCH, "r3").orElseThrow();
    assertThat(acme.projectId()).isEqualTo(CYCLING);
    assertThat(acme.vintageStart()).isEqualTo(LocalDate.of(2026, 1, 1));
    assertThat(acme.vintageEnd()).isEqualTo(LocalDate.of(2026, 3, 31));
    assertThat(acme.accountId()).isEqualTo(ACME);
    assertThat(acme.quantity()).isEqualTo(5);
    assertThat(acme.blocks()).containsExactly(block(61, 65));
    assertThat(acme.serialNumbers()).containsExactly(CYCLING_LABEL + "61-65");
    assertThat(acme.beneficiary()).isEqualTo(ACME_BENEFICIARY);
    assertThat(acme.reason()).isEqualTo("Offsetting our 2026 deliveries");
    assertThat(acme.details()).isEqualTo("Fleet of 12 vans");
    assertThat(acme.purpose()).isEqualTo(RetirementPurpose.VOLUNTARY);
    assertThat(acme.consumptionPeriodStart()).isEqualTo(LocalDate.of(2026, 1, 1));
    assertThat(acme.consumptionPeriodEnd()).isEqualTo(LocalDate.of(2026, 12, 31));
    assertThat(acme.jurisdictionOfUse()).isEqualTo("CN-HB");
    assertThat(acme.footprintId()).isNull();

    RetirementView first = all.get(0);
    assertThat(first.serialNumbers())
        .containsExactly(CYCLING_LABEL + "1-10", CYCLING_LABEL + "21-25");
    assertThat(first.footprintId()).isEqualTo(FOOTPRINT);
    assertThat(all.get(4).serialNumbers()).containsExactly(METRO_LABEL + "21-22");
    assertThat(all.get(3).details()).isNull();
    assertThat(all.get(3).consumptionPeriodStart()).isNull();

    for (RetirementView retirement : all) {
      TrackedEventMessage<?> event = eventAt(retirement.position());
      assertThat(event.getPayload()).isInstanceOf(CreditsRetired.class);
      assertThat(((CreditsRetired) event.getPayload()).retirementId())
          .isEqualTo(retirement.retirementId());
      assertThat(event.getIdentifier()).isEqualTo(retirement.eventIdentifier());
      assertThat(ProjectionSql.stored(event.getTimestamp())).isEqualTo(retirement.retiredAt());
      assertThat(register.retirementByEvent(retirement.eventIdentifier())).contains(retirement);
    }
    assertThat(register.retirement(CYCLING_BATCH, "nope")).isEmpty();
    assertThat(register.retirementByEvent("nope")).isEmpty();
  }

  @Test
  void theRegisterFiltersByBeneficiaryPurposeProjectVintageAndDate() {
    assertThat(ids(RegisterFilter.all().withBeneficiary("marathon")))
        .containsExactly("r1", "r2", "r5");
    assertThat(ids(RegisterFilter.all().withBeneficiary("MARATHON 2026")))
        .containsExactly("r1", "r2");
    assertThat(ids(RegisterFilter.all().withBeneficiary("50%_"))).containsExactly("r4");
    assertThat(ids(RegisterFilter.all().withBeneficiary("%"))).containsExactly("r4");
    assertThat(ids(RegisterFilter.all().withBeneficiary("_"))).containsExactly("r4");
    assertThat(ids(RegisterFilter.all().withBeneficiary("  "))).hasSize(5);
    assertThat(ids(RegisterFilter.all().withBeneficiary("nobody"))).isEmpty();

    assertThat(ids(RegisterFilter.all().withPurpose(RetirementPurpose.VOLUNTARY)))
        .containsExactly("r3", "r4");
    assertThat(ids(RegisterFilter.all().withPurpose(RetirementPurpose.EVENT_NEUTRALITY)))
        .containsExactly("r1", "r2");
    assertThat(ids(RegisterFilter.all().withPurpose(RetirementPurpose.ECOLOGICAL_COMPENSATION)))
        .isEmpty();

    assertThat(ids(RegisterFilter.all().withProject(METRO))).containsExactly("r5");
    assertThat(ids(RegisterFilter.all().withProject(CYCLING)))
        .containsExactly("r1", "r2", "r3", "r4");

    assertThat(ids(RegisterFilter.all().withVintageYear(2025))).containsExactly("r5");
    assertThat(ids(RegisterFilter.all().withVintageYear(2026)))
        .containsExactly("r1", "r2", "r3", "r4");
    assertThat(ids(RegisterFilter.all().withVintageYear(2024))).isEmpty();

    List<RetirementView> all =
        register.register(RegisterFilter.all(), PageRequest.first(500)).items();
    Instant from = all.get(2).retiredAt();
    Instant before = all.get(4).retiredAt();
    List<String> expected =
        all.stream()
            .filter(r -> !r.retiredAt().isBefore(from) && r.retiredAt().isBefore(before))
            .map(RetirementView::retirementId)
            .toList();
    assertThat(expected).contains("r3").doesNotContain("r1", "r2", "r5");
    assertThat(ids(RegisterFilter.all().retiredBetween(from, before))).isEqualTo(expected);
    assertThat(ids(RegisterFilter.all().retiredBetween(before, null))).containsExactly("r5");
    assertThat(ids(RegisterFilter.all().retiredBetween(null, all.get(0).retiredAt()))).isEmpty();

    assertThat(
            ids(
                RegisterFilter.all()
                    .withBeneficiary("Marathon")
                    .withPurpose(RetirementPurpose.EVENT_NEUTRALITY)
                    .withProject(CYCLING)
                    .withVintageYear(2026)
                    .retiredBetween(all.get(0).retiredAt(), all.get(1).retiredAt())))
        .containsExactly("r1");

    assertThatThrownBy(() -> RegisterFilter.all().withVintageYear(0))
        .isInstanceOfSatisfying(
            LedgerRejection.class, r -> assertThat(r.field()).contains("vintageYear"));
    assertThatThrownBy(() -> RegisterFilter.all().retiredBetween(before, from))
        .isInstanceOfSatisfying(
            LedgerRejection.class, r -> assertThat(r.field()).contains("retiredBefore"));
    assertThatThrownBy(() -> RegisterFilter.all().withBeneficiary("x".repeat(301)))
        .isInstanceOfSatisfying(
            LedgerRejection.class, r -> assertThat(r.field()).contains("beneficiary"));
  }

  @Test
  void aFootprintShowsItsCoverageAndOnceNeutralItsCertificate() {
    FootprintView marathon = footprints.footprint(FOOTPRINT).orElseThrow();
    assertThat(marathon.organiserAccountId()).isEqualTo(MARATHON);
    assertThat(marathon.subject()).isEqualTo("Wuhan Marathon 2026");
    assertThat(marathon.emissionsKg()).isEqualTo(25_500);
    assertThat(marathon.coveredKg()).isEqualTo(26_000);
    assertThat(marathon.remainingKg()).isZero();
    assertThat(marathon.retirementCount()).isEqualTo(2);
    assertThat(marathon.status()).isEqualTo(FootprintStatus.NEUTRAL);
    assertThat(marathon.certificateId()).isEqualTo("CERT-" + FOOTPRINT);
    assertThat(marathon.neutralisedAt()).isNotNull();

    assertThat(footprints.coverage(FOOTPRINT, PageRequest.first(10)).items())
        .extracting(
            CoverageView::retirementId,
            CoverageView::batchId,
            CoverageView::tonnes,
            CoverageView::coveredKg,
            CoverageView::serialNumbers)
        .containsExactly(
            Tuple.tuple(
                "r1",
                CYCLING_BATCH,
                15L,
                15_000L,
                List.of(CYCLING_LABEL + "1-10", CYCLING_LABEL + "21-25")),
            Tuple.tuple("r2", CYCLING_BATCH, 11L, 26_000L, List.of(CYCLING_LABEL + "26-36")));

    CertificateView certificate = footprints.certificate(FOOTPRINT).orElseThrow();
    TrackedEventMessage<?> neutralised = eventAt(certificate.position());
    assertThat(neutralised.getPayload()).isInstanceOf(FootprintNeutralised.class);
    assertThat(certificate.eventIdentifier()).isEqualTo(neutralised.getIdentifier());
    assertThat(certificate.issuedAt()).isEqualTo(ProjectionSql.stored(neutralised.getTimestamp()));
    assertThat(certificate.certificateId()).isEqualTo("CERT-" + FOOTPRINT);
    assertThat(certificate.organiserAccountId()).isEqualTo(MARATHON);
    assertThat(certificate.emissionsKg()).isEqualTo(25_500);
    assertThat(certificate.coveredKg()).isEqualTo(26_000);
    assertThat(certificate.lines())
        .containsExactly(
            new CertificateLineView(
                1,
                "r1",
                CYCLING_BATCH,
                15,
                List.of(CYCLING_LABEL + "1-10", CYCLING_LABEL + "21-25")),
            new CertificateLineView(2, "r2", CYCLING_BATCH, 11, List.of(CYCLING_LABEL + "26-36")));

    FootprintView acme = footprints.footprint(ACME_FOOTPRINT).orElseThrow();
    assertThat(acme.status()).isEqualTo(FootprintStatus.OPEN);
    assertThat(acme.coveredKg()).isZero();
    assertThat(acme.remainingKg()).isEqualTo(900_000);
    assertThat(acme.certificateId()).isNull();
    assertThat(acme.neutralisedPosition()).isNull();
    assertThat(footprints.certificate(ACME_FOOTPRINT)).isEmpty();
    assertThat(footprints.coverage(ACME_FOOTPRINT, PageRequest.first(10)).items()).isEmpty();

    assertThat(footprints.footprints(null, PageRequest.first(10)).items())
        .extracting(FootprintView::footprintId)
        .containsExactly(ACME_FOOTPRINT, FOOTPRINT);
    assertThat(footprints.footprints(MARATHON, PageRequest.first(10)).items())
        .extracting(FootprintView::footprintId)
        .containsExactly(FOOTPRINT);
    assertThat(footprints.footprint("nothing")).isEmpty();
    assertThat(footprints.certificate("nothing")).isEmpty();
  }

  @Test
  void pagesAreBoundedAndFollowingTheirCursorsVisitsEveryItemOnce() {
    for (int limit : new int[] {0, -1, 501}) {
      assertThatThrownBy(() -> PageRequest.first(limit))
          .isInstanceOfSatisfying(
              LedgerRejection.class,
              r -> {
                assertThat(r.code()).isEqualTo(RejectionCode.INVALID_ARGUMENT);
                assertThat(r.field()).contains("limit");
              });
    }
    assertThat(PageRequest.of(null, null).limit()).isEqualTo(PageRequest.DEFAULT_LIMIT);
    assertThat(PageRequest.first(500).limit()).isEqualTo(500);

    for (int size = 1; size <= 4; size++) {
      PageRequest first = PageRequest.first(size);
      assertPagesVisitEachOnce(page -> statements.statement(EXCHANGE, page), first);
      assertPagesVisitEachOnce(page -> register.register(RegisterFilter.all(), page), first);
      assertPagesVisitEachOnce(
          page -> register.register(RegisterFilter.all().withBeneficiary("marathon"), page), first);
      assertPagesVisitEachOnce(accounts::accounts, first);
      assertPagesVisitEachOnce(methodologies::methodologies, first);
      assertPagesVisitEachOnce(projects::projects, first);
      assertPagesVisitEachOnce(credits::batches, first);
      assertPagesVisitEachOnce(page -> credits.batchesOfProject(CYCLING, page), first);
      assertPagesVisitEachOnce(page -> credits.holdings(EXCHANGE, page), first);
      assertPagesVisitEachOnce(page -> credits.holders(CYCLING_BATCH, page), first);
      assertPagesVisitEachOnce(page -> credits.holdingBlocks(EXCHANGE, CYCLING_BATCH, page), first);
      assertPagesVisitEachOnce(page -> credits.tradableBlocks(CYCLING_BATCH, page), first);
      assertPagesVisitEachOnce(page -> footprints.footprints(null, page), first);
      assertPagesVisitEachOnce(page -> footprints.coverage(FOOTPRINT, page), first);
    }

    Page<StatementLine> exact = statements.statement(EXCHANGE, PageRequest.first(6));
    assertThat(exact.items()).hasSize(6);
    assertThat(exact.next()).as("a full last page has no next page").isNull();

    String statementCursor = statements.statement(EXCHANGE, PageRequest.first(1)).next();
    for (String bad : List.of("not a cursor!", "bm9wZQ", "MTIz", statementCursor)) {
      assertThatThrownBy(() -> register.register(RegisterFilter.all(), new PageRequest(10, bad)))
          .isInstanceOfSatisfying(
              LedgerRejection.class, r -> assertThat(r.field()).contains("after"));
    }
    assertThatThrownBy(() -> new PageRequest(10, "x".repeat(2_001)))
        .isInstanceOfSatisfying(
            LedgerRejection.class, r -> assertThat(r.field()).contains("after"));
    assertThatThrownBy(() -> accounts.accounts(new PageRequest(10, statementCursor)))
        .isInstanceOf(LedgerRejection.class);
  }

  @Test
  void redeliveredEventsChangeNothing() throws Exception {
    Map<String, List<String>> before = ProjectionHarness.snapshot(dataSource);
    for (TrackedEventMessage<?> event : ledger.events()) {
      ledger.deliver(event);
    }
    assertThat(ProjectionHarness.snapshot(dataSource)).isEqualTo(before);
  }

  @Test
  void aMovementOfSerialsTheAccountDoesNotHoldIsASupplyViolation() throws Exception {
    Map<String, List<String>> before = ProjectionHarness.snapshot(dataSource);
    long next = ledger.events().size() + 1_000L;
    CreditsTransferred notHeld =
        new CreditsTransferred(
            CYCLING_BATCH, "forged", EXCHANGE, ACME, 5, List.of(new SerialBlock(1, 5)));
    assertThatThrownBy(() -> ledger.deliver(tracked(next, notHeld)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not hold");
    CreditsTransferred miscounted =
        new CreditsTransferred(
            CYCLING_BATCH, "forged", EXCHANGE, ACME, 7, List.of(new SerialBlock(41, 45)));
    assertThatThrownBy(() -> ledger.deliver(tracked(next, miscounted)))
        .isInstanceOf(IllegalStateException.class);
    CreditsTransferred unknownBatch =
        new CreditsTransferred("NO-B1", "forged", EXCHANGE, ACME, 5, List.of(block(1, 5)));
    assertThatThrownBy(() -> ledger.deliver(tracked(next, unknownBatch)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("before issuance");
    assertThat(ProjectionHarness.snapshot(dataSource)).isEqualTo(before);
  }

  @Test
  void theProgressIsThePositionOfTheLastEvent() {
    List<TrackedEventMessage<?>> events = ledger.events();
    long last = Projections.position(events.get(events.size() - 1).trackingToken());
    assertThat(new ProjectionProgress(dataSource).position()).isEqualTo(last);
  }

  private static <T> void assertPagesVisitEachOnce(
      Function<PageRequest, Page<T>> list, PageRequest first) {
    List<T> everything = list.apply(PageRequest.first(500)).items();
    assertThat(everything).isNotEmpty();
    List<T> paged = all(list, first);
    assertThat(paged).isEqualTo(everything);
    assertThat(new HashSet<>(paged)).hasSize(paged.size());
  }

  private static <T> List<T> all(Function<PageRequest, Page<T>> list, PageRequest first) {
    List<T> items = new ArrayList<>();
    PageRequest request = first;
    for (int pages = 0; pages < 1_000; pages++) {
      Page<T> page = list.apply(request);
      assertThat(page.items().size()).isLessThanOrEqualTo(request.limit());
      items.addAll(page.items());
      if (page.next() == null) {
        return items;
      }
      assertThat(page.items()).hasSize(request.limit());
      request = request.next(page);
    }
    throw new AssertionError("paging did not end");
  }

  private static List<String> ids(RegisterFilter filter) {
    return all(page -> register.register(filter, page), PageRequest.first(2)).stream()
        .map(RetirementView::retirementId)
        .toList();
  }

  private static List<SerialBlock> blocks(String accountId, String batchId) {
    return all(page -> credits.holdingBlocks(accountId, batchId, page), PageRequest.first(500))
        .stream()
        .map(HoldingBlockView::block)
        .toList();
  }

  private static TrackedEventMessage<?> eventAt(long position) {
    Predicate<TrackedEventMessage<?>> at =
        event -> Projections.position(event.trackingToken()) == position;
    return ledger.events().stream().filter(at).findFirst().orElseThrow();
  }

  private static TrackedEventMessage<?> tracked(long position, Object payload) {
    return new GenericTrackedEventMessage<>(
        new GlobalSequenceTrackingToken(position), GenericEventMessage.asEventMessage(payload));
  }

  private static SerialBlock block(long first, long last) {
    return new SerialBlock(first, last);
  }

  /** A statement line as (batch, kind, movement, change, counterparty, blocks). */
  private static Tuple line(
      String batchId,
      MovementKind kind,
      String movementId,
      long change,
      String counterparty,
      SerialBlock... blocks) {
    return Tuple.tuple(batchId, kind, movementId, change, counterparty, List.of(blocks));
  }
}
