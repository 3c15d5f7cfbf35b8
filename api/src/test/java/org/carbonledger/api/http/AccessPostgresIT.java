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
import static org.carbonledger.api.http.RegistryHttp.registerProject;
import static org.carbonledger.api.http.RegistryHttp.retirement;
import static org.carbonledger.api.http.RegistryHttp.transfer;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.carbonledger.api.http.RegistryHttp.Key;
import org.carbonledger.api.http.RegistryHttp.Scene;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntryCodec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.access.AuthorizationManagerWebInvocationPrivilegeEvaluator.HttpServletRequestTransformer;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.test.web.servlet.MvcResult;

/**
 * Who may call what: every endpoint against every role and the anonymous public, the object-level
 * checks (whose account, whose footprint), mass assignment and bounded pages (docs/api.md, OWASP
 * API1, API3, API4).
 */
class AccessPostgresIT extends HttpPostgresTest {

  private static final String REASON =
      """
      {"reason":"checked by the operator"}""";

  /**
   * The writes only an operator may make, each with a body that the operator can send successfully
   * in this order: a fresh filed methodology and a fresh registered project are made for the
   * approvals.
   */
  private Map<String, String> operatorWrites(Scene scene) throws Exception {
    String filed = registry.fileMethodology();
    String registered = registry.registeredProject(scene.methodologyId(), scene.source());
    Map<String, String> writes = new LinkedHashMap<>();
    writes.put("/api/v1/accounts", openAccount(id("acct"), "PLATFORM"));
    writes.put("/api/v1/accounts/" + scene.other() + "/freeze", REASON);
    writes.put("/api/v1/accounts/" + scene.other() + "/unfreeze", REASON);
    writes.put("/api/v1/accounts/" + scene.other() + "/close", REASON);
    writes.put(
        "/api/v1/methodologies",
        """
        {"methodologyId":"%s","version":"1.0","title":"T","sector":"s","quantifies":"q"}"""
            .formatted(id("M")));
    writes.put(
        "/api/v1/methodologies/" + filed + "/approve",
        """
        {"reviewer":"Panel","reviewReference":"R-1"}""");
    writes.put("/api/v1/methodologies/" + filed + "/withdraw", REASON);
    writes.put("/api/v1/projects", registerProject(id("P"), scene.methodologyId(), scene.source()));
    writes.put("/api/v1/projects/" + registered + "/approve", null);
    writes.put("/api/v1/projects/" + registered + "/suspend", REASON);
    writes.put("/api/v1/projects/" + registered + "/reinstate", REASON);
    writes.put("/api/v1/projects/" + registered + "/batches", issueBatch(5, scene.source()));
    writes.put(scene.batchPath("cancellations"), cancellation(scene.source(), 1));
    writes.put(
        "/api/v1/api-keys",
        """
        {"name":"Someone","role":"REGULATOR"}""");
    return writes;
  }

  @Autowired ApplicationContext context;

  /**
   * Spring Security 6.5 wraps its filter chain with a filter that looks up every request's handler
   * for {@code MvcRequestMatcher}; {@code PathPatternMatching} switches to path patterns and takes
   * that filter out. A version of Spring Security that wraps its chain differently keeps the
   * filter, and this test fails so that the upgrade is noticed. The other tests here check that the
   * patterns still let in and keep out whom they should.
   */
  @Test
  void securityMatchesPathPatternsWithoutLookingUpEachRequestsHandlerFirst() {
    Object chain = context.getBean("springSecurityFilterChain");
    assertThat(chain).isInstanceOf(FilterChainProxy.class);
    assertThat(chain.getClass().getName()).doesNotContain("WebMvcSecurityConfiguration");
    assertThat(context.getBeansOfType(PathPatternRequestMatcher.Builder.class)).hasSize(1);
    assertThat(context.getBeanNamesForType(HttpServletRequestTransformer.class))
        .containsExactly("pathPatternRequestTransformer");
  }

  @Test
  void everyWriteNeedsAnApiKey() throws Exception {
    Scene scene = registry.scene();
    Map<String, String> writes = operatorWrites(scene);
    String before = registry.state();
    writes.put(scene.batchPath("transfers"), transfer(scene.source(), scene.other(), 1));
    writes.put(scene.batchPath("retirements"), retirement(scene.source(), 1, null));
    writes.put("/api/v1/footprints", declareFootprint(id("FP"), scene.organiser(), 1000));
    for (var write : writes.entrySet()) {
      registry
          .post(ANONYMOUS, write.getKey(), write.getValue())
          .andExpect(problem(401, "UNAUTHENTICATED"))
          .andExpect(header().string("WWW-Authenticate", "Bearer"));
    }
    registry
        .delete(ANONYMOUS, "/api/v1/api-keys/00000000000000aa")
        .andExpect(problem(401, "UNAUTHENTICATED"));
    assertThat(registry.state()).isEqualTo(before);
  }

  @Test
  void onlyTheOperatorManagesAccountsMethodologiesProjectsIssuanceCancellationAndKeys()
      throws Exception {
    Scene scene = registry.scene();
    Map<String, String> writes = operatorWrites(scene);
    String before = registry.state();
    for (String token : List.of(scene.holder(), scene.organiserKey(), scene.regulator())) {
      for (var write : writes.entrySet()) {
        registry.post(token, write.getKey(), write.getValue()).andExpect(problem(403, "FORBIDDEN"));
      }
    }
    assertThat(registry.state()).isEqualTo(before);

    // The operator may make every one of them, in this order.
    for (var write : writes.entrySet()) {
      int status =
          registry
              .post(OPERATOR, write.getKey(), write.getValue())
              .andReturn()
              .getResponse()
              .getStatus();
      assertThat(status).as("operator POST %s", write.getKey()).isIn(200, 201);
    }
  }

  @Test
  void onlyTheOperatorIssuesAndRevokesApiKeysAndARevokedKeyIsRefusedEverywhere() throws Exception {
    Scene scene = registry.scene();
    Key victim = registry.key("HOLDER", scene.source());
    for (String token : List.of(scene.holder(), scene.organiserKey(), scene.regulator())) {
      registry
          .delete(token, "/api/v1/api-keys/" + victim.clientId())
          .andExpect(problem(403, "FORBIDDEN"));
    }
    registry.read(victim.token(), "/api/v1/accounts/" + scene.source());

    registry
        .delete(OPERATOR, "/api/v1/api-keys/" + victim.clientId())
        .andExpect(status().isNoContent());
    registry
        .get(victim.token(), "/api/v1/accounts/" + scene.source())
        .andExpect(problem(401, "UNAUTHENTICATED"));
    registry.get(victim.token(), "/api/v1/retirements").andExpect(problem(401, "UNAUTHENTICATED"));
    registry.get(victim.token(), "/api/v1/keys").andExpect(problem(401, "UNAUTHENTICATED"));
    registry
        .post(
            victim.token(),
            scene.batchPath("transfers"),
            transfer(scene.source(), scene.other(), 1))
        .andExpect(problem(401, "UNAUTHENTICATED"));
    registry
        .delete(OPERATOR, "/api/v1/api-keys/" + victim.clientId())
        .andExpect(problem(404, "NOT_FOUND"));
  }

  @Test
  void anInvalidKeyIsRefusedEvenOnAPublicEndpoint() throws Exception {
    String wrongSecret = OPERATOR.substring(0, OPERATOR.length() - 1) + "B";
    String unknownClient = "cl_0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    for (String token : List.of("nonsense", wrongSecret, unknownClient, "")) {
      for (String path : List.of("/api/v1/retirements", "/api/v1/keys", "/actuator/health")) {
        registry
            .get(token, path)
            .andExpect(problem(401, "UNAUTHENTICATED"))
            .andExpect(header().string("WWW-Authenticate", "Bearer"));
      }
    }
    mvc.perform(get("/api/v1/retirements").header("Authorization", "Basic b3BlcmF0b3I6c2VjcmV0"))
        .andExpect(problem(401, "UNAUTHENTICATED"));
  }

  @Test
  void onlyHoldersTransfer() throws Exception {
    Scene scene = registry.scene();
    String before = registry.state();
    String body = transfer(scene.source(), scene.other(), 1);
    for (String token : List.of(OPERATOR, scene.organiserKey(), scene.regulator())) {
      registry.post(token, scene.batchPath("transfers"), body).andExpect(problem(403, "FORBIDDEN"));
    }
    assertThat(registry.state()).isEqualTo(before);
    registry
        .post(scene.holder(), scene.batchPath("transfers"), body)
        .andExpect(status().isCreated());
  }

  @Test
  void holdersAndOrganisersRetireButOperatorsAndRegulatorsDoNot() throws Exception {
    Scene scene = registry.scene();
    registry.giveOrganiser(scene, 10);
    String footprintId = registry.footprint(scene.organiserKey(), scene.organiser(), 5_000);
    String before = registry.state();
    for (String token : List.of(OPERATOR, scene.regulator())) {
      registry
          .post(token, scene.batchPath("retirements"), retirement(scene.source(), 1, null))
          .andExpect(problem(403, "FORBIDDEN"));
    }
    assertThat(registry.state()).isEqualTo(before);
    registry
        .post(scene.holder(), scene.batchPath("retirements"), retirement(scene.source(), 1, null))
        .andExpect(status().isCreated());
    registry
        .post(
            scene.organiserKey(),
            scene.batchPath("retirements"),
            retirement(scene.organiser(), 2, footprintId))
        .andExpect(status().isCreated());
  }

  @Test
  void onlyOrganisersDeclareFootprints() throws Exception {
    Scene scene = registry.scene();
    String before = registry.state();
    String body = declareFootprint(id("FP"), scene.organiser(), 1_000);
    for (String token : List.of(OPERATOR, scene.holder(), scene.regulator())) {
      registry.post(token, "/api/v1/footprints", body).andExpect(problem(403, "FORBIDDEN"));
    }
    assertThat(registry.state()).isEqualTo(before);
    registry.post(scene.organiserKey(), "/api/v1/footprints", body).andExpect(status().isCreated());
  }

  @Test
  void anyKeyReadsMethodologiesProjectsBatchesAndSupplyButTheAnonymousPublicDoesNot()
      throws Exception {
    Scene scene = registry.scene();
    long position = registry.latestPosition();
    List<String> reads =
        List.of(
            "/api/v1/methodologies",
            "/api/v1/methodologies/" + scene.methodologyId(),
            "/api/v1/projects",
            "/api/v1/projects/" + scene.projectId(),
            "/api/v1/projects/" + scene.projectId() + "/batches",
            "/api/v1/batches",
            "/api/v1/batches/" + scene.batchId(),
            "/api/v1/supply",
            "/api/v1/supply?projectId=" + scene.projectId());
    for (String token :
        List.of(OPERATOR, scene.holder(), scene.organiserKey(), scene.regulator())) {
      for (String path : reads) {
        registry.read(token, path + (path.contains("?") ? "&" : "?") + "minPosition=" + position);
      }
    }
    for (String path : reads) {
      registry.get(ANONYMOUS, path).andExpect(problem(401, "UNAUTHENTICATED"));
    }
    JsonNode batch = registry.read(scene.holder(), "/api/v1/batches/" + scene.batchId());
    assertThat(batch.get("issued").asLong()).isEqualTo(100);
    JsonNode supply =
        registry.read(scene.regulator(), "/api/v1/supply?projectId=" + scene.projectId());
    assertThat(supply.get("issued").asLong()).isEqualTo(100);
  }

  @Test
  void onlyOperatorsAndRegulatorsListAccountsAndWhoHoldsABatch() throws Exception {
    Scene scene = registry.scene();
    long position = registry.latestPosition();
    for (String path :
        List.of("/api/v1/accounts", "/api/v1/batches/" + scene.batchId() + "/holders")) {
      for (String token : List.of(OPERATOR, scene.regulator())) {
        registry.read(token, path + "?minPosition=" + position);
      }
      for (String token : List.of(scene.holder(), scene.organiserKey())) {
        registry.get(token, path).andExpect(problem(403, "FORBIDDEN"));
      }
      registry.get(ANONYMOUS, path).andExpect(problem(401, "UNAUTHENTICATED"));
    }
    JsonNode holders =
        registry.read(scene.regulator(), "/api/v1/batches/" + scene.batchId() + "/holders");
    assertThat(holders.get("items").get(0).get("accountId").asText()).isEqualTo(scene.source());
  }

  private List<String> accountReads(String accountId, String batchId) {
    return List.of(
        "/api/v1/accounts/" + accountId,
        "/api/v1/accounts/" + accountId + "/holdings",
        "/api/v1/accounts/" + accountId + "/holdings/" + batchId + "/blocks",
        "/api/v1/accounts/" + accountId + "/statement");
  }

  @Test
  void operatorsAndRegulatorsReadEveryAccountAndAHolderItsOwn() throws Exception {
    Scene scene = registry.scene();
    long position = registry.latestPosition();
    for (String token : List.of(OPERATOR, scene.regulator(), scene.holder())) {
      for (String path : accountReads(scene.source(), scene.batchId())) {
        registry.read(token, path + "?minPosition=" + position);
      }
    }
    JsonNode holdings =
        registry.read(scene.holder(), "/api/v1/accounts/" + scene.source() + "/holdings");
    assertThat(holdings.get("items").get(0).get("quantity").asLong()).isEqualTo(100);
    JsonNode blocks =
        registry.read(
            scene.holder(),
            "/api/v1/accounts/" + scene.source() + "/holdings/" + scene.batchId() + "/blocks");
    assertThat(blocks.get("items").get(0).get("block").get("first").asLong()).isEqualTo(1);
    assertThat(blocks.get("items").get(0).get("block").get("last").asLong()).isEqualTo(100);
    registry.read(scene.organiserKey(), "/api/v1/accounts/" + scene.organiser() + "/statement");
  }

  @Test
  void aHolderCannotReadAnotherAccountsHoldingsOrStatement() throws Exception {
    Scene scene = registry.scene();
    for (String path : accountReads(scene.source(), scene.batchId())) {
      registry.get(scene.otherHolder(), path).andExpect(problem(403, "ACCOUNT_NOT_OWNED"));
      registry.get(scene.organiserKey(), path).andExpect(problem(403, "ACCOUNT_NOT_OWNED"));
      registry.get(ANONYMOUS, path).andExpect(problem(401, "UNAUTHENTICATED"));
    }
    // An account that does not exist is refused the same way, so that ids cannot be probed.
    registry
        .get(scene.holder(), "/api/v1/accounts/" + id("nobody") + "/holdings")
        .andExpect(problem(403, "ACCOUNT_NOT_OWNED"));
  }

  @Test
  void aHolderCannotMoveAnotherAccountsCredits() throws Exception {
    Scene scene = registry.scene();
    String before = registry.state();
    registry
        .post(
            scene.otherHolder(),
            scene.batchPath("transfers"),
            transfer(scene.source(), scene.other(), 10))
        .andExpect(problem(403, "ACCOUNT_NOT_OWNED", "fromAccountId"));
    registry
        .post(
            scene.otherHolder(),
            scene.batchPath("retirements"),
            retirement(scene.source(), 10, null))
        .andExpect(problem(403, "ACCOUNT_NOT_OWNED", "accountId"));
    registry
        .post(
            scene.organiserKey(),
            scene.batchPath("retirements"),
            retirement(scene.source(), 10, id("FP")))
        .andExpect(problem(403, "ACCOUNT_NOT_OWNED", "accountId"));
    assertThat(registry.state()).isEqualTo(before);
    registry
        .read(
            scene.holder(),
            "/api/v1/accounts/"
                + scene.source()
                + "/holdings?minPosition="
                + registry.latestPosition())
        .get("items")
        .forEach(item -> assertThat(item.get("quantity").asLong()).isEqualTo(100));
  }

  @Test
  void anOrganiserDeclaresFootprintsOnlyForItsOwnAccountsAndRetiresOnlyAgainstThem()
      throws Exception {
    Scene scene = registry.scene();
    String rival = registry.account("ORGANISER");
    String rivalKey = registry.token("ORGANISER", rival);
    registry.giveOrganiser(scene, 10);
    registry.write(
        scene.holder(), scene.batchPath("transfers"), transfer(scene.source(), rival, 10));
    String before = registry.state();

    registry
        .post(scene.organiserKey(), "/api/v1/footprints", declareFootprint(id("FP"), rival, 1_000))
        .andExpect(problem(403, "ACCOUNT_NOT_OWNED", "organiserAccountId"));
    registry
        .post(
            scene.organiserKey(),
            scene.batchPath("retirements"),
            retirement(scene.organiser(), 1, null))
        .andExpect(problem(403, "FORBIDDEN", "footprintId"));
    assertThat(registry.state()).isEqualTo(before);

    String rivalFootprint = registry.footprint(rivalKey, rival, 5_000);
    before = registry.state();
    registry
        .post(
            scene.organiserKey(),
            scene.batchPath("retirements"),
            retirement(scene.organiser(), 1, rivalFootprint))
        .andExpect(problem(403, "FOOTPRINT_NOT_OWNED", "footprintId"));
    assertThat(registry.state()).isEqualTo(before);

    String own = registry.footprint(scene.organiserKey(), scene.organiser(), 5_000);
    registry
        .post(
            scene.organiserKey(),
            scene.batchPath("retirements"),
            retirement(scene.organiser(), 1, own))
        .andExpect(status().isCreated());
  }

  @Test
  void footprintsAreReadByTheirOrganiserOperatorsAndRegulatorsOnly() throws Exception {
    Scene scene = registry.scene();
    String rival = registry.account("ORGANISER");
    String rivalKey = registry.token("ORGANISER", rival);
    String footprintId = registry.footprint(scene.organiserKey(), scene.organiser(), 3_000);
    long position = registry.latestPosition();
    List<String> reads =
        List.of(
            "/api/v1/footprints/" + footprintId,
            "/api/v1/footprints/" + footprintId + "/coverage",
            "/api/v1/footprints?organiserAccountId=" + scene.organiser());
    for (String token : List.of(OPERATOR, scene.regulator(), scene.organiserKey())) {
      for (String path : reads) {
        registry.read(token, path + (path.contains("?") ? "&" : "?") + "minPosition=" + position);
      }
    }
    for (String token : List.of(rivalKey, scene.holder())) {
      for (String path : reads) {
        registry.get(token, path).andExpect(problem(403, "ACCOUNT_NOT_OWNED"));
      }
      registry
          .get(token, "/api/v1/footprints")
          .andExpect(problem(403, "FORBIDDEN", "organiserAccountId"));
    }
    for (String path : reads) {
      registry.get(ANONYMOUS, path).andExpect(problem(401, "UNAUTHENTICATED"));
    }
    JsonNode all = registry.read(scene.regulator(), "/api/v1/footprints");
    assertThat(all.get("items")).isNotEmpty();
    JsonNode own = registry.read(scene.organiserKey(), reads.get(0));
    assertThat(own.get("emissionsKg").asLong()).isEqualTo(3_000);
    assertThat(own.get("status").asText()).isEqualTo("OPEN");
  }

  @Test
  void thePublicAndEveryRoleReadTheRegisterCertificatesCheckpointsProofsAndKeys() throws Exception {
    Scene scene = registry.scene();
    registry.giveOrganiser(scene, 3);
    String footprintId = registry.footprint(scene.organiserKey(), scene.organiser(), 3_000);
    JsonNode retired =
        registry.write(
            scene.organiserKey(),
            scene.batchPath("retirements"),
            retirement(scene.organiser(), 3, footprintId));
    String retirementId = retired.get("id").asText();
    long position = retired.get("position").asLong();

    String certificate =
        "/api/v1/retirements/" + scene.batchId() + "/" + retirementId + "/certificate";
    JsonNode proof = awaitCertificate(certificate + "?minPosition=" + position);
    assertThat(proof.get("format").asText()).isEqualTo("carbon-ledger/retirement-certificate/v1");
    long treeSize = proof.get("proof").get("treeSize").asLong();
    awaitCertificate("/api/v1/footprints/" + footprintId + "/certificate?minPosition=" + position);

    List<String> publicReads =
        List.of(
            "/api/v1/retirements?minPosition=" + position,
            "/api/v1/retirements?beneficiary=marathon&purpose=EVENT_NEUTRALITY&projectId="
                + scene.projectId()
                + "&vintageYear=2026&retiredFrom=2020-01-01T00:00:00Z"
                + "&retiredBefore=2100-01-01T00:00:00Z",
            "/api/v1/retirements/" + scene.batchId() + "/" + retirementId,
            certificate,
            "/api/v1/footprints/" + footprintId + "/certificate",
            "/api/v1/checkpoints/latest",
            "/api/v1/checkpoints/" + treeSize,
            "/api/v1/proofs/inclusion?leafIndex=0&treeSize=" + treeSize,
            "/api/v1/proofs/consistency?firstSize=1&secondSize=" + treeSize,
            "/api/v1/keys",
            "/actuator/health",
            "/actuator/info");
    List<String> everyone = new ArrayList<>();
    everyone.add(ANONYMOUS);
    everyone.addAll(
        List.of(
            OPERATOR,
            scene.holder(),
            scene.otherHolder(),
            scene.organiserKey(),
            scene.regulator()));
    for (String token : everyone) {
      for (String path : publicReads) {
        registry.read(token, path);
      }
    }
    JsonNode register = registry.read(ANONYMOUS, publicReads.get(1));
    assertThat(register.get("items"))
        .anySatisfy(item -> assertThat(item.get("retirementId").asText()).isEqualTo(retirementId));
    JsonNode keys = registry.read(ANONYMOUS, "/api/v1/keys");
    assertThat(keys).extracting(key -> key.get("purpose").asText()).contains("entry", "checkpoint");
  }

  private JsonNode awaitCertificate(String path) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      MvcResult result = registry.get(ANONYMOUS, path).andReturn();
      if (result.getResponse().getStatus() == 200) {
        return json.readTree(result.getResponse().getContentAsString());
      }
      assertThat(result.getResponse().getContentAsString()).contains("PROOF_NOT_READY");
      assertThat(System.nanoTime()).as("a checkpoint covers %s in time", path).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void onlyRegulatorsExportEveryEventWithItsSignedEntryInBoundedPages() throws Exception {
    Scene scene = registry.scene();
    String export = "/api/v1/exports/events";
    for (String token : List.of(OPERATOR, scene.holder(), scene.organiserKey())) {
      registry.get(token, export).andExpect(problem(403, "FORBIDDEN"));
    }
    registry.get(ANONYMOUS, export).andExpect(problem(401, "UNAUTHENTICATED"));
    for (String limit : List.of("0", "5001", "-1", "all")) {
      registry
          .get(scene.regulator(), export + "?limit=" + limit)
          .andExpect(problem(400, "INVALID_ARGUMENT", "limit"));
    }
    registry
        .get(scene.regulator(), export + "?after=start")
        .andExpect(problem(400, "INVALID_ARGUMENT", "after"));

    long events = registry.events();
    List<Long> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      JsonNode page =
          registry.read(
              scene.regulator(), export + "?limit=97" + (after == null ? "" : "&after=" + after));
      assertThat(page.get("items").size()).isLessThanOrEqualTo(97);
      for (JsonNode event : page.get("items")) {
        seen.add(event.get("globalIndex").asLong());
        Entry entry = EntryCodec.decode(Base64.getDecoder().decode(event.get("entry").asText()));
        assertThat(entry.streamId()).isEqualTo(event.get("streamId").asText());
        assertThat(entry.sequence()).isEqualTo(event.get("sequence").asLong());
      }
      after = page.hasNonNull("next") ? page.get("next").asText() : null;
      pages++;
    } while (after != null && pages < 1_000);
    assertThat(seen).doesNotHaveDuplicates().isSorted().hasSizeGreaterThanOrEqualTo((int) events);
  }

  @Test
  void theOpenApiDocumentAndItsUiAreServedToAnyoneAndListEveryEndpoint() throws Exception {
    JsonNode document = registry.read(ANONYMOUS, "/v3/api-docs");
    registry
        .get(ANONYMOUS, "/v3/api-docs.yaml")
        .andExpect(status().isOk())
        .andExpect(content().string(containsString("openapi:")));
    int ui = registry.get(ANONYMOUS, "/swagger-ui.html").andReturn().getResponse().getStatus();
    assertThat(ui).isIn(200, 302);
    registry.get(ANONYMOUS, "/swagger-ui/index.html").andExpect(status().isOk());

    Map<String, List<String>> endpoints = new LinkedHashMap<>();
    endpoints.put("/api/v1/api-keys", List.of("post"));
    endpoints.put("/api/v1/api-keys/{clientId}", List.of("delete"));
    endpoints.put("/api/v1/accounts", List.of("get", "post"));
    endpoints.put("/api/v1/accounts/{accountId}", List.of("get"));
    endpoints.put("/api/v1/accounts/{accountId}/freeze", List.of("post"));
    endpoints.put("/api/v1/accounts/{accountId}/unfreeze", List.of("post"));
    endpoints.put("/api/v1/accounts/{accountId}/close", List.of("post"));
    endpoints.put("/api/v1/accounts/{accountId}/holdings", List.of("get"));
    endpoints.put("/api/v1/accounts/{accountId}/holdings/{batchId}/blocks", List.of("get"));
    endpoints.put("/api/v1/accounts/{accountId}/statement", List.of("get"));
    endpoints.put("/api/v1/methodologies", List.of("get", "post"));
    endpoints.put("/api/v1/methodologies/{methodologyId}", List.of("get"));
    endpoints.put("/api/v1/methodologies/{methodologyId}/approve", List.of("post"));
    endpoints.put("/api/v1/methodologies/{methodologyId}/withdraw", List.of("post"));
    endpoints.put("/api/v1/projects", List.of("get", "post"));
    endpoints.put("/api/v1/projects/{projectId}", List.of("get"));
    endpoints.put("/api/v1/projects/{projectId}/approve", List.of("post"));
    endpoints.put("/api/v1/projects/{projectId}/suspend", List.of("post"));
    endpoints.put("/api/v1/projects/{projectId}/reinstate", List.of("post"));
    endpoints.put("/api/v1/projects/{projectId}/batches", List.of("get", "post"));
    endpoints.put("/api/v1/batches", List.of("get"));
    endpoints.put("/api/v1/batches/{batchId}", List.of("get"));
    endpoints.put("/api/v1/batches/{batchId}/holders", List.of("get"));
    endpoints.put("/api/v1/batches/{batchId}/transfers", List.of("post"));
    endpoints.put("/api/v1/batches/{batchId}/retirements", List.of("post"));
    endpoints.put("/api/v1/batches/{batchId}/cancellations", List.of("post"));
    endpoints.put("/api/v1/supply", List.of("get"));
    endpoints.put("/api/v1/footprints", List.of("get", "post"));
    endpoints.put("/api/v1/footprints/{footprintId}", List.of("get"));
    endpoints.put("/api/v1/footprints/{footprintId}/coverage", List.of("get"));
    endpoints.put("/api/v1/footprints/{footprintId}/certificate", List.of("get"));
    endpoints.put("/api/v1/retirements", List.of("get"));
    endpoints.put("/api/v1/retirements/{batchId}/{retirementId}", List.of("get"));
    endpoints.put("/api/v1/retirements/{batchId}/{retirementId}/certificate", List.of("get"));
    endpoints.put("/api/v1/checkpoints/latest", List.of("get"));
    endpoints.put("/api/v1/checkpoints/{treeSize}", List.of("get"));
    endpoints.put("/api/v1/proofs/inclusion", List.of("get"));
    endpoints.put("/api/v1/proofs/consistency", List.of("get"));
    endpoints.put("/api/v1/keys", List.of("get"));
    endpoints.put("/api/v1/exports/events", List.of("get"));
    JsonNode paths = document.get("paths");
    for (var endpoint : endpoints.entrySet()) {
      assertThat(paths.has(endpoint.getKey()))
          .as("the document lists %s", endpoint.getKey())
          .isTrue();
      for (String method : endpoint.getValue()) {
        assertThat(paths.get(endpoint.getKey()).has(method))
            .as("the document lists %s %s", method, endpoint.getKey())
            .isTrue();
      }
    }
    Set<String> listed = new HashSet<>();
    paths.fieldNames().forEachRemaining(listed::add);
    assertThat(listed).as("no endpoint is left untested here").isSubsetOf(endpoints.keySet());
  }

  @Test
  void serverOwnedFieldsCannotBeMassAssigned() throws Exception {
    Scene scene = registry.scene();
    registry.giveOrganiser(scene, 5);
    String footprintId = registry.footprint(scene.organiserKey(), scene.organiser(), 5_000);
    String before = registry.state();
    List<Attempt> attempts =
        List.of(
            new Attempt(
                scene.holder(),
                scene.batchPath("transfers"),
                withField(transfer(scene.source(), scene.other(), 1), "\"transferId\":\"TR-mine\""),
                "transferId"),
            new Attempt(
                scene.holder(),
                scene.batchPath("retirements"),
                withField(retirement(scene.source(), 1, null), "\"retirementId\":\"RT-mine\""),
                "retirementId"),
            new Attempt(
                scene.organiserKey(),
                scene.batchPath("retirements"),
                withField(retirement(scene.organiser(), 1, footprintId), "\"coveredKg\":5000"),
                "coveredKg"),
            new Attempt(
                OPERATOR,
                scene.batchPath("cancellations"),
                withField(cancellation(scene.source(), 1), "\"cancellationId\":\"CX-mine\""),
                "cancellationId"),
            new Attempt(
                OPERATOR,
                "/api/v1/projects/" + scene.projectId() + "/batches",
                withField(issueBatch(10, scene.source()), "\"batchId\":\"mine-B1\""),
                "batchId"),
            new Attempt(
                OPERATOR,
                "/api/v1/projects/" + scene.projectId() + "/batches",
                withField(issueBatch(10, scene.source()), "\"batchSequence\":7"),
                "batchSequence"),
            new Attempt(
                scene.organiserKey(),
                "/api/v1/footprints",
                withField(
                    declareFootprint(id("FP"), scene.organiser(), 1_000), "\"coveredKg\":1000"),
                "coveredKg"),
            new Attempt(
                scene.organiserKey(),
                "/api/v1/footprints",
                withField(
                    declareFootprint(id("FP"), scene.organiser(), 1_000), "\"status\":\"NEUTRAL\""),
                "status"),
            new Attempt(
                OPERATOR,
                "/api/v1/accounts",
                withField(openAccount(id("acct"), "PLATFORM"), "\"status\":\"OPEN\""),
                "status"),
            new Attempt(
                OPERATOR,
                "/api/v1/projects",
                withField(
                    registerProject(id("P"), scene.methodologyId(), scene.source()),
                    "\"approvedBy\":\"me\""),
                "approvedBy"),
            new Attempt(
                OPERATOR,
                "/api/v1/methodologies/" + scene.methodologyId() + "/withdraw",
                "{\"reason\":\"r\",\"status\":\"APPROVED\"}",
                "status"),
            new Attempt(
                OPERATOR,
                "/api/v1/api-keys",
                "{\"name\":\"n\",\"role\":\"REGULATOR\",\"token\":\"cl_x\"}",
                "token"));
    for (Attempt attempt : attempts) {
      registry
          .post(attempt.token(), attempt.path(), attempt.body())
          .andExpect(problem(400, "UNKNOWN_FIELD", attempt.field()));
    }
    assertThat(registry.state()).isEqualTo(before);
    assertThat(registry.count("SELECT count(*) FROM api_client WHERE name = 'n'")).isZero();
  }

  /** A request that tries to set a field the server owns. */
  private record Attempt(String token, String path, String body, String field) {}

  private static String withField(String body, String field) {
    return body.substring(0, body.lastIndexOf('}')) + "," + field + "}";
  }

  @Test
  void pageSizesAreBoundedAndMustBeNumbers() throws Exception {
    Scene scene = registry.scene();
    Map<String, String> lists = new LinkedHashMap<>();
    lists.put("/api/v1/retirements", ANONYMOUS);
    lists.put("/api/v1/accounts", OPERATOR);
    lists.put("/api/v1/accounts/" + scene.source() + "/statement", scene.holder());
    lists.put("/api/v1/accounts/" + scene.source() + "/holdings", scene.holder());
    lists.put(
        "/api/v1/accounts/" + scene.source() + "/holdings/" + scene.batchId() + "/blocks",
        scene.holder());
    lists.put("/api/v1/methodologies", scene.holder());
    lists.put("/api/v1/projects", scene.holder());
    lists.put("/api/v1/projects/" + scene.projectId() + "/batches", scene.holder());
    lists.put("/api/v1/batches", scene.holder());
    lists.put("/api/v1/batches/" + scene.batchId() + "/holders", scene.regulator());
    lists.put("/api/v1/footprints", scene.regulator());
    lists.put(
        "/api/v1/footprints/"
            + registry.footprint(scene.organiserKey(), scene.organiser(), 10)
            + "/coverage",
        scene.organiserKey());
    for (var list : lists.entrySet()) {
      for (String limit : List.of("0", "501", "-1", "many", "1.5")) {
        registry
            .get(list.getValue(), list.getKey() + "?limit=" + limit)
            .andExpect(problem(400, "INVALID_ARGUMENT", "limit"));
      }
      registry.read(list.getValue(), list.getKey() + "?limit=500");
      registry.read(list.getValue(), list.getKey() + "?limit=1");
      registry
          .get(list.getValue(), list.getKey() + "?after=not-a-cursor")
          .andExpect(problem(400, "INVALID_ARGUMENT", "after"));
    }
  }

  @Test
  void listsHoldFiftyItemsByDefaultAndContinueByCursorWithoutDuplicates() throws Exception {
    Set<String> opened = new HashSet<>();
    for (int i = 0; i < 55; i++) {
      opened.add(registry.account("INDIVIDUAL"));
    }
    long position = registry.latestPosition();
    JsonNode first = registry.read(OPERATOR, "/api/v1/accounts?minPosition=" + position);
    long total = registry.count("SELECT count(*) FROM account_view");
    assertThat(first.get("items")).hasSize(50);
    assertThat(first.get("next").asText()).isNotBlank();

    String regulator = registry.token("REGULATOR");
    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      JsonNode page =
          registry.read(
              regulator, "/api/v1/accounts?limit=7" + (after == null ? "" : "&after=" + after));
      assertThat(page.get("items").size()).isLessThanOrEqualTo(7);
      page.get("items").forEach(item -> seen.add(item.get("accountId").asText()));
      after = page.hasNonNull("next") ? page.get("next").asText() : null;
      pages++;
    } while (after != null && pages < 1_000);
    assertThat(seen).doesNotHaveDuplicates().containsAll(opened).hasSize((int) total);

    // A cursor of another list is not a cursor of this one.
    registry.write(
        OPERATOR,
        "/api/v1/methodologies",
        """
        {"methodologyId":"%s","version":"1","title":"t","sector":"s","quantifies":"q"}"""
            .formatted(id("M")));
    registry.write(
        OPERATOR,
        "/api/v1/methodologies",
        """
        {"methodologyId":"%s","version":"1","title":"t","sector":"s","quantifies":"q"}"""
            .formatted(id("M")));
    JsonNode methodologies =
        registry.read(
            OPERATOR, "/api/v1/methodologies?limit=1&minPosition=" + registry.latestPosition());
    registry
        .get(OPERATOR, "/api/v1/accounts?after=" + methodologies.get("next").asText())
        .andExpect(problem(400, "INVALID_ARGUMENT", "after"));
  }
}
