package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.carbonledger.accounts.AccountCommand.FreezeAccount;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.Batch;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.BatchHoldings;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SupplyCheck;
import org.carbonledger.footprints.FootprintCommand.DeclareFootprint;
import org.carbonledger.footprints.FootprintEvent.FootprintNeutralised;
import org.carbonledger.footprints.FootprintKind;
import org.carbonledger.methodologies.MethodologyCommand.ApproveMethodology;
import org.carbonledger.methodologies.MethodologyCommand.FileMethodology;
import org.carbonledger.projects.ProjectCommand.ApproveProject;
import org.carbonledger.projects.ProjectCommand.IssueBatch;
import org.carbonledger.projects.ProjectCommand.RegisterProject;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.store.GroupCommitCommandBus;
import org.carbonledger.testsupport.RegistrySetup;
import org.carbonledger.testsupport.StoredEvents;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The credit lifecycle through the service's command bus on PostgreSQL: the marathon story at the
 * level of commands, and the guarantees that need a real database to mean anything.
 */
// Closed when the class ends, while its database still runs: the JVM runs shutdown hooks all
// at once, and a context closed then would wait on a database that is already gone.
@DirtiesContext
@SpringBootTest
@ActiveProfiles("postgres")
class CreditLifecyclePostgresIT {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "lifecycle");
  }

  @Autowired CommandGateway commands;
  @Autowired EventStore eventStore;
  @Autowired JdbcTemplate jdbc;
  @Autowired GroupCommitCommandBus groupCommits;

  @Test
  void theMarathonBecomesNeutralAndARefusedRetirementLeavesNoTrace() {
    commands.sendAndWait(
        new OpenAccount("hb-exchange", HolderType.OPERATOR, "Hubei Exchange", "CN-HB"));
    commands.sendAndWait(
        new OpenAccount("green-trips", HolderType.PLATFORM, "Green Trips", "CN-HB"));
    commands.sendAndWait(
        new OpenAccount("wh-marathon", HolderType.ORGANISER, "Wuhan Marathon", "CN-HB"));
    commands.sendAndWait(
        new FileMethodology("WHCI-M-001", "1.0", "Low-carbon trips", "transport", "g CO2e per km"));
    commands.sendAndWait(new ApproveMethodology("WHCI-M-001", "Expert panel", "review-2026-03"));
    commands.sendAndWait(
        new RegisterProject(
            "WH-CYCLING", "Wuhan cycling", "green-trips", "WHCI-M-001", "CN-HB", "江岸区", "Wuhan"));
    commands.sendAndWait(new ApproveProject("WH-CYCLING", "Hubei Exchange"));
    String batchId =
        commands.sendAndWait(
            new IssueBatch(
                "WH-CYCLING",
                LocalDate.of(2026, 1, 1),
                LocalDate.of(2026, 3, 31),
                "VR-2026-017",
                "CEC Verification",
                100,
                "green-trips",
                null));
    assertThat(batchId).isEqualTo("WH-CYCLING-B1");

    commands.sendAndWait(
        new TransferCredits(batchId, "t1", "green-trips", "wh-marathon", 60, null));
    commands.sendAndWait(
        new DeclareFootprint(
            "wh-marathon-2026",
            "wh-marathon",
            FootprintKind.EVENT,
            "Wuhan Marathon 2026",
            LocalDate.of(2026, 3, 22),
            LocalDate.of(2026, 3, 22),
            45_500,
            "ISO 14064-1:2018",
            "Hubei Verification Centre"));

    commands.sendAndWait(retire(batchId, "r1", 20));
    // 25,500 kg are still needed: 26 t covers it, 27 t would waste a whole tonne.
    LedgerRejection overcovered =
        catchThrowableOfType(
            () -> commands.sendAndWait(retire(batchId, "r2", 27)), LedgerRejection.class);
    assertThat(overcovered.code()).isEqualTo(RejectionCode.FOOTPRINT_OVERCOVERED);
    assertThat(retirementRows("r2"))
        .as("the refused retirement was rolled back with the footprint's refusal")
        .isZero();

    commands.sendAndWait(retire(batchId, "r3", 26));
    LedgerRejection neutral =
        catchThrowableOfType(
            () -> commands.sendAndWait(retire(batchId, "r4", 1)), LedgerRejection.class);
    assertThat(neutral.code()).isEqualTo(RejectionCode.FOOTPRINT_ALREADY_NEUTRAL);

    List<Object> events = allEvents();
    FootprintNeutralised certificate =
        events.stream()
            .filter(FootprintNeutralised.class::isInstance)
            .map(FootprintNeutralised.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(certificate.coveredKg()).isEqualTo(46_000);
    assertThat(certificate.retirements())
        .extracting(line -> line.retirementId() + " " + line.tonnes() + " " + line.serialRanges())
        .containsExactly(
            "r1 20 [WHCI-WH-CYCLING-20260101-20260331-1-1-20]",
            "r3 26 [WHCI-WH-CYCLING-20260101-20260331-1-21-46]");

    BatchHoldings batch = SupplyCheck.of(events).batches().get(batchId);
    assertThat(batch.retired()).isEqualTo(46);
    assertThat(batch.tradableIn("wh-marathon")).isEqualTo(14);
    assertThat(batch.tradableIn("green-trips")).isEqualTo(40);
    assertThat(batch.retiredBlocks()).containsExactly(new SerialBlock(1, 46));
  }

  @Test
  void commandsOnABatchThatDoesNotExistAreRejectedByName() {
    LedgerRejection rejection =
        catchThrowableOfType(
            () -> commands.sendAndWait(new TransferCredits("NO-SUCH-B1", "t1", "a", "b", 1, null)),
            LedgerRejection.class);

    assertThat(rejection.code()).isEqualTo(RejectionCode.BATCH_NOT_FOUND);
  }

  @Test
  void concurrentTransfersNeverMoveMoreThanTheHolding() throws Exception {
    String batchId = batchHeldByA("race", 25);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String transferId = "c" + i;
      Callable<Boolean> attempt =
          () -> {
            try {
              commands.sendAndWait(
                  new TransferCredits(batchId, transferId, "race-a", "race-b", 1, null));
              return true;
            } catch (LedgerRejection rejection) {
              assertThat(rejection.code()).isEqualTo(RejectionCode.INSUFFICIENT_HOLDING);
              return false;
            }
          };
      attempts.add(pool.submit(attempt));
    }
    int succeeded = 0;
    for (Future<Boolean> attempt : attempts) {
      succeeded += attempt.get() ? 1 : 0;
    }
    pool.shutdown();

    assertThat(succeeded).isEqualTo(25);
    BatchHoldings batch = SupplyCheck.of(allEvents()).batches().get(batchId);
    assertThat(batch.tradableIn("race-b")).isEqualTo(25);
    assertThat(batch.tradableIn("race-a")).isZero();
  }

  @Test
  void concurrentMovementsOfOneBatchShareCommitsYetEachIsStoredOnceAndChained() throws Exception {
    String batchId = batchHeldByA("group", 100);
    GroupCommitCommandBus.Statistics before = groupCommits.statistics();
    List<TransferCredits> transfers = new ArrayList<>();
    for (int i = 0; i < 72; i++) {
      // Every ninth comes from an account that holds nothing and is refused, which rolls its
      // group back and runs each of that group's commands again alone.
      String from = i % 9 == 8 ? "group-b-empty" : "group-a";
      transfers.add(new TransferCredits(batchId, "g" + i, from, "group-b", 1, null));
    }
    List<String> outcomes = sentFrom32Threads(transfers);

    assertThat(outcomes).filteredOn("moved"::equals).hasSize(64);
    assertThat(outcomes)
        .filteredOn(outcome -> !outcome.equals("moved"))
        .containsOnly(RejectionCode.ACCOUNT_NOT_FOUND.name())
        .hasSize(8);
    GroupCommitCommandBus.Statistics after = groupCommits.statistics();
    assertThat(after.groups() - before.groups())
        .as("32 senders on one batch meet in groups")
        .isPositive();
    BatchHoldings batch = SupplyCheck.of(allEvents()).batches().get(batchId);
    assertThat(batch.tradableIn("group-b")).isEqualTo(64);
    assertThat(batch.tradableIn("group-a")).isEqualTo(36);
    // One event and one chain entry per movement, with gapless sequence numbers: the issuance and
    // the 64 transfers.
    assertThat(
            jdbc.queryForList(
                "SELECT e.sequence_number FROM domain_event_entry e JOIN chain_entry c"
                    + " ON c.stream_id = e.aggregate_identifier"
                    + " AND c.sequence_number = e.sequence_number"
                    + " WHERE e.aggregate_identifier = ? ORDER BY 1",
                Long.class,
                Batch.streamId(batchId)))
        .isEqualTo(LongStream.range(0, 65).boxed().toList());
  }

  @Test
  void aFrozenSenderIsRefusedInsideAGroupWhileTheOthersOfItsGroupMove() throws Exception {
    // The group reads every sender's account once, before its first command (GroupedLastEvents):
    // the frozen account must still be seen as frozen by each of its transfers.
    String batchId = batchHeldByA("icy", 68);
    commands.sendAndWait(
        new OpenAccount("icy-frozen", HolderType.ENTERPRISE, "Frozen sender", "CN-HB"));
    commands.sendAndWait(new TransferCredits(batchId, "icy-seed", "icy-a", "icy-frozen", 20, null));
    commands.sendAndWait(new FreezeAccount("icy-frozen", "a court order"));
    GroupCommitCommandBus.Statistics before = groupCommits.statistics();
    List<TransferCredits> transfers = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      String from = i % 4 == 3 ? "icy-frozen" : "icy-a";
      transfers.add(new TransferCredits(batchId, "icy" + i, from, "icy-b", 1, null));
    }
    List<String> outcomes = sentFrom32Threads(transfers);

    for (int i = 0; i < transfers.size(); i++) {
      String expected =
          transfers.get(i).fromAccountId().equals("icy-frozen")
              ? RejectionCode.ACCOUNT_FROZEN.name()
              : "moved";
      assertThat(outcomes.get(i)).as(transfers.get(i).transferId()).isEqualTo(expected);
    }
    GroupCommitCommandBus.Statistics after = groupCommits.statistics();
    assertThat(after.groupsRolledBack() - before.groupsRolledBack())
        .as("groups met a frozen sender: %s then %s", before, after)
        .isPositive();
    BatchHoldings batch = SupplyCheck.of(allEvents()).batches().get(batchId);
    assertThat(batch.tradableIn("icy-b")).isEqualTo(48);
    assertThat(batch.tradableIn("icy-a")).isZero();
    assertThat(batch.tradableIn("icy-frozen")).isEqualTo(20);
  }

  /**
   * Sends the transfers from 32 threads at once.
   *
   * @return each transfer's outcome, in the transfers' order: "moved", or its refusal's code
   */
  private List<String> sentFrom32Threads(List<TransferCredits> transfers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<Future<String>> attempts = new ArrayList<>();
    for (TransferCredits transfer : transfers) {
      attempts.add(
          pool.submit(
              () -> {
                try {
                  commands.sendAndWait(transfer);
                  return "moved";
                } catch (LedgerRejection rejection) {
                  return rejection.code().name();
                }
              }));
    }
    List<String> outcomes = new ArrayList<>();
    for (Future<String> attempt : attempts) {
      outcomes.add(attempt.get());
    }
    pool.shutdown();
    return outcomes;
  }

  /**
   * Opens accounts {@code prefix-op}, {@code prefix-a} and {@code prefix-b}, and issues a batch of
   * {@code credits} to {@code prefix-a}.
   */
  private String batchHeldByA(String prefix, int credits) {
    commands.sendAndWait(new OpenAccount(prefix + "-op", HolderType.OPERATOR, "Operator", "CN-HB"));
    commands.sendAndWait(new OpenAccount(prefix + "-a", HolderType.ENTERPRISE, "A", "CN-HB"));
    commands.sendAndWait(new OpenAccount(prefix + "-b", HolderType.ENTERPRISE, "B", "CN-HB"));
    RegistrySetup.approvedProject(commands::sendAndWait, prefix + "-p", prefix + "-op");
    return RegistrySetup.issue(commands::sendAndWait, prefix + "-p", credits, prefix + "-a");
  }

  private RetireCredits retire(String batchId, String retirementId, long tonnes) {
    return new RetireCredits(
        batchId,
        retirementId,
        "wh-marathon",
        tonnes,
        null,
        "Wuhan Marathon 2026",
        "Carbon neutral marathon",
        null,
        RetirementPurpose.EVENT_NEUTRALITY,
        LocalDate.of(2026, 3, 22),
        LocalDate.of(2026, 3, 22),
        "CN-HB",
        "wh-marathon-2026");
  }

  private int retirementRows(String retirementId) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM domain_event_entry WHERE convert_from(payload, 'UTF8') LIKE ?",
        Integer.class,
        "%\"retirementId\":\"" + retirementId + "\"%");
  }

  private List<Object> allEvents() {
    return StoredEvents.payloads(eventStore);
  }
}
