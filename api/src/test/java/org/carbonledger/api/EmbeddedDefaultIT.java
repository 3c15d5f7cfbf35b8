package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.Projections;
import org.carbonledger.projections.credits.BatchSupplyView;
import org.carbonledger.projections.credits.CreditQueries;
import org.carbonledger.projections.credits.HoldingBlockView;
import org.carbonledger.testsupport.RegistrySetup;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service with no profile: the embedded, file-backed default that a laptop runs. */
// Closed when the class ends, while its database still runs: the JVM runs shutdown hooks all
// at once, and a context closed then would wait on a database that is already gone.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// The first test counts the events on a new database.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedDefaultIT {

  /**
   * Under target/ rather than a JUnit temporary directory: Spring keeps the application context,
   * and with it the database and the Merkle sequencer polling it, until the JVM exits, after a
   * temporary directory would already be gone.
   */
  static final Path dataDir = Path.of("target", "embedded-it-data", UUID.randomUUID().toString());

  @DynamicPropertySource
  static void dataDirectory(DynamicPropertyRegistry registry) {
    registry.add("ledger.data-dir", () -> dataDir.toAbsolutePath().toString());
  }

  @Autowired TestRestTemplate http;
  @Autowired CommandGateway commands;
  @Autowired CreditQueries credits;
  @Autowired EventStore eventStore;
  @Autowired ProjectionProgress progress;

  @Test
  @Order(1)
  @SuppressWarnings("unchecked")
  void startsOnAnEmbeddedFileDatabaseUnderTheDataDirectory() {
    commands.sendAndWait(new OpenAccount("li-lei", HolderType.INDIVIDUAL, "Li Lei", "CN-HB"));

    assertThat(http.getForObject("/actuator/health", Map.class)).containsEntry("status", "UP");
    Map<String, Object> info = http.getForObject("/actuator/info", Map.class);
    assertThat((Map<String, Object>) info.get("eventStore"))
        .containsEntry("lastGlobalIndex", 1)
        .hasEntrySatisfying(
            "database", database -> assertThat(database.toString()).startsWith("H2"));
    assertThat(Files.exists(dataDir.resolve("ledger.mv.db"))).isTrue();
  }

  /**
   * The credit projection's statements (row values IN a list of VALUES, padded lists, multi-row
   * batches) are standard SQL that H2 runs as PostgreSQL does: a lifecycle on the embedded database
   * ends with the holdings, supply and register the rules give.
   */
  @Test
  @Order(2)
  void theCreditProjectionsWorkOnTheEmbeddedDatabase() throws Exception {
    commands.sendAndWait(new OpenAccount("h2-exchange", HolderType.OPERATOR, "Exchange", "CN-HB"));
    commands.sendAndWait(new OpenAccount("h2-acme", HolderType.ENTERPRISE, "ACME", "CN-HB"));
    RegistrySetup.approvedProject(commands::sendAndWait, "H2-P", "h2-exchange");
    String batch = RegistrySetup.issue(commands::sendAndWait, "H2-P", 100, "h2-exchange");
    commands.sendAndWait(new TransferCredits(batch, "t1", "h2-exchange", "h2-acme", 30, null));
    commands.sendAndWait(
        new TransferCredits(batch, "t2", "h2-acme", "h2-exchange", 10, new SerialBlock(11, 20)));
    commands.sendAndWait(
        new RetireCredits(
            batch,
            "r1",
            "h2-acme",
            5,
            new SerialBlock(1, 5),
            "ACME Ltd.",
            "Offsetting 2026",
            null,
            RetirementPurpose.VOLUNTARY,
            null,
            null,
            "CN-HB",
            null));
    long head = Projections.position(eventStore.createHeadToken());
    assertThat(progress.awaitPosition(head, Duration.ofSeconds(30))).isTrue();

    assertThat(credits.batch(batch).orElseThrow())
        .extracting(BatchSupplyView::issued, BatchSupplyView::tradable, BatchSupplyView::retired)
        .containsExactly(100L, 95L, 5L);
    assertThat(
            credits.holdingBlocks("h2-acme", batch, PageRequest.first(10)).items().stream()
                .map(HoldingBlockView::block))
        .containsExactly(new SerialBlock(6, 10), new SerialBlock(21, 30));
    assertThat(
            credits.holdingBlocks("h2-exchange", batch, PageRequest.first(10)).items().stream()
                .map(HoldingBlockView::block))
        .containsExactly(new SerialBlock(11, 20), new SerialBlock(31, 100));
  }

  /**
   * A response that fits the server's buffer goes out whole, with its length, in one write
   * (WholeResponses): a JSON body, and a problem written by the security filters. A larger one is
   * still sent whole, in chunks.
   */
  @Test
  @Order(3)
  void smallResponsesCarryTheirLengthAndLargeOnesStillArriveWhole() throws Exception {
    ResponseEntity<String> info = http.getForEntity("/actuator/info", String.class);
    assertThat(info.getStatusCode().value()).isEqualTo(200);
    assertThat(info.getHeaders().getContentLength()).isEqualTo(bytes(info.getBody()));
    assertThat(info.getHeaders().get(HttpHeaders.TRANSFER_ENCODING)).isNull();

    ResponseEntity<String> refused =
        http.postForEntity("/api/v1/accounts", new HttpEntity<>("{}", jsonHeaders()), String.class);
    assertThat(refused.getStatusCode().value()).isEqualTo(401);
    assertThat(refused.getBody()).contains("UNAUTHENTICATED");
    assertThat(refused.getHeaders().getContentLength()).isEqualTo(bytes(refused.getBody()));

    ResponseEntity<String> document = http.getForEntity("/v3/api-docs", String.class);
    assertThat(document.getStatusCode().value()).isEqualTo(200);
    assertThat(bytes(document.getBody())).isGreaterThan(64 * 1024);
    assertThat(new ObjectMapper().readTree(document.getBody()).path("paths").size())
        .isGreaterThan(10);
  }

  private static long bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8).length;
  }

  private static HttpHeaders jsonHeaders() {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return headers;
  }
}
