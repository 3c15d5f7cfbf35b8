package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.KeyRing;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.note.NoteVerifierKey;
import org.carbonledger.chain.proof.EntryProof;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Wuhan Marathon made carbon neutral through the REST API alone, over real HTTP: the operator
 * sets the registry up and issues credits, the project's platform transfers some to the organiser,
 * the organiser declares the marathon's footprint and retires against it in two parts, the
 * footprint becomes neutral, and a retirement certificate is verified offline with the chain core
 * and the published keys, nothing else.
 */
@DirtiesContext
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "ledger.bootstrap-token=" + MarathonStoryHttpPostgresIT.OPERATOR,
      "ledger.checkpoint.interval-ms=100"
    })
@ActiveProfiles("postgres")
class MarathonStoryHttpPostgresIT {

  static final String OPERATOR = "cl_00000000000000bb.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "marathon_http");
  }

  @LocalServerPort int port;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void theMarathonBecomesNeutralAndItsCertificateVerifiesOffline() throws Exception {
    // 1. The operator files and approves a methodology and a project, and issues a batch.
    post(
        OPERATOR,
        "/api/v1/methodologies",
        """
        {"methodologyId":"WHCI-M-CYCLING","version":"1.0","title":"Cycling instead of driving",
         "sector":"transport","quantifies":"grams CO2e avoided per km cycled"}""",
        201);
    post(
        OPERATOR,
        "/api/v1/methodologies/WHCI-M-CYCLING/approve",
        """
        {"reviewer":"Wuhan expert panel","reviewReference":"REV-2026-01"}""",
        200);
    post(
        OPERATOR,
        "/api/v1/accounts",
        """
        {"accountId":"green-trips","holderType":"PLATFORM","name":"Green Trips",
         "jurisdiction":"CN-HB"}""",
        201);
    post(
        OPERATOR,
        "/api/v1/accounts",
        """
        {"accountId":"wh-marathon","holderType":"ORGANISER","name":"Wuhan Marathon",
         "jurisdiction":"CN-HB"}""",
        201);
    post(
        OPERATOR,
        "/api/v1/projects",
        """
        {"projectId":"WH-CYCLING","name":"Wuhan shared bikes","proponentAccountId":"green-trips",
         "methodologyId":"WHCI-M-CYCLING","jurisdiction":"CN-HB","district":"Wuchang",
         "location":"Wuhan"}""",
        201);
    post(OPERATOR, "/api/v1/projects/WH-CYCLING/approve", "{}", 200);
    String batchId =
        post(
                OPERATOR,
                "/api/v1/projects/WH-CYCLING/batches",
                """
            {"vintageStart":"2026-01-01","vintageEnd":"2026-03-31",
             "verificationReportId":"VR-2026-Q1","verifier":"CQC","quantity":100,
             "receivingAccountId":"green-trips"}""",
                201)
            .get("id")
            .asText();
    String platform =
        post(
                OPERATOR,
                "/api/v1/api-keys",
                """
            {"name":"Green Trips","role":"HOLDER","accountIds":["green-trips"]}""",
                201)
            .get("token")
            .asText();
    String organiser =
        post(
                OPERATOR,
                "/api/v1/api-keys",
                """
            {"name":"Marathon committee","role":"ORGANISER","accountIds":["wh-marathon"]}""",
                201)
            .get("token")
            .asText();

    // 2. Credits are transferred to the organiser.
    post(
        platform,
        "/api/v1/batches/" + batchId + "/transfers",
        """
        {"fromAccountId":"green-trips","toAccountId":"wh-marathon","quantity":60}""",
        201);

    // 3. The organiser declares the footprint and retires against it in two parts.
    post(
        organiser,
        "/api/v1/footprints",
        """
        {"footprintId":"WH-MARATHON-2026","organiserAccountId":"wh-marathon","kind":"EVENT",
         "subject":"Wuhan Marathon 2026","periodStart":"2026-03-29","periodEnd":"2026-03-29",
         "emissionsKg":45500,"inventoryBasis":"ISO 14064-1:2018","verifiedBy":"CQC"}""",
        201);
    String first =
        post(organiser, "/api/v1/batches/" + batchId + "/retirements", retirement(30), 201)
            .get("id")
            .asText();
    JsonNode second =
        post(organiser, "/api/v1/batches/" + batchId + "/retirements", retirement(16), 201);

    // 4. The footprint becomes neutral.
    JsonNode footprint =
        get(
            organiser,
            "/api/v1/footprints/WH-MARATHON-2026?minPosition=" + second.get("position").asLong(),
            200);
    assertThat(footprint.get("status").asText()).isEqualTo("NEUTRAL");
    assertThat(footprint.get("coveredKg").asLong()).isEqualTo(46_000);
    JsonNode neutrality = whenProven("/api/v1/footprints/WH-MARATHON-2026/certificate");
    assertThat(neutrality.at("/certificate/lines")).hasSize(2);

    JsonNode register =
        get(null, "/api/v1/retirements?beneficiary=marathon&purpose=EVENT_NEUTRALITY", 200);
    assertThat(register.get("items")).hasSize(2);

    // 5. The certificate verifies offline with the chain core alone.
    JsonNode certificate = certificate(batchId, first);
    JsonNode proof = certificate.get("proof");
    SignedEntry signed =
        new SignedEntry(
            EntryCodec.decode(Base64.getDecoder().decode(proof.get("entry").asText())),
            HexFormat.of().parseHex(proof.get("entryHash").asText()),
            proof.get("keyId").asText(),
            Base64.getDecoder().decode(proof.get("signature").asText()));
    List<byte[]> inclusion = new ArrayList<>();
    proof
        .get("inclusionProof")
        .forEach(hash -> inclusion.add(HexFormat.of().parseHex(hash.asText())));
    JsonNode entryKey = proof.get("entryKey");
    KeyRing trusted =
        KeyRing.of(
            new KeyRing.LedgerKey(
                entryKey.get("keyName").asText(),
                Base64.getDecoder().decode(entryKey.get("publicKey").asText()),
                entryKey.get("validFrom").asLong(),
                entryKey.hasNonNull("validUntil")
                    ? entryKey.get("validUntil").asLong()
                    : Long.MAX_VALUE));
    EntryProof entryProof =
        new EntryProof(
            signed, proof.get("leafIndex").asLong(), inclusion, proof.get("checkpoint").asText());

    String origin = certificate.get("origin").asText();
    assertThat(
            entryProof.verify(
                origin,
                trusted,
                List.of(NoteVerifierKey.parse(proof.at("/checkpointKey/vkey").asText()))))
        .isEmpty();
    Entry entry = signed.entry();
    assertThat(entry.eventType()).isEqualTo("CreditsRetired");
    assertThat(entry.streamId()).isEqualTo("batch:" + batchId);
    JsonNode payload = json.readTree(entry.payload());
    assertThat(payload.get("retirementId").asText()).isEqualTo(first);
    assertThat(payload.get("quantity").asLong()).isEqualTo(30);
    assertThat(payload.get("footprintId").asText()).isEqualTo("WH-MARATHON-2026");

    // The keys in the certificate are the ones the ledger publishes.
    JsonNode keys = get(null, "/api/v1/keys", 200);
    assertThat(keys.findValuesAsText("vkey")).contains(proof.at("/checkpointKey/vkey").asText());

    // A tampered certificate does not verify.
    byte[] otherSignature = Base64.getDecoder().decode(proof.get("signature").asText());
    otherSignature[0] ^= 1;
    EntryProof tampered =
        new EntryProof(
            new SignedEntry(entry, signed.entryHash(), signed.keyId(), otherSignature),
            entryProof.leafIndex(),
            inclusion,
            entryProof.checkpointNote());
    assertThat(
            tampered.verify(
                origin,
                trusted,
                List.of(NoteVerifierKey.parse(proof.at("/checkpointKey/vkey").asText()))))
        .isNotEmpty();
  }

  private static String retirement(int tonnes) {
    return """
        {"accountId":"wh-marathon","quantity":%d,"beneficiary":"Wuhan Marathon 2026",
         "reason":"Carbon neutral Wuhan Marathon 2026","purpose":"EVENT_NEUTRALITY",
         "jurisdictionOfUse":"CN-HB","footprintId":"WH-MARATHON-2026"}"""
        .formatted(tonnes);
  }

  private JsonNode certificate(String batchId, String retirementId) throws Exception {
    return whenProven("/api/v1/retirements/" + batchId + "/" + retirementId + "/certificate");
  }

  /** A certificate, once a signed checkpoint covers its event (within a second or so). */
  private JsonNode whenProven(String path) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      HttpResponse<String> response = send(null, HttpRequest.newBuilder(uri(path)).GET());
      if (response.statusCode() == 200) {
        return json.readTree(response.body());
      }
      assertThat(response.statusCode()).as(response.body()).isIn(404, 503);
      assertThat(System.nanoTime()).as("certificate ready in time").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private JsonNode post(String token, String path, String body, int expected) throws Exception {
    HttpResponse<String> response =
        send(
            token,
            HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(expected);
    return json.readTree(response.body());
  }

  private JsonNode get(String token, String path, int expected) throws Exception {
    HttpResponse<String> response = send(token, HttpRequest.newBuilder(uri(path)).GET());
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(expected);
    return json.readTree(response.body());
  }

  private HttpResponse<String> send(String token, HttpRequest.Builder request) throws Exception {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }
}
