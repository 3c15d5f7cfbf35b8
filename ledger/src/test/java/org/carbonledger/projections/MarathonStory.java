package org.carbonledger.projections;

import java.time.LocalDate;
import org.carbonledger.accounts.AccountCommand.CloseAccount;
import org.carbonledger.accounts.AccountCommand.FreezeAccount;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.AccountCommand.UnfreezeAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchCommand.CancelCredits;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.CancellationKind;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.footprints.FootprintCommand.DeclareFootprint;
import org.carbonledger.footprints.FootprintKind;
import org.carbonledger.methodologies.MethodologyCommand.FileMethodology;
import org.carbonledger.methodologies.MethodologyCommand.WithdrawMethodology;
import org.carbonledger.projects.ProjectCommand.IssueBatch;
import org.carbonledger.projects.ProjectCommand.ReinstateProject;
import org.carbonledger.projects.ProjectCommand.SuspendProject;
import org.carbonledger.testsupport.RegistrySetup;

/**
 * A realistic history through the real command bus: two projects, two batches, transfers with and
 * without a named block, a marathon's footprint neutralised by two retirements, voluntary and ETS
 * retirements, cancellations (one from a frozen account), and status changes of every kind.
 *
 * <p>Where every serial ends up (batch {@link #CYCLING_BATCH}, serials 1-100, issued to the
 * exchange; batch {@link #METRO_BATCH}, serials 1-50, vintage 2025 Q4, issued to the exchange):
 *
 * <pre>
 * cycling  exchange 41-60, 71-100   marathon 37-40   li-lei 16-20   acme 68-70
 *          retired 1-10, 21-25 (R1), 26-36 (R2), 61-65 (R3), 11-15 (R4); cancelled 66-67
 * metro    exchange 31-50           marathon 23-30
 *          retired 21-22 (R5); cancelled 1-20
 * </pre>
 */
final class MarathonStory {

  static final String EXCHANGE = "wh-exchange";
  static final String MARATHON = "marathon-org";
  static final String ACME = "acme";
  static final String LI_LEI = "li-lei";
  static final String TEMP = "temp-account";

  static final String CYCLING = "WH-CYCLING";
  static final String METRO = "WH-METRO";
  static final String CYCLING_BATCH = "WH-CYCLING-B1";
  static final String METRO_BATCH = "WH-METRO-B1";
  static final String FOOTPRINT = "WUHAN-MARATHON-2026";
  static final String ACME_FOOTPRINT = "ACME-2026";
  static final String WITHDRAWN_METHODOLOGY = "OLD-M";

  static final String MARATHON_BENEFICIARY = "Wuhan Marathon 2026 participants";
  static final String ACME_BENEFICIARY = "ACME Logistics Ltd.";
  static final String LI_LEI_BENEFICIARY = "Li Lei (50%_share)";
  static final String ETS_BENEFICIARY = "Marathon Organising Committee";

  private MarathonStory() {}

  static void run(ProjectionHarness ledger) {
    ledger.send(new OpenAccount(EXCHANGE, HolderType.OPERATOR, "Wuhan Exchange", "CN-HB"));
    ledger.send(new OpenAccount(MARATHON, HolderType.ORGANISER, "Wuhan Marathon", "CN-HB"));
    ledger.send(new OpenAccount(ACME, HolderType.ENTERPRISE, "ACME Logistics", "CN-HB"));
    ledger.send(new OpenAccount(LI_LEI, HolderType.INDIVIDUAL, "Li Lei", "CN-HB"));
    ledger.send(new OpenAccount(TEMP, HolderType.PLATFORM, "Temporary", "CN"));
    ledger.send(new CloseAccount(TEMP, "opened by mistake"));

    RegistrySetup.approvedProject(ledger::send, CYCLING, EXCHANGE);
    RegistrySetup.approvedProject(ledger::send, METRO, EXCHANGE);
    ledger.send(new FileMethodology(WITHDRAWN_METHODOLOGY, "0.9", "Old", "energy", "kWh"));
    ledger.send(new WithdrawMethodology(WITHDRAWN_METHODOLOGY, "superseded"));

    RegistrySetup.issue(ledger::send, CYCLING, 100, EXCHANGE);
    ledger.send(
        new IssueBatch(
            METRO,
            LocalDate.of(2025, 10, 1),
            LocalDate.of(2025, 12, 31),
            "VR-2025-044",
            "Hubei Verifier",
            50,
            EXCHANGE,
            null));
    ledger.send(new SuspendProject(METRO, "site inspection"));
    ledger.send(new ReinstateProject(METRO, "inspection passed"));

    // Lowest serials first: 1-40; then exactly 61-70; then 11-20, splitting the marathon's 1-40.
    ledger.send(new TransferCredits(CYCLING_BATCH, "t1", EXCHANGE, MARATHON, 40, null));
    ledger.send(
        new TransferCredits(CYCLING_BATCH, "t2", EXCHANGE, ACME, 10, new SerialBlock(61, 70)));
    ledger.send(
        new TransferCredits(CYCLING_BATCH, "t3", MARATHON, LI_LEI, 10, new SerialBlock(11, 20)));

    ledger.send(
        new DeclareFootprint(
            FOOTPRINT,
            MARATHON,
            FootprintKind.EVENT,
            "Wuhan Marathon 2026",
            LocalDate.of(2026, 4, 12),
            LocalDate.of(2026, 4, 12),
            25_500,
            "GHG Protocol, event boundary",
            "Hubei Verifier"));
    ledger.send(
        new DeclareFootprint(
            ACME_FOOTPRINT,
            ACME,
            FootprintKind.ORGANISATION_PERIOD,
            "ACME 2026",
            LocalDate.of(2026, 1, 1),
            LocalDate.of(2026, 12, 31),
            900_000,
            "ISO 14064-1",
            "Auditor"));

    // 15 t across the marathon's two blocks (1-10, 21-25), then 11 t (26-36): 26,000 kg >= 25,500.
    ledger.send(retire(CYCLING_BATCH, "r1", MARATHON, 15, null, MARATHON_BENEFICIARY, FOOTPRINT));
    ledger.send(retire(CYCLING_BATCH, "r2", MARATHON, 11, null, MARATHON_BENEFICIARY, FOOTPRINT));
    ledger.send(
        new RetireCredits(
            CYCLING_BATCH,
            "r3",
            ACME,
            5,
            new SerialBlock(61, 65),
            ACME_BENEFICIARY,
            "Offsetting our 2026 deliveries",
            "Fleet of 12 vans",
            RetirementPurpose.VOLUNTARY,
            LocalDate.of(2026, 1, 1),
            LocalDate.of(2026, 12, 31),
            "CN-HB",
            null));
    ledger.send(
        new RetireCredits(
            CYCLING_BATCH,
            "r4",
            LI_LEI,
            5,
            null,
            LI_LEI_BENEFICIARY,
            "Personal pledge",
            null,
            RetirementPurpose.VOLUNTARY,
            null,
            null,
            "CN-HB",
            null));

    ledger.send(new FreezeAccount(ACME, "verification under review"));
    ledger.send(
        new CancelCredits(
            CYCLING_BATCH,
            "c1",
            ACME,
            2,
            new SerialBlock(66, 67),
            CancellationKind.ADMINISTRATIVE,
            "double counted"));
    ledger.send(new UnfreezeAccount(ACME, "review closed"));

    ledger.send(
        new CancelCredits(
            METRO_BATCH,
            "c2",
            EXCHANGE,
            20,
            null,
            CancellationKind.VERIFICATION_ERROR,
            "meter error"));
    ledger.send(new TransferCredits(METRO_BATCH, "t4", EXCHANGE, MARATHON, 10, null));
    ledger.send(
        new RetireCredits(
            METRO_BATCH,
            "r5",
            MARATHON,
            2,
            null,
            ETS_BENEFICIARY,
            "Hubei ETS offset",
            null,
            RetirementPurpose.ETS_COMPLIANCE,
            null,
            null,
            "CN-HB",
            null));
  }

  private static RetireCredits retire(
      String batchId,
      String retirementId,
      String accountId,
      long quantity,
      SerialBlock block,
      String beneficiary,
      String footprintId) {
    return new RetireCredits(
        batchId,
        retirementId,
        accountId,
        quantity,
        block,
        beneficiary,
        "Marathon carbon neutrality",
        null,
        RetirementPurpose.EVENT_NEUTRALITY,
        LocalDate.of(2026, 4, 12),
        LocalDate.of(2026, 4, 12),
        "CN-HB",
        footprintId);
  }
}
