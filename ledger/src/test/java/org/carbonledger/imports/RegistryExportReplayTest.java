package org.carbonledger.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchEvent.CreditsRetired;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SupplyCheck;
import org.carbonledger.methodologies.MethodologyCommand.ApproveMethodology;
import org.carbonledger.methodologies.MethodologyCommand.FileMethodology;
import org.carbonledger.projects.ProjectCommand.ApproveProject;
import org.carbonledger.projects.ProjectCommand.IssueBatch;
import org.carbonledger.projects.ProjectCommand.RegisterProject;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.testsupport.InMemoryLedger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replays real registry records (see {@code registry-exports/SOURCES.md}) through the ledger's
 * command path: the issuances become batches that keep their original serial numbers, the
 * retirements retire exactly the original serial blocks for the original beneficiaries, and the
 * resulting retirement register must reproduce the source rows. Rows that cannot be placed are
 * reported with a reason, never silently dropped.
 *
 * <p>Import assumptions, because the exports do not say everything our retirements record:
 *
 * <ul>
 *   <li>The jurisdiction of use is unknown, and recorded as {@code ZZ} (ISO 3166's code for an
 *       unknown or unspecified place).
 *   <li>Verra rows without a beneficiary are recorded with {@link #UNNAMED} as beneficiary, since
 *       our retirements always name one.
 *   <li>Verra's transaction sample holds no issuances: each (project, vintage) becomes one batch
 *       spanning the lowest to the highest serial of its rows. ACR issuances carry no serials: each
 *       becomes a batch of serials 1 to its quantity, as ACR numbers its serial ranges.
 * </ul>
 */
class RegistryExportReplayTest {

  static final String UNNAMED = "(not named in the source registry)";
  private static final String NOT_STATED = "(not stated in the source registry)";
  private static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("M/d/yyyy");

  private InMemoryLedger ledger;
  private final Map<String, String> registeredProjects = new HashMap<>();

  @BeforeEach
  void ledgerReadyToImport() {
    ledger = new InMemoryLedger();
    ledger.send(
        new FileMethodology(
            "imported", "n/a", "Imported from another registry", "various", "tCO2e"));
    ledger.send(new ApproveMethodology("imported", "Import", "registry-exports/SOURCES.md"));
    ledger.send(new OpenAccount("verra-import", HolderType.PLATFORM, "Verra import", "ZZ"));
    ledger.send(new OpenAccount("acr-import", HolderType.PLATFORM, "ACR import", "ZZ"));
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  /** A source row as the register must reproduce it. */
  record SourceRetirement(
      String retirementId, String batchId, SerialBlock block, long quantity, String beneficiary) {}

  @Test
  void verraTransactionsReplayIntoARegisterThatReproducesEverySourceRow() throws IOException {
    List<Map<String, String>> rows = Csv.read("/registry-exports/verra/transactions.csv");
    assertThat(rows).hasSize(200);

    Map<String, List<Integer>> rowsByVintage = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      Map<String, String> row = rows.get(i);
      rowsByVintage
          .computeIfAbsent(
              row.get("ID") + "|" + row.get("Vintage Start") + "|" + row.get("Vintage End"),
              key -> new ArrayList<>())
          .add(i);
    }

    List<SourceRetirement> expected = new ArrayList<>();
    Map<Integer, String> reported = new TreeMap<>();
    for (List<Integer> vintage : rowsByVintage.values()) {
      Map<String, String> first = rows.get(vintage.get(0));
      String projectId = project("VCS-" + first.get("ID"), first.get("Name"), "verra-import");
      long lowest = Long.MAX_VALUE;
      long highest = Long.MIN_VALUE;
      for (int index : vintage) {
        SerialBlock block = verraBlock(rows.get(index).get("Serial Number"));
        lowest = Math.min(lowest, block.first());
        highest = Math.max(highest, block.last());
      }
      String batchId =
          ledger.send(
              new IssueBatch(
                  projectId,
                  LocalDate.parse(first.get("Vintage Start")),
                  LocalDate.parse(first.get("Vintage End")),
                  "Verra " + first.get("Serial Number").split("-")[0],
                  "Verra",
                  highest - lowest + 1,
                  "verra-import",
                  lowest));

      for (int index : vintage) {
        Map<String, String> row = rows.get(index);
        SerialBlock block = verraBlock(row.get("Serial Number"));
        long quantity = Long.parseLong(row.get("Quantity Issued").replace(",", ""));
        if (quantity != block.count()) {
          reported.put(index, "quantity " + quantity + " does not match serials " + block);
          continue;
        }
        String beneficiary = orElse(row.get("Retirement Beneficiary"), UNNAMED);
        String retirementId = "verra-row-" + (index + 2);
        try {
          ledger.send(
              new RetireCredits(
                  batchId,
                  retirementId,
                  "verra-import",
                  quantity,
                  block,
                  beneficiary,
                  orElse(row.get("Retirement Reason"), NOT_STATED),
                  blankToNull(row.get("Retirement Details")),
                  RetirementPurpose.VOLUNTARY,
                  null,
                  null,
                  "ZZ",
                  null));
          expected.add(new SourceRetirement(retirementId, batchId, block, quantity, beneficiary));
        } catch (LedgerRejection rejection) {
          reported.put(index, rejection.code() + ": " + rejection.getMessage());
        }
      }
    }

    assertThat(reported).as("Verra rows that could not be placed").isEmpty();
    assertThat(expected).hasSize(rows.size());
    assertThat(register()).containsExactlyInAnyOrderElementsOf(expected);
    assertSupplyAddsUp();
  }

  @Test
  void acrRetirementsOutsideEverySampledIssuanceAreReportedAndTheRestReproduced()
      throws IOException {
    List<Map<String, String>> issuances =
        Csv.read("/registry-exports/american-carbon-registry/issuances.csv");
    List<Map<String, String>> retirements =
        Csv.read("/registry-exports/american-carbon-registry/retirements.csv");

    record Issued(String batchId, String projectId, String vintage, long quantity) {}
    List<Issued> batches = new ArrayList<>();
    for (Map<String, String> issuance : issuances) {
      String projectId =
          project(issuance.get("Project ID"), issuance.get("Project Name"), "acr-import");
      String vintage = issuance.get("Vintage");
      long quantity = Long.parseLong(issuance.get("Total Credits Issued").replace(",", ""));
      String batchId =
          ledger.send(
              new IssueBatch(
                  projectId,
                  usDate(issuance.get("ReportingPeriodBegin"), vintage + "-01-01"),
                  usDate(issuance.get("ReportingPeriodEnd"), vintage + "-12-31"),
                  "ACR issuance " + issuance.get("Date Issued (GMT)"),
                  orElse(issuance.get("Project VVB"), NOT_STATED),
                  quantity,
                  "acr-import",
                  1L));
      batches.add(new Issued(batchId, issuance.get("Project ID"), vintage, quantity));
    }

    List<SourceRetirement> expected = new ArrayList<>();
    Map<Integer, String> reported = new TreeMap<>();
    for (int index = 0; index < retirements.size(); index++) {
      Map<String, String> row = retirements.get(index);
      // ACR-FR-1129-2025-2917-30932 to 35143: country, project, vintage, batch, first to last.
      String serial = row.get("Credit Serial Numbers");
      String[] parts = serial.split(" to ");
      String[] head = parts[0].split("-");
      String project = "ACR" + head[2];
      String vintage = head[3];
      SerialBlock block = new SerialBlock(Long.parseLong(head[5]), Long.parseLong(parts[1]));
      long quantity = Long.parseLong(row.get("Quantity of Credits").replace(",", ""));
      if (quantity != block.count()) {
        reported.put(index, "quantity " + quantity + " does not match serials " + serial);
        continue;
      }
      Issued batch =
          batches.stream()
              .filter(b -> b.projectId().equals(project) && b.vintage().equals(vintage))
              .filter(b -> block.last() <= b.quantity())
              .findFirst()
              .orElse(null);
      if (batch == null) {
        reported.put(
            index,
            "no sampled issuance of " + project + " vintage " + vintage + " covers " + serial);
        continue;
      }
      String retirementId = "acr-row-" + (index + 2);
      try {
        ledger.send(
            new RetireCredits(
                batch.batchId(),
                retirementId,
                "acr-import",
                quantity,
                block,
                row.get("Retired on Behalf of"),
                orElse(row.get("Retirement Reason"), NOT_STATED),
                blankToNull(row.get("Purpose of Retirement")),
                RetirementPurpose.VOLUNTARY,
                null,
                null,
                "ZZ",
                null));
        expected.add(
            new SourceRetirement(
                retirementId, batch.batchId(), block, quantity, row.get("Retired on Behalf of")));
      } catch (LedgerRejection rejection) {
        reported.put(index, rejection.code() + ": " + rejection.getMessage());
      }
    }

    // Every source row is accounted for: reproduced in the register, or reported with a reason.
    assertThat(expected.size() + reported.size()).isEqualTo(retirements.size());
    // Computed independently from the CSV files: 5 of the 100 sampled retirements fall inside a
    // sampled issuance of the same project and vintage (4 for AWS, 1 for Autodesk).
    assertThat(expected).as("ACR retirements inside a sampled issuance").hasSize(5);
    assertThat(expected)
        .extracting(SourceRetirement::beneficiary)
        .containsExactlyInAnyOrder("AWS", "AWS", "AWS", "AWS", "Autodesk, Inc.");
    assertThat(reported.values())
        .as("ACR rows reported")
        .allMatch(reason -> reason.startsWith("no sampled issuance of ACR"));
    assertThat(register()).containsExactlyInAnyOrderElementsOf(expected);
    assertSupplyAddsUp();
  }

  /** The retirement register as the stored events give it. */
  private List<SourceRetirement> register() {
    return ledger.events().stream()
        .filter(CreditsRetired.class::isInstance)
        .map(CreditsRetired.class::cast)
        .map(
            retired -> {
              assertThat(retired.blocks()).as(retired.retirementId()).hasSize(1);
              return new SourceRetirement(
                  retired.retirementId(),
                  retired.batchId(),
                  retired.blocks().get(0),
                  retired.quantity(),
                  retired.beneficiary());
            })
        .collect(Collectors.toList());
  }

  private void assertSupplyAddsUp() {
    SupplyCheck supply = SupplyCheck.of(ledger.events());
    SupplyCheck.Totals totals = supply.totals();
    assertThat(totals.issued())
        .isEqualTo(totals.tradable() + totals.retired() + totals.cancelled());
    assertThat(totals.retired()).isEqualTo(register().stream().mapToLong(r -> r.quantity()).sum());
  }

  /** Registers and approves a source project once; returns our project id. */
  private String project(String sourceId, String name, String proponent) {
    return registeredProjects.computeIfAbsent(
        sourceId,
        id -> {
          ledger.send(
              new RegisterProject(
                  id, name.strip(), proponent, "imported", "ZZ", null, "see source registry"));
          ledger.send(new ApproveProject(id, "Import"));
          return id;
        });
  }

  /** 19381-941412555-941441125-VCS-VCU-...: the block is the second and third fields. */
  private static SerialBlock verraBlock(String serialNumber) {
    String[] parts = serialNumber.split("-");
    return new SerialBlock(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  private static LocalDate usDate(String text, String fallbackIso) {
    return text == null || text.isBlank()
        ? LocalDate.parse(fallbackIso)
        : LocalDate.parse(text.strip(), US_DATE);
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
