package org.carbonledger.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchCommand.CancelCredits;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.testsupport.InMemoryLedger;
import org.carbonledger.testsupport.RegistrySetup;

/**
 * Random sequences of issuance, transfer, retirement and cancellation across several accounts and
 * batches, sent through the real command bus, compared after every step with a reference model that
 * tracks each serial on its own. The model is deliberately naive, a map from serial to place, so
 * that it is obviously right; the ledger keeps merged blocks and must agree with it.
 */
class SupplyPropertyTest {

  private static final List<String> ACCOUNTS = List.of("alpha", "beta", "gamma");
  private static final String RETIRED = "<retired>";
  private static final String CANCELLED = "<cancelled>";

  private InMemoryLedger ledger;
  private int run;

  @BeforeProperty
  void startLedger() {
    ledger = new InMemoryLedger();
    for (String account : ACCOUNTS) {
      ledger.send(new OpenAccount(account, HolderType.ENTERPRISE, account, "CN-HB"));
    }
  }

  @AfterProperty
  void stopLedger() {
    ledger.close();
  }

  /** One step of a random history. */
  sealed interface Step permits Issue, Move {}

  record Issue(int account, int quantity) implements Step {}

  /** A transfer, retirement or cancellation of a batch's credits. */
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
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 40))
            .as(Issue::new);
    Arbitrary<Step> move =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(1, 25),
                Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 40))
            .as(Move::new);
    return Arbitraries.frequencyOf(Tuple.of(1, issue), Tuple.of(4, move))
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }

  @Property(tries = 150)
  void everySerialIsAlwaysInExactlyOnePlaceAndSupplyAddsUp(
      @ForAll("histories") List<Step> history) {
    String project = "p" + (++run);
    RegistrySetup.approvedProject(ledger::send, project, "alpha");

    List<String> batches = new ArrayList<>();
    Map<String, TreeMap<Long, String>> model = new HashMap<>();
    int movement = 0;

    for (Step step : history) {
      if (step instanceof Issue issue) {
        String account = ACCOUNTS.get(issue.account());
        String batchId = RegistrySetup.issue(ledger::send, project, issue.quantity(), account);
        batches.add(batchId);
        TreeMap<Long, String> serials = new TreeMap<>();
        for (long serial = 1; serial <= issue.quantity(); serial++) {
          serials.put(serial, account);
        }
        model.put(batchId, serials);
      } else if (step instanceof Move move && !batches.isEmpty()) {
        String batchId = batches.get(move.batch() % batches.size());
        TreeMap<Long, String> serials = model.get(batchId);
        String from = ACCOUNTS.get(move.from());
        String to = ACCOUNTS.get(move.to());
        String id = "m" + (++movement);
        SerialBlock block =
            move.namedBlock() ? SerialBlock.ofCount(move.blockStart(), move.quantity()) : null;

        RejectionCode expected = expectedOutcome(move, serials, from, to, block);
        Throwable thrown =
            catchThrowable(() -> ledger.send(command(move, batchId, id, from, to, block)));

        if (expected == null) {
          assertThat(thrown).as("%s on %s", move, batchId).isNull();
          List<Long> moved =
              block != null ? serialsOf(block) : lowestHeld(serials, from, move.quantity());
          String destination =
              switch (move.kind()) {
                case TRANSFER -> to;
                case RETIRE -> RETIRED;
                case CANCEL -> CANCELLED;
              };
          moved.forEach(serial -> serials.put(serial, destination));
        } else {
          assertThat(thrown)
              .as("%s on %s", move, batchId)
              .isInstanceOfSatisfying(
                  LedgerRejection.class, r -> assertThat(r.code()).isEqualTo(expected));
        }
      }
      assertLedgerMatches(model);
    }
  }

  private static RejectionCode expectedOutcome(
      Move move, TreeMap<Long, String> serials, String from, String to, SerialBlock block) {
    if (move.kind() == Kind.TRANSFER && from.equals(to)) {
      return RejectionCode.SAME_ACCOUNT;
    }
    if (block != null) {
      boolean held = serialsOf(block).stream().allMatch(serial -> from.equals(serials.get(serial)));
      return held ? null : RejectionCode.SERIAL_BLOCK_NOT_HELD;
    }
    long held = serials.values().stream().filter(from::equals).count();
    return move.quantity() > held ? RejectionCode.INSUFFICIENT_HOLDING : null;
  }

  private static Object command(
      Move move, String batchId, String id, String from, String to, SerialBlock block) {
    return switch (move.kind()) {
      case TRANSFER -> new TransferCredits(batchId, id, from, to, move.quantity(), block);
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

  /** Compares every batch of this history with the ledger, rebuilt from its stored events. */
  private void assertLedgerMatches(Map<String, TreeMap<Long, String>> model) {
    SupplyCheck check = SupplyCheck.of(ledger.events());
    for (Map.Entry<String, TreeMap<Long, String>> batch : model.entrySet()) {
      BatchHoldings holdings = check.batches().get(batch.getKey());
      Map<String, TreeSet<Long>> expected = new TreeMap<>();
      batch
          .getValue()
          .forEach(
              (serial, place) -> expected.computeIfAbsent(place, p -> new TreeSet<>()).add(serial));

      Map<String, TreeSet<Long>> actual = new TreeMap<>();
      holdings.holdings().forEach((account, blocks) -> actual.put(account, expand(blocks)));
      if (!holdings.retiredBlocks().isEmpty()) {
        actual.put(RETIRED, expand(holdings.retiredBlocks()));
      }
      if (!holdings.cancelledBlocks().isEmpty()) {
        actual.put(CANCELLED, expand(holdings.cancelledBlocks()));
      }
      assertThat(actual).as("batch %s", batch.getKey()).isEqualTo(expected);
      assertThat(holdings.tradable() + holdings.retired() + holdings.cancelled())
          .isEqualTo(holdings.issued())
          .isEqualTo(batch.getValue().size());
    }
  }

  private static TreeSet<Long> expand(List<SerialBlock> blocks) {
    TreeSet<Long> serials = new TreeSet<>();
    blocks.forEach(block -> serials.addAll(serialsOf(block)));
    return serials;
  }

  private static List<Long> serialsOf(SerialBlock block) {
    List<Long> serials = new ArrayList<>();
    for (long serial = block.first(); serial <= block.last(); serial++) {
      serials.add(serial);
    }
    return serials;
  }

  private static List<Long> lowestHeld(
      TreeMap<Long, String> serials, String account, int quantity) {
    return serials.entrySet().stream()
        .filter(entry -> entry.getValue().equals(account))
        .map(Map.Entry::getKey)
        .limit(quantity)
        .toList();
  }
}
