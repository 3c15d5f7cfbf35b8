package org.carbonledger.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carbonledger.api.http.RegistryHttp.ANONYMOUS;
import static org.carbonledger.api.http.RegistryHttp.OPERATOR;
import static org.carbonledger.api.http.RegistryHttp.cancellation;
import static org.carbonledger.api.http.RegistryHttp.declareFootprint;
import static org.carbonledger.api.http.RegistryHttp.id;
import static org.carbonledger.api.http.RegistryHttp.issueBatch;
import static org.carbonledger.api.http.RegistryHttp.openAccount;
import static org.carbonledger.api.http.RegistryHttp.problem;
import static org.carbonledger.api.http.RegistryHttp.retirement;
import static org.carbonledger.api.http.RegistryHttp.transfer;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.carbonledger.api.http.RegistryHttp.Scene;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntryCodec;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MvcResult;

/**
 * Idempotent writes (docs/api.md "Idempotency") and read-your-writes. The Merkle log signs its
 * first checkpoint and then none for the life of this context, so that a retirement's certificate
 * is reliably not ready yet.
 */
@TestPropertySource(
    properties = {
      "ledger.checkpoint.every-leaves=1000000000",
      "ledger.checkpoint.interval-ms=3600000"
    })
class IdempotencyPostgresIT extends HttpPostgresTest {

  private static final String REASON =
      """
      {"reason":"checked by the operator"}""";

  /** One request, as a client would repeat it. */
  private record Write(String token, String path, String body) {}

  private MvcResult send(Write write, String idempotencyKey) throws Exception {
    return registry.post(write.token(), write.path(), write.body(), idempotencyKey).andReturn();
  }

  @Test
  void aRetryWithTheSameKeyAndBodyAnswersAsTheFirstDidAndWritesNothing() throws Exception {
    Scene scene = registry.scene();
    List<Write> writes =
        List.of(
            new Write(OPERATOR, "/api/v1/accounts", openAccount(id("acct"), "PLATFORM")),
            new Write(
                OPERATOR,
                "/api/v1/projects/" + scene.projectId() + "/batches",
                issueBatch(7, scene.source())),
            new Write(
                OPERATOR,
                "/api/v1/projects/"
                    + registry.registeredProject(scene.methodologyId(), scene.source())
                    + "/approve",
                null),
            new Write(OPERATOR, "/api/v1/accounts/" + scene.other() + "/freeze", REASON),
            new Write(
                scene.holder(),
                scene.batchPath("transfers"),
                transfer(scene.source(), scene.organiser(), 10)),
            new Write(
                scene.holder(),
                scene.batchPath("retirements"),
                retirement(scene.source(), 1, null)),
            new Write(OPERATOR, scene.batchPath("cancellations"), cancellation(scene.source(), 1)),
            new Write(
                scene.organiserKey(),
                "/api/v1/footprints",
                declareFootprint(id("FP"), scene.organiser(), 1_000)));
    for (Write write : writes) {
      String key = id("retry");
      MockHttpServletResponse first = send(write, key).getResponse();
      assertThat(first.getStatus()).as("%s", write).isIn(200, 201);
      String before = registry.state();

      for (int retry = 0; retry < 2; retry++) {
        MockHttpServletResponse again = send(write, key).getResponse();
        assertThat(again.getStatus()).as("%s", write).isEqualTo(first.getStatus());
        assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.getHeader("Ledger-Position"))
            .isEqualTo(first.getHeader("Ledger-Position"));
        assertThat(json.readTree(again.getContentAsString()))
            .isEqualTo(json.readTree(first.getContentAsString()));
      }
      assertThat(registry.state()).as("%s", write).isEqualTo(before);
    }
  }

  @Test
  void theSameKeyWithAnotherRequestIsRefused() throws Exception {
    Scene scene = registry.scene();
    String secondBatch = registry.batch(scene.projectId(), 50, scene.source());
    String body = transfer(scene.source(), scene.other(), 10);
    JsonNode first =
        registry.body(
            registry
                .post(scene.holder(), scene.batchPath("transfers"), body, "reused")
                .andExpect(status().isCreated()));
    String before = registry.snapshot();

    registry
        .post(
            scene.holder(),
            scene.batchPath("transfers"),
            transfer(scene.source(), scene.other(), 11),
            "reused")
        .andExpect(problem(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key"));
    registry
        .post(scene.holder(), "/api/v1/batches/" + secondBatch + "/transfers", body, "reused")
        .andExpect(problem(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key"));
    registry
        .post(
            scene.holder(),
            scene.batchPath("retirements"),
            retirement(scene.source(), 10, null),
            "reused")
        .andExpect(problem(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key"));
    assertThat(registry.snapshot()).isEqualTo(before);

    // The original answer still stands.
    JsonNode replayed =
        registry.body(
            registry
                .post(scene.holder(), scene.batchPath("transfers"), body, "reused")
                .andExpect(status().isCreated())
                .andExpect(header().string("Idempotent-Replayed", "true")));
    assertThat(replayed).isEqualTo(first);
  }

  @Test
  void idempotencyKeysAreScopedToTheApiKeyThatSendsThem() throws Exception {
    Scene scene = registry.scene();
    String secondHolder = registry.token("HOLDER", scene.source());
    String body = transfer(scene.source(), scene.other(), 10);
    long events = registry.events();

    JsonNode mine =
        registry.body(
            registry
                .post(scene.holder(), scene.batchPath("transfers"), body, "shared-key")
                .andExpect(status().isCreated()));
    JsonNode theirs =
        registry.body(
            registry
                .post(secondHolder, scene.batchPath("transfers"), body, "shared-key")
                .andExpect(status().isCreated()));
    assertThat(theirs.get("id")).isNotEqualTo(mine.get("id"));
    assertThat(registry.events()).isEqualTo(events + 2);
    JsonNode holdings =
        registry.read(
            scene.otherHolder(),
            "/api/v1/accounts/"
                + scene.other()
                + "/holdings?minPosition="
                + theirs.get("position").asLong());
    assertThat(holdings.get("items").get(0).get("quantity").asLong()).isEqualTo(20);
  }

  @Test
  void aRefusedRequestRecordsNothingAndCanBeCorrectedAndSentAgainWithTheSameKey() throws Exception {
    Scene scene = registry.scene();
    String transfers = scene.batchPath("transfers");
    String before = registry.snapshot();
    registry
        .post(scene.holder(), transfers, transfer(scene.source(), scene.other(), 1_000), "fix-me")
        .andExpect(problem(409, "INSUFFICIENT_HOLDING", "fromAccountId"));
    registry
        .post(scene.holder(), transfers, transfer(scene.source(), scene.other(), 0), "fix-me")
        .andExpect(problem(400, "INVALID_ARGUMENT", "quantity"));
    registry
        .post(scene.holder(), transfers, transfer(scene.other(), scene.source(), 10), "fix-me")
        .andExpect(problem(403, "ACCOUNT_NOT_OWNED", "fromAccountId"));
    registry
        .post(
            scene.holder(),
            transfers,
            transfer(scene.source(), scene.other(), 10).replace("}", ",\"transferId\":\"x\"}"),
            "fix-me")
        .andExpect(problem(400, "UNKNOWN_FIELD", "transferId"));
    assertThat(registry.snapshot()).isEqualTo(before);
    assertThat(
            registry.count(
                "SELECT count(*) FROM idempotency_record WHERE idempotency_key = 'fix-me'"))
        .isZero();

    long events = registry.events();
    JsonNode corrected =
        registry.body(
            registry
                .post(
                    scene.holder(),
                    transfers,
                    transfer(scene.source(), scene.other(), 10),
                    "fix-me")
                .andExpect(status().isCreated()));
    assertThat(registry.events()).isEqualTo(events + 1);
    JsonNode replayed =
        registry.body(
            registry
                .post(
                    scene.holder(),
                    transfers,
                    transfer(scene.source(), scene.other(), 10),
                    "fix-me")
                .andExpect(status().isCreated())
                .andExpect(header().string("Idempotent-Replayed", "true")));
    assertThat(replayed).isEqualTo(corrected);
    assertThat(registry.events()).isEqualTo(events + 1);
    assertThat(
            registry.count(
                "SELECT count(*) FROM idempotency_record WHERE idempotency_key = 'fix-me'"))
        .isOne();
  }

  /** Sends one request from many threads at once; returns every answer. */
  private List<MockHttpServletResponse> race(Write write, String key, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Callable<MockHttpServletResponse>> requests = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        requests.add(
            () -> {
              ready.countDown();
              go.await();
              return send(write, key).getResponse();
            });
      }
      List<Future<MockHttpServletResponse>> answers = new ArrayList<>();
      for (Callable<MockHttpServletResponse> request : requests) {
        answers.add(pool.submit(request));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      List<MockHttpServletResponse> responses = new ArrayList<>();
      for (Future<MockHttpServletResponse> answer : answers) {
        responses.add(answer.get(60, TimeUnit.SECONDS));
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  private void assertAllAlike(List<MockHttpServletResponse> responses, int status)
      throws Exception {
    JsonNode first = json.readTree(responses.get(0).getContentAsString());
    for (MockHttpServletResponse response : responses) {
      assertThat(response.getStatus())
          .as("answer %s", response.getContentAsString())
          .isEqualTo(status);
      assertThat(json.readTree(response.getContentAsString())).isEqualTo(first);
      assertThat(response.getHeader("Ledger-Position"))
          .isEqualTo(responses.get(0).getHeader("Ledger-Position"));
    }
  }

  @Test
  void racingTransfersWithOneKeyWriteOnceAndAllAnswerAlike() throws Exception {
    Scene scene = registry.scene();
    long events = registry.events();
    List<MockHttpServletResponse> responses =
        race(
            new Write(
                scene.holder(),
                scene.batchPath("transfers"),
                transfer(scene.source(), scene.other(), 10)),
            "race-transfer",
            8);
    assertAllAlike(responses, 201);
    assertThat(registry.events()).isEqualTo(events + 1);
    assertThat(
            registry.count(
                "SELECT count(*) FROM idempotency_record WHERE idempotency_key = 'race-transfer'"))
        .isOne();
    JsonNode holdings =
        registry.read(
            scene.otherHolder(),
            "/api/v1/accounts/"
                + scene.other()
                + "/holdings?minPosition="
                + registry.latestPosition());
    assertThat(holdings.get("items").get(0).get("quantity").asLong()).isEqualTo(10);
  }

  @Test
  void racingOpeningsOfOneAccountWithOneKeyWriteOnce() throws Exception {
    long events = registry.events();
    List<MockHttpServletResponse> responses =
        race(
            new Write(OPERATOR, "/api/v1/accounts", openAccount(id("acct"), "ENTERPRISE")),
            "race-open-once",
            8);
    assertThat(registry.events()).isEqualTo(events + 1);
    assertThat(
            registry.count(
                "SELECT count(*) FROM idempotency_record WHERE idempotency_key = 'race-open-once'"))
        .isOne();
    assertThat(responses).anySatisfy(response -> assertThat(response.getStatus()).isEqualTo(201));
  }

  @Test
  void racingOpeningsOfOneAccountWithOneKeyAllAnswerAlike() throws Exception {
    List<MockHttpServletResponse> responses =
        race(
            new Write(OPERATOR, "/api/v1/accounts", openAccount(id("acct"), "ENTERPRISE")),
            "race-open-alike",
            8);
    assertAllAlike(responses, 201);
  }

  @Test
  void onlyARetryIsMarkedReplayed() throws Exception {
    Scene scene = registry.scene();
    String body = transfer(scene.source(), scene.other(), 1);
    registry
        .post(scene.holder(), scene.batchPath("transfers"), body, "first-time")
        .andExpect(status().isCreated())
        .andExpect(header().doesNotExist("Idempotent-Replayed"));
    registry
        .post(scene.holder(), scene.batchPath("transfers"), body, "first-time")
        .andExpect(status().isCreated())
        .andExpect(header().string("Idempotent-Replayed", "true"));
  }

  @Test
  void theIdempotencyKeyAndTheCallerAreSignedIntoEveryEventOfTheWrite() throws Exception {
    Scene scene = registry.scene();
    long before = registry.latestPosition();
    registry
        .post(
            OPERATOR,
            "/api/v1/projects/" + scene.projectId() + "/batches",
            issueBatch(5, scene.source()),
            "issue-2026-Q1")
        .andExpect(status().isCreated());
    List<Entry> issued = entriesAfter(before);
    assertThat(issued)
        .extracting(Entry::eventType)
        .anySatisfy(type -> assertThat(type).endsWith("BatchIssuanceRecorded"))
        .anySatisfy(type -> assertThat(type).endsWith("BatchIssued"));
    assertThat(issued).hasSize(2);
    assertThat(issued)
        .allSatisfy(entry -> assertThat(entry.idempotencyKey()).isEqualTo("issue-2026-Q1"));
    assertThat(issued)
        .allSatisfy(entry -> assertThat(entry.actor()).isEqualTo("client:00000000000000aa"));

    long afterIssue = registry.latestPosition();
    registry
        .post(
            scene.holder(),
            scene.batchPath("transfers"),
            transfer(scene.source(), scene.other(), 1),
            "transfer-key/with:odd~chars!")
        .andExpect(status().isCreated());
    List<Entry> transferred = entriesAfter(afterIssue);
    assertThat(transferred)
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.idempotencyKey()).isEqualTo("transfer-key/with:odd~chars!");
              assertThat(entry.actor())
                  .startsWith("client:")
                  .isNotEqualTo("client:00000000000000aa");
            });

    long afterTransfer = registry.latestPosition();
    registry
        .post(
            scene.holder(),
            scene.batchPath("transfers"),
            transfer(scene.source(), scene.other(), 1))
        .andExpect(status().isCreated());
    assertThat(entriesAfter(afterTransfer))
        .singleElement()
        .satisfies(entry -> assertThat(entry.idempotencyKey()).isEmpty());
  }

  private List<Entry> entriesAfter(long position) {
    return jdbc.query(
        "SELECT c.entry FROM chain_entry c JOIN domain_event_entry d"
            + " ON d.event_identifier = c.event_identifier WHERE d.global_index > ?"
            + " ORDER BY d.global_index",
        (row, n) -> EntryCodec.decode(row.getBytes(1)),
        position);
  }

  @Test
  void aWriteWithoutAKeyAnswersWithThePositionOfItsOwnEvent() throws Exception {
    Scene scene = registry.scene();
    var transferred =
        registry
            .post(
                scene.holder(),
                scene.batchPath("transfers"),
                transfer(scene.source(), scene.organiser(), 10))
            .andExpect(status().isCreated())
            .andReturn()
            .getResponse();
    long position = json.readTree(transferred.getContentAsString()).get("position").asLong();
    assertThat(transferred.getHeader("Ledger-Position")).isEqualTo(Long.toString(position));
    assertThat(
            jdbc.queryForObject(
                "SELECT payload_type FROM domain_event_entry WHERE global_index = ?",
                String.class,
                position))
        .endsWith("CreditsTransferred");
  }

  @Test
  void anIssuanceAnswersWithThePositionOfTheLastOfItsTwoEvents() throws Exception {
    Scene scene = registry.scene();
    long before = registry.latestPosition();
    var issued =
        registry
            .post(
                OPERATOR,
                "/api/v1/projects/" + scene.projectId() + "/batches",
                issueBatch(5, scene.source()))
            .andExpect(status().isCreated())
            .andReturn()
            .getResponse();
    long position = json.readTree(issued.getContentAsString()).get("position").asLong();
    assertThat(issued.getHeader("Ledger-Position")).isEqualTo(Long.toString(position));
    // Both events are appended in one statement batch, whose last returned index is the answer.
    assertThat(
            jdbc.queryForList(
                "SELECT global_index FROM domain_event_entry WHERE global_index > ?"
                    + " ORDER BY global_index",
                Long.class,
                before))
        .hasSize(2)
        .last()
        .isEqualTo(position);
  }

  @Test
  void aWritesPositionLetsTheMatchingReadSeeIt() throws Exception {
    Scene scene = registry.scene();
    var transferred =
        registry
            .post(
                scene.holder(),
                scene.batchPath("transfers"),
                transfer(scene.source(), scene.organiser(), 10),
                id("ryw"))
            .andExpect(status().isCreated())
            .andReturn()
            .getResponse();
    JsonNode written = json.readTree(transferred.getContentAsString());
    long position = written.get("position").asLong();
    assertThat(transferred.getHeader("Ledger-Position")).isEqualTo(Long.toString(position));
    assertThat(position).isEqualTo(registry.latestPosition());
    String m = "?minPosition=" + position;

    JsonNode source =
        registry.read(scene.holder(), "/api/v1/accounts/" + scene.source() + "/holdings" + m);
    assertThat(source.get("items").get(0).get("quantity").asLong()).isEqualTo(90);
    JsonNode organiser =
        registry.read(
            scene.organiserKey(), "/api/v1/accounts/" + scene.organiser() + "/holdings" + m);
    assertThat(organiser.get("items").get(0).get("quantity").asLong()).isEqualTo(10);
    JsonNode statement =
        registry.read(
            scene.organiserKey(), "/api/v1/accounts/" + scene.organiser() + "/statement" + m);
    assertThat(statement.get("items").get(0).get("movementId").asText())
        .isEqualTo(written.get("id").asText());
    JsonNode holders =
        registry.read(scene.regulator(), "/api/v1/batches/" + scene.batchId() + "/holders" + m);
    assertThat(holders.get("items")).hasSize(2);

    JsonNode footprint =
        registry.write(
            scene.organiserKey(),
            "/api/v1/footprints",
            declareFootprint(id("FP"), scene.organiser(), 2_000));
    String footprintId = footprint.get("id").asText();
    JsonNode declared =
        registry.read(
            scene.organiserKey(),
            "/api/v1/footprints/" + footprintId + "?minPosition=" + footprint.get("position"));
    assertThat(declared.get("status").asText()).isEqualTo("OPEN");

    JsonNode retired =
        registry.write(
            scene.organiserKey(),
            scene.batchPath("retirements"),
            retirement(scene.organiser(), 2, footprintId));
    m = "?minPosition=" + retired.get("position").asLong();
    JsonNode register =
        registry.read(ANONYMOUS, "/api/v1/retirements" + m + "&projectId=" + scene.projectId());
    assertThat(register.get("items"))
        .extracting(item -> item.get("retirementId").asText())
        .contains(retired.get("id").asText());
    registry.read(
        ANONYMOUS, "/api/v1/retirements/" + scene.batchId() + "/" + retired.get("id").asText() + m);
    JsonNode neutral = registry.read(scene.organiserKey(), "/api/v1/footprints/" + footprintId + m);
    assertThat(neutral.get("status").asText()).isEqualTo("NEUTRAL");
    JsonNode coverage =
        registry.read(scene.organiserKey(), "/api/v1/footprints/" + footprintId + "/coverage" + m);
    assertThat(coverage.get("items")).hasSize(1);

    JsonNode cancelled =
        registry.write(OPERATOR, scene.batchPath("cancellations"), cancellation(scene.source(), 5));
    m = "?minPosition=" + cancelled.get("position").asLong();
    JsonNode batch = registry.read(scene.holder(), "/api/v1/batches/" + scene.batchId() + m);
    assertThat(batch.get("cancelled").asLong()).isEqualTo(5);
    assertThat(batch.get("retired").asLong()).isEqualTo(2);
    assertThat(batch.get("tradable").asLong()).isEqualTo(93);
    JsonNode supply =
        registry.read(scene.holder(), "/api/v1/supply" + m + "&projectId=" + scene.projectId());
    assertThat(supply.get("cancelled").asLong()).isEqualTo(5);

    JsonNode frozen =
        registry.write(OPERATOR, "/api/v1/accounts/" + scene.other() + "/freeze", REASON);
    JsonNode account =
        registry.read(
            scene.regulator(),
            "/api/v1/accounts/" + scene.other() + "?minPosition=" + frozen.get("position"));
    assertThat(account.get("status").asText()).isEqualTo("FROZEN");

    String methodologyId = id("M");
    JsonNode filed =
        registry.write(
            OPERATOR,
            "/api/v1/methodologies",
            """
            {"methodologyId":"%s","version":"1","title":"t","sector":"s","quantifies":"q"}"""
                .formatted(methodologyId));
    registry.read(
        scene.holder(),
        "/api/v1/methodologies/" + methodologyId + "?minPosition=" + filed.get("position"));
    JsonNode suspended =
        registry.write(OPERATOR, "/api/v1/projects/" + scene.projectId() + "/suspend", REASON);
    JsonNode project =
        registry.read(
            scene.holder(),
            "/api/v1/projects/" + scene.projectId() + "?minPosition=" + suspended.get("position"));
    assertThat(project.get("status").asText()).isEqualTo("SUSPENDED");
  }

  @Test
  void aReadThatCannotReachItsPositionInTimeAnswersProjectionBehind() throws Exception {
    long started = System.nanoTime();
    registry
        .get(ANONYMOUS, "/api/v1/retirements?minPosition=1000000000000")
        .andExpect(problem(503, "PROJECTION_BEHIND", "minPosition"));
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThan(Duration.ofMillis(4_500));
  }

  /** Waits for the log's one checkpoint in this context; later events stay uncovered. */
  private void awaitFirstCheckpoint() throws Exception {
    registry.account("PLATFORM");
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (registry
            .get(ANONYMOUS, "/api/v1/checkpoints/latest")
            .andReturn()
            .getResponse()
            .getStatus()
        != 200) {
      assertThat(System.nanoTime())
          .as("the first checkpoint is signed in time")
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void aCertificateOfAnEventNoSignedCheckpointCoversYetIsNotReady() throws Exception {
    awaitFirstCheckpoint();
    Scene scene = registry.scene();
    registry.giveOrganiser(scene, 1);
    String footprintId = registry.footprint(scene.organiserKey(), scene.organiser(), 1_000);
    JsonNode retired =
        registry.write(
            scene.organiserKey(),
            scene.batchPath("retirements"),
            retirement(scene.organiser(), 1, footprintId));
    String m = "?minPosition=" + retired.get("position").asLong();
    registry
        .get(
            ANONYMOUS,
            "/api/v1/retirements/"
                + scene.batchId()
                + "/"
                + retired.get("id").asText()
                + "/certificate"
                + m)
        .andExpect(problem(503, "PROOF_NOT_READY"));
    registry
        .get(ANONYMOUS, "/api/v1/footprints/" + footprintId + "/certificate" + m)
        .andExpect(problem(503, "PROOF_NOT_READY"));
  }

  @Test
  void refusalsThatMayBeRetriedSayWhenToRetry() throws Exception {
    registry
        .get(ANONYMOUS, "/api/v1/retirements?minPosition=1000000000000")
        .andExpect(problem(503, "PROJECTION_BEHIND", "minPosition"))
        .andExpect(header().string("Retry-After", "1"));
    awaitFirstCheckpoint();
    Scene scene = registry.scene();
    JsonNode retired =
        registry.write(
            scene.holder(), scene.batchPath("retirements"), retirement(scene.source(), 1, null));
    registry
        .get(
            ANONYMOUS,
            "/api/v1/retirements/"
                + scene.batchId()
                + "/"
                + retired.get("id").asText()
                + "/certificate?minPosition="
                + retired.get("position").asLong())
        .andExpect(problem(503, "PROOF_NOT_READY"))
        .andExpect(header().string("Retry-After", "1"));
  }
}
