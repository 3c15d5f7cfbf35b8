package org.carbonledger.audit.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.carbonledger.audit.verify.Finding;
import org.junit.jupiter.api.Test;

/** The verifier's replay of batch events and its invariant checks, on JSON payload fixtures. */
class CreditReplayTest {

  private static final String BATCH = "WH-CYCLING-B1";
  private static final String STREAM = "batch:" + BATCH;

  private final List<Finding> findings = new ArrayList<>();
  private final CreditReplay replay = new CreditReplay(findings::add);
  private final BatchEvents events = new BatchEvents();

  @Test
  void aHoldingThatTransfersThirtyKeepsTheRestAndTheReceiverHoldsTheLowestThirty() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.transferred(BATCH, "T1", "exchange", "li-lei", 30, "1-30"));

    assertThat(holdings(BATCH)).isEqualTo("1-30 li-lei, 31-100 exchange");
    assertThat(findings).isEmpty();
  }

  @Test
  void blocksThatBecomeAdjacentAgainAreMerged() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.transferred(BATCH, "T1", "exchange", "acme", 10, "41-50"));
    replay.apply(events.transferred(BATCH, "T2", "exchange", "acme", 10, "51-60"));
    replay.apply(events.transferred(BATCH, "T3", "acme", "exchange", 20, "41-60"));

    assertThat(holdings(BATCH)).isEqualTo("1-100 exchange");
    assertThat(findings).isEmpty();
  }

  @Test
  void aMovementOfSeveralBlocksTakesExactlyThoseBlocksFromTheAccount() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.transferred(BATCH, "T1", "exchange", "marathon", 40, "1-40"));
    replay.apply(events.retired(BATCH, "R1", "marathon", 15, "1-10,21-25"));
    replay.apply(events.cancelled(BATCH, "C1", "exchange", 2, "66-67"));

    assertThat(holdings(BATCH))
        .isEqualTo("11-20 marathon, 26-40 marathon, 41-65 exchange, 68-100 exchange");
    BatchState batch = replay.batch(BATCH);
    assertThat(batch.retired).isEqualTo(15);
    assertThat(batch.cancelled).isEqualTo(2);
    assertThat(batch.tradable()).isEqualTo(83);
    assertThat(batch.held).isEqualTo(83);
    assertThat(batch.lastPosition).isEqualTo(4);
    assertThat(findings).isEmpty();
  }

  @Test
  void aSerialRetiredTwiceIsFoundAtTheSecondRetirement() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.retired(BATCH, "R1", "exchange", 10, "1-10"));
    StoredEvent again = events.retired(BATCH, "R2", "exchange", 3, "9-11");
    replay.apply(again);

    assertThat(findings)
        .extracting(
            Finding::kind, Finding::streamId, Finding::sequence, Finding::table, Finding::row)
        .containsExactly(
            tuple(
                "SERIAL_RETIRED_TWICE", STREAM, 2L, "domain_event_entry", again.eventIdentifier()),
            tuple(
                "SUPPLY_EQUATION_BROKEN",
                STREAM,
                2L,
                "domain_event_entry",
                again.eventIdentifier()));
    assertThat(findings.get(0).message())
        .isEqualTo("retirement R2 from exchange retires serials already retired: 9-10");
    assertThat(findings.get(1).message())
        .isEqualTo("issued 100 != tradable 89 (serials held) + retired 13 + cancelled 0");
    assertThat(holdings(BATCH))
        .as("the serial it did hold is retired")
        .isEqualTo("12-100 exchange");
  }

  @Test
  void aTransferOfRetiredSerialsIsAMoveAfterRetirement() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.retired(BATCH, "R1", "exchange", 10, "1-10"));
    StoredEvent transfer = events.transferred(BATCH, "T9", "exchange", "acme", 5, "1-5");
    replay.apply(transfer);

    assertThat(findings).hasSize(1);
    assertThat(findings.get(0))
        .isEqualTo(
            new Finding(
                "MOVED_AFTER_RETIREMENT",
                STREAM,
                2L,
                null,
                "domain_event_entry",
                transfer.eventIdentifier(),
                "transfer T9 from exchange to acme moves serials after their retirement or"
                    + " cancellation: 1-5 (retired)"));
    assertThat(holdings(BATCH)).isEqualTo("11-100 exchange");
  }

  @Test
  void aCancelledSerialThatIsRetiredLaterHasMovedAfterItsCancellation() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.cancelled(BATCH, "C1", "exchange", 2, "66-67"));
    replay.apply(events.retired(BATCH, "R1", "exchange", 2, "66-67"));

    assertThat(findings)
        .extracting(Finding::kind, Finding::message)
        .containsExactly(
            tuple(
                "MOVED_AFTER_RETIREMENT",
                "retirement R1 from exchange moves serials after their retirement or"
                    + " cancellation: 66-67 (cancelled)"),
            tuple(
                "SUPPLY_EQUATION_BROKEN",
                "issued 100 != tradable 98 (serials held) + retired 2 + cancelled 2"));
  }

  @Test
  void serialsThatAnotherAccountHoldsAreNotHeldByTheAccountThatMovesThem() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.transferred(BATCH, "T1", "exchange", "acme", 10, "1-10"));
    replay.apply(events.transferred(BATCH, "T2", "acme", "li-lei", 15, "6-20"));

    assertThat(findings)
        .extracting(Finding::kind, Finding::sequence, Finding::message)
        .containsExactly(
            tuple(
                "SERIALS_NOT_HELD",
                2L,
                "transfer T2 from acme to li-lei moves serials that acme does not hold:"
                    + " 11-20 (held by exchange)"));
    assertThat(holdings(BATCH)).isEqualTo("1-5 acme, 6-10 li-lei, 11-100 exchange");
  }

  @Test
  void serialsOutsideTheIssuedBlockWereNeverIssued() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.retired(BATCH, "R1", "exchange", 6, "98-103"));

    assertThat(findings)
        .extracting(Finding::kind, Finding::message)
        .containsExactly(
            tuple(
                "SERIALS_NOT_ISSUED",
                "retirement R1 from exchange names serials outside the batch's issued block"
                    + " 1-100: 101-103"),
            tuple(
                "SUPPLY_EQUATION_BROKEN",
                "issued 100 != tradable 97 (serials held) + retired 6 + cancelled 0"));
  }

  @Test
  void aMovementBeforeTheBatchIsIssuedIsFound() {
    StoredEvent early = events.transferred(BATCH, "T1", "exchange", "acme", 10, "1-10");
    replay.apply(early);
    replay.apply(events.issued(BATCH, "exchange", 1, 100));

    assertThat(findings)
        .extracting(Finding::kind, Finding::streamId, Finding::sequence, Finding::row)
        .containsExactly(tuple("MOVEMENT_BEFORE_ISSUANCE", STREAM, 0L, early.eventIdentifier()));
    assertThat(holdings(BATCH)).isEqualTo("1-100 exchange");
  }

  @Test
  void aQuantityThatIsNotTheSizeOfItsBlocksBreaksTheSupplyEquationOnce() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.retired(BATCH, "R1", "exchange", 12, "1-10"));
    replay.apply(events.transferred(BATCH, "T1", "exchange", "acme", 5, "11-15"));
    replay.apply(events.retired(BATCH, "R2", "acme", 5, "11-15"));

    assertThat(findings)
        .extracting(Finding::kind, Finding::sequence, Finding::message)
        .containsExactly(
            tuple(
                "MOVEMENT_QUANTITY_MISMATCH",
                1L,
                "retirement R1 from exchange states 12 credits but lists serials 1-10 (10)"),
            tuple(
                "SUPPLY_EQUATION_BROKEN",
                1L,
                "issued 100 != tradable 90 (serials held) + retired 12 + cancelled 0"));
    assertThat(replay.batch(BATCH).tradable()).isEqualTo(83);
  }

  @Test
  void aMovementWithoutBlocksStatesCreditsItDoesNotList() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.transferred(BATCH, "T1", "exchange", "acme", 5, ""));

    assertThat(findings)
        .extracting(Finding::kind, Finding::message)
        .containsExactly(
            tuple(
                "MOVEMENT_QUANTITY_MISMATCH",
                "transfer T1 from exchange to acme states 5 credits but lists no serial block"
                    + " (0)"));
  }

  @Test
  void aSecondIssuanceOfOneBatchIsFoundAndIgnored() {
    StoredEvent first = events.issued(BATCH, "exchange", 1, 100);
    replay.apply(first);
    replay.apply(events.issued(BATCH, "acme", 1, 50));

    assertThat(findings)
        .extracting(Finding::kind, Finding::sequence, Finding::message)
        .containsExactly(
            tuple(
                "BATCH_ISSUED_TWICE",
                1L,
                "batch WH-CYCLING-B1 was already issued by event "
                    + first.eventIdentifier()
                    + " at global position 1"));
    assertThat(holdings(BATCH)).isEqualTo("1-100 exchange");
  }

  @Test
  void anIssuanceWhoseQuantityIsNotItsBlockIsFound() {
    replay.apply(
        events.raw(STREAM, "BatchIssued", BatchEvents.issuedJson(BATCH, "exchange", 90, 1, 100)));

    assertThat(findings)
        .extracting(Finding::kind, Finding::message)
        .containsExactly(
            tuple(
                "ISSUED_QUANTITY_MISMATCH",
                "BatchIssued states 90 credits but issues serials 1-100 (100)"));
    assertThat(replay.batch(BATCH).issuedCount()).isEqualTo(100);
  }

  @Test
  void aTransferToTheAccountItLeavesIsFound() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.transferred(BATCH, "T1", "exchange", "exchange", 5, "1-5"));

    assertThat(findings).extracting(Finding::kind).containsExactly("TRANSFER_TO_SAME_ACCOUNT");
    assertThat(holdings(BATCH)).isEqualTo("1-100 exchange");
  }

  @Test
  void aPayloadWithoutItsDocumentedFieldsIsMalformed() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(events.raw(STREAM, "CreditsRetired", "{\"batchId\":\"WH-CYCLING-B1\"}"));
    replay.apply(events.raw(STREAM, "CreditsRetired", "not json"));
    replay.apply(
        events.raw(
            STREAM,
            "CreditsCancelled",
            "{\"batchId\":\"WH-CYCLING-B1\",\"cancellationId\":\"C1\",\"accountId\":\"x\","
                + "\"quantity\":1,\"blocks\":[{\"first\":5,\"last\":4}]}"));

    assertThat(findings)
        .extracting(Finding::kind, Finding::sequence)
        .containsExactly(
            tuple("MALFORMED_BATCH_EVENT", 1L),
            tuple("MALFORMED_BATCH_EVENT", 2L),
            tuple("MALFORMED_BATCH_EVENT", 3L));
    assertThat(findings.get(0).message())
        .isEqualTo("CreditsRetired: \"retirementId\" is missing or not text");
    assertThat(findings.get(2).message()).contains("5..4");
  }

  @Test
  void aRetirementThatDoesNotStateItsBeneficiaryIsMalformedAndMovesNothing() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(
        events.raw(
            STREAM,
            "CreditsRetired",
            BatchEvents.retiredJson(BATCH, "R1", "exchange", 10, "1-10")
                .replace("\"beneficiary\":\"Wuhan Marathon 2026 participants\",", "")));

    assertThat(findings)
        .extracting(Finding::kind, Finding::message)
        .containsExactly(
            tuple(
                "MALFORMED_BATCH_EVENT", "CreditsRetired: \"beneficiary\" is missing or not text"));
    assertThat(holdings(BATCH)).isEqualTo("1-100 exchange");
  }

  @Test
  void aRetirementsClaimIsReadWithItsOptionalFieldsNullWhenAbsent() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    String json =
        BatchEvents.retiredJson(BATCH, "R1", "exchange", 10, "1-10")
            .replace("\"details\":null,", "")
            .replace("\"consumptionPeriodStart\":null", "\"consumptionPeriodStart\":\"2026-04-12\"")
            .replace("\"consumptionPeriodEnd\":null", "\"consumptionPeriodEnd\":\"2026-04-13\"")
            .replace("\"footprintId\":null", "\"footprintId\":\"FP-1\"");

    CreditReplay.Applied applied =
        replay.applyBatchEvent(events.raw(STREAM, "CreditsRetired", json));

    assertThat(((BatchChange.Moved) applied.change()).claim())
        .isEqualTo(
            new BatchChange.Claim(
                "Wuhan Marathon 2026 participants",
                "neutral",
                null,
                "VOLUNTARY",
                LocalDate.of(2026, 4, 12),
                LocalDate.of(2026, 4, 13),
                "CN-HB",
                "FP-1"));
    assertThat(applied.at()).hasToString(BatchEvents.TIME);
    assertThat(findings).isEmpty();
  }

  @Test
  void aMovementWhoseTimeCannotBeReadIsMalformedButStillMoves() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    StoredEvent transfer = events.transferred(BATCH, "T1", "exchange", "acme", 10, "1-10");

    CreditReplay.Applied applied =
        replay.applyBatchEvent(
            new StoredEvent(
                transfer.globalIndex(),
                transfer.eventIdentifier(),
                transfer.aggregateIdentifier(),
                transfer.sequenceNumber(),
                transfer.payloadType(),
                "yesterday",
                transfer.payload()));

    assertThat(findings)
        .extracting(Finding::kind, Finding::message)
        .containsExactly(
            tuple("MALFORMED_BATCH_EVENT", "time_stamp yesterday is not an ISO-8601 instant"));
    assertThat(applied.at()).isNull();
    assertThat(holdings(BATCH)).isEqualTo("1-10 acme, 11-100 exchange");
  }

  @Test
  void aPayloadStoredInAnotherBatchsStreamIsFound() {
    replay.apply(events.issued(BATCH, "exchange", 1, 100));
    replay.apply(
        events.raw(
            "batch:WH-METRO-B1",
            "CreditsRetired",
            BatchEvents.retiredJson(BATCH, "R1", "exchange", 1, "1-1")));

    assertThat(findings)
        .extracting(Finding::kind, Finding::streamId, Finding::message)
        .containsExactly(
            tuple(
                "BATCH_ID_MISMATCH",
                "batch:WH-METRO-B1",
                "the payload names batch WH-CYCLING-B1 but is stored in stream batch:WH-METRO-B1"));
  }

  @Test
  void eventsOfOtherStreamsAndOtherTypesAreNotReplayed() {
    assertThat(
            replay.apply(
                events.raw(
                    "account:exchange",
                    "org.carbonledger.accounts.AccountEvent$AccountOpened",
                    "{\"accountId\":\"exchange\"}")))
        .isFalse();
    assertThat(
            replay.apply(
                events.raw(
                    "project:WH-CYCLING",
                    "org.carbonledger.projects.ProjectEvent$BatchIssuanceRecorded",
                    "{}")))
        .isFalse();
    assertThat(replay.apply(events.raw(STREAM, "SomethingElse", "{}"))).isFalse();

    assertThat(replay.events()).isZero();
    assertThat(replay.batches()).isEmpty();
    assertThat(findings).isEmpty();
  }

  @Test
  void theIssuanceTimeIsTruncatedToMicrosecondsAsTheProjectionsStoreIt() {
    StoredEvent issued = events.issued(BATCH, "exchange", 1, 100);
    replay.apply(
        new StoredEvent(
            issued.globalIndex(),
            issued.eventIdentifier(),
            issued.aggregateIdentifier(),
            issued.sequenceNumber(),
            issued.payloadType(),
            "2026-04-01T08:00:00.123456789Z",
            issued.payload()));

    assertThat(replay.batch(BATCH).issuedAt).hasToString("2026-04-01T08:00:00.123456Z");
  }

  /** The batch's blocks as "first-last account", in serial order. */
  private String holdings(String batchId) {
    return replay.batch(batchId).holdings.entrySet().stream()
        .map(e -> e.getKey() + "-" + e.getValue().last + " " + e.getValue().account)
        .collect(Collectors.joining(", "));
  }
}
