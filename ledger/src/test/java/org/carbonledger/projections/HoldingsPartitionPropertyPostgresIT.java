package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchCommand.CancelCredits;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.BatchHoldings;
import org.carbonledger.credits.CancellationKind;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SupplyCheck;
import org.carbonledger.projections.credits.BatchSupplyView;
import org.carbonledger.projections.credits.CreditQueries;
import org.carbonledger.projections.credits.HoldingBlockView;
import org.carbonledger.projections.credits.MovementKind;
import org.carbonledger.projections.credits.RegisterFilter;
import org.carbonledger.projections.credits.RetirementRegisterQueries;
import org.carbonledger.projections.credits.RetirementView;
import org.carbonledger.projections.credits.StatementLine;
import org.carbonledger.projections.credits.StatementQueries;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.testsupport.RegistrySetup;

/**
 * For random histories of issuance, transfer, retirement and cancellation sent through the real
 * aggregates, the projected holding blocks of all accounts, the retired blocks of the register and
 * the cancelled blocks of the statements partition each batch's issued serials exactly, and the
 * holdings are exactly the aggregate's.
 */
class HoldingsPartitionPropertyPostgresIT {

  private static final List<String> ACCOUNTS = List.of("alpha", "beta", "gamma");
  private static DataSource dataSource;

  private ProjectionHarness ledger;

  @BeforeContainer
  static void migrate() {
    dataSource = ProjectionHarness.migratedSchema("partition_property");
  }

  @BeforeTry
  void startLedger() {
    ledger = ProjectionHarness.synchronous(dataSource);
    ledger.resetProjections();
    for (String account : ACCOUNTS) {
      ledger.send(new OpenAccount(account, HolderType.ENTERPRISE, account, "CN-HB"));
    }
    RegistrySetup.approvedProject(ledger::send, "P", "alpha");
  }

  @AfterTry
  void stopLedger() {
    ledger.close();
  }

  sealed interface Step permits Issue, Move {}

  record Issue(int account, int quantity, int firstSerial) implements Step {}

  record Move(
      Kind kind, int batch, int from, int to, int quantity, boolean namedBlock, int blockStart)
      implements Step {}

  enum Kind {
    TRANSFER,
    RETIRE,
    CANCEL
  }

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Step> issue =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(1, 40),
                Arbitraries.of(1, 1, 1, 1_000_001))
            .as(Issue::new);
    Arbitrary<Step> move =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(1, 25),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 39))
            .as(Move::new);
    return Arbitraries.frequencyOf(Tuple.of(1, issue), Tuple.of(4, move))
        .list()
        .ofMinSize(1)
        .ofMaxSize(30);
  }

  @Property(tries = 40)
  void holdingsRetiredAndCancelledBlocksPartitionEveryIssuedRange(
      @ForAll("histories") List<Step> history) throws Exception {
    List<String> batches = new ArrayList<>();
    Map<String, Long> firstSerials = new TreeMap<>();
    int movement = 0;
    for (Step step : history) {
      if (step instanceof Issue issue) {
        String batchId =
            ledger.send(
                new org.carbonledger.projects.ProjectCommand.IssueBatch(
                    "P",
                    java.time.LocalDate.of(2026, 1, 1),
                    java.time.LocalDate.of(2026, 3, 31),
                    "VR",
                    "Verifier",
                    issue.quantity(),
                    ACCOUNTS.get(issue.account()),
                    issue.firstSerial() == 1 ? null : (long) issue.firstSerial()));
        batches.add(batchId);
        firstSerials.put(batchId, (long) issue.firstSerial());
      } else if (step instanceof Move move && !batches.isEmpty()) {
        String batchId = batches.get(move.batch() % batches.size());
        SerialBlock block =
            move.namedBlock()
                ? SerialBlock.ofCount(
                    firstSerials.get(batchId) + move.blockStart(), move.quantity())
                : null;
        try {
          ledger.send(command(move, batchId, "m" + (++movement), block));
        } catch (LedgerRejection refused) {
          // A random move may ask for serials the account does not hold: nothing is recorded.
        }
      }
    }
    ledger.catchUp();

    CreditQueries credits = new CreditQueries(dataSource);
    SupplyCheck reference = SupplyCheck.of(ledger.payloads());
    Map<String, List<SerialBlock>> retired = new TreeMap<>();
    for (RetirementView retirement :
        register().register(RegisterFilter.all(), PageRequest.first(500)).items()) {
      retired
          .computeIfAbsent(retirement.batchId(), b -> new ArrayList<>())
          .addAll(retirement.blocks());
    }
    Map<String, List<SerialBlock>> cancelled = new TreeMap<>();
    for (String account : ACCOUNTS) {
      for (StatementLine line : statements().statement(account, PageRequest.first(500)).items()) {
        if (line.kind() == MovementKind.CANCELLATION) {
          cancelled.computeIfAbsent(line.batchId(), b -> new ArrayList<>()).addAll(line.blocks());
        }
      }
    }

    assertThat(credits.totals().batches()).isEqualTo(batches.size());
    for (String batchId : batches) {
      BatchSupplyView supply = credits.batch(batchId).orElseThrow();
      List<HoldingBlockView> held = credits.tradableBlocks(batchId, PageRequest.first(500)).items();
      List<SerialBlock> places = new ArrayList<>();
      held.forEach(h -> places.add(h.block()));
      places.addAll(retired.getOrDefault(batchId, List.of()));
      places.addAll(cancelled.getOrDefault(batchId, List.of()));
      places.sort(null);

      long next = supply.serials().first();
      for (SerialBlock block : places) {
        assertThat(block.first()).as("%s: %s in %s", batchId, block, places).isEqualTo(next);
        next = block.last() + 1;
      }
      assertThat(next - 1)
          .as("%s ends at its last serial", batchId)
          .isEqualTo(supply.serials().last());

      BatchHoldings expected = reference.batches().get(batchId);
      Map<String, List<SerialBlock>> projected = new TreeMap<>();
      held.forEach(
          h -> projected.computeIfAbsent(h.accountId(), a -> new ArrayList<>()).add(h.block()));
      assertThat(projected).isEqualTo(expected.holdings());
      assertThat(List.of(supply.issued(), supply.tradable(), supply.retired(), supply.cancelled()))
          .containsExactly(
              expected.issued(), expected.tradable(), expected.retired(), expected.cancelled());
    }
  }

  private static Object command(Move move, String batchId, String id, SerialBlock block) {
    String from = ACCOUNTS.get(move.from());
    return switch (move.kind()) {
      case TRANSFER ->
          new TransferCredits(batchId, id, from, ACCOUNTS.get(move.to()), move.quantity(), block);
      case RETIRE ->
          new RetireCredits(
              batchId,
              id,
              from,
              move.quantity(),
              block,
              "Beneficiary",
              "Property test",
              null,
              RetirementPurpose.VOLUNTARY,
              null,
              null,
              "CN-HB",
              null);
      case CANCEL ->
          new CancelCredits(
              batchId, id, from, move.quantity(), block, CancellationKind.ADMINISTRATIVE, "test");
    };
  }

  private static RetirementRegisterQueries register() {
    return new RetirementRegisterQueries(dataSource);
  }

  private static StatementQueries statements() {
    return new StatementQueries(dataSource);
  }
}
