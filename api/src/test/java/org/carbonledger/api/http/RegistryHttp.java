package org.carbonledger.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.ResultMatcher;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/**
 * Drives the registry through HTTP only, as a client would: issues API keys per role and sets up
 * methodologies, projects, accounts, batches and footprints with the operator's key. Every id it
 * makes is unique within the test JVM, so tests sharing one database never collide.
 */
final class RegistryHttp {

  /** The bootstrap operator key every test context registers ({@code ledger.bootstrap-token}). */
  static final String OPERATOR = "cl_00000000000000aa.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  /** No Authorization header at all. */
  static final String ANONYMOUS = null;

  private static final AtomicInteger IDS = new AtomicInteger();

  final MockMvc mvc;
  final ObjectMapper json;
  final JdbcTemplate jdbc;

  RegistryHttp(MockMvc mvc, ObjectMapper json, JdbcTemplate jdbc) {
    this.mvc = mvc;
    this.json = json;
    this.jdbc = jdbc;
  }

  /** A fresh identifier such as {@code acct-17}. */
  static String id(String prefix) {
    return prefix + "-" + IDS.incrementAndGet();
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  /** A JSON POST, with the key if one is given. */
  ResultActions post(String token, String path, String body) throws Exception {
    return post(token, path, body, null);
  }

  ResultActions post(String token, String path, String body, String idempotencyKey)
      throws Exception {
    MockHttpServletRequestBuilder request =
        authorised(
            MockMvcRequestBuilders.post(path).contentType(MediaType.APPLICATION_JSON), token);
    if (body != null) {
      request.content(body);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return mvc.perform(request);
  }

  /** A GET of a path that may carry a query, with the key if one is given. */
  ResultActions get(String token, String pathAndQuery) throws Exception {
    return mvc.perform(authorised(MockMvcRequestBuilders.get(pathAndQuery), token));
  }

  ResultActions delete(String token, String path) throws Exception {
    return mvc.perform(authorised(MockMvcRequestBuilders.delete(path), token));
  }

  static MockHttpServletRequestBuilder authorised(
      MockHttpServletRequestBuilder request, String token) {
    return token == null ? request : request.header("Authorization", "Bearer " + token);
  }

  JsonNode body(ResultActions result) throws Exception {
    return json.readTree(result.andReturn().getResponse().getContentAsString());
  }

  /** POSTs and expects success (200 or 201); returns the answer. */
  JsonNode write(String token, String path, String body) throws Exception {
    ResultActions result = post(token, path, body);
    int status = result.andReturn().getResponse().getStatus();
    assertThat(status)
        .as(
            "POST %s %s answered %s",
            path, body, result.andReturn().getResponse().getContentAsString())
        .isIn(200, 201);
    return body(result);
  }

  /** GETs and expects 200; returns the answer. */
  JsonNode read(String token, String pathAndQuery) throws Exception {
    ResultActions result = get(token, pathAndQuery);
    assertThat(result.andReturn().getResponse().getStatus())
        .as(
            "GET %s answered %s",
            pathAndQuery, result.andReturn().getResponse().getContentAsString())
        .isEqualTo(200);
    return body(result);
  }

  // ---------------------------------------------------------------------------------------------
  // Problems

  /**
   * An RFC 9457 problem with a stable code: the status, {@code application/problem+json}, and the
   * members {@code type}, {@code title}, {@code status}, {@code detail} and {@code code}.
   */
  static ResultMatcher problem(int status, String code) {
    return ResultMatcher.matchAll(
        status().is(status),
        content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON),
        jsonPath("$.type").value("urn:carbon-ledger:problem:" + code),
        jsonPath("$.title").value(code),
        jsonPath("$.status").value(status),
        jsonPath("$.detail").value(not(emptyOrNullString())),
        jsonPath("$.code").value(code));
  }

  /** A problem that names the request field at fault. */
  static ResultMatcher problem(int status, String code, String field) {
    return ResultMatcher.matchAll(problem(status, code), jsonPath("$.field").value(field));
  }

  /** A problem that names no field. */
  static ResultMatcher problemWithoutField(int status, String code) {
    return ResultMatcher.matchAll(problem(status, code), jsonPath("$.field").doesNotExist());
  }

  // ---------------------------------------------------------------------------------------------
  // API keys

  /** A key as issued: its client id and its token, shown once. */
  record Key(String clientId, String token) {}

  Key key(String role, String... accountIds) throws Exception {
    List<String> quoted = new ArrayList<>();
    for (String accountId : accountIds) {
      quoted.add("\"" + accountId + "\"");
    }
    JsonNode issued =
        write(
            OPERATOR,
            "/api/v1/api-keys",
            "{\"name\":\""
                + id(role.toLowerCase())
                + "\",\"role\":\""
                + role
                + "\",\"accountIds\":["
                + String.join(",", quoted)
                + "]}");
    return new Key(issued.get("clientId").asText(), issued.get("token").asText());
  }

  String token(String role, String... accountIds) throws Exception {
    return key(role, accountIds).token();
  }

  // ---------------------------------------------------------------------------------------------
  // Registry setup, all by the operator

  String fileMethodology() throws Exception {
    String methodologyId = id("M");
    write(
        OPERATOR,
        "/api/v1/methodologies",
        """
        {"methodologyId":"%s","version":"1.0","title":"Low-carbon trips","sector":"transport",
         "quantifies":"g CO2e avoided per km"}"""
            .formatted(methodologyId));
    return methodologyId;
  }

  String approvedMethodology() throws Exception {
    String methodologyId = fileMethodology();
    write(
        OPERATOR,
        "/api/v1/methodologies/" + methodologyId + "/approve",
        """
        {"reviewer":"Expert panel","reviewReference":"R-2026-03"}""");
    return methodologyId;
  }

  String account(String holderType) throws Exception {
    String accountId = id(holderType.toLowerCase());
    write(OPERATOR, "/api/v1/accounts", openAccount(accountId, holderType));
    return accountId;
  }

  static String openAccount(String accountId, String holderType) {
    return """
        {"accountId":"%s","holderType":"%s","name":"Account %s","jurisdiction":"CN-HB"}"""
        .formatted(accountId, holderType, accountId);
  }

  String registeredProject(String methodologyId, String proponentAccountId) throws Exception {
    String projectId = id("P");
    write(
        OPERATOR,
        "/api/v1/projects",
        registerProject(projectId, methodologyId, proponentAccountId));
    return projectId;
  }

  static String registerProject(String projectId, String methodologyId, String proponent) {
    return """
        {"projectId":"%s","name":"Wuhan cycling","proponentAccountId":"%s","methodologyId":"%s",
         "jurisdiction":"CN-HB","district":"Wuchang","location":"Wuhan"}"""
        .formatted(projectId, proponent, methodologyId);
  }

  String approvedProject(String methodologyId, String proponentAccountId) throws Exception {
    String projectId = registeredProject(methodologyId, proponentAccountId);
    write(OPERATOR, "/api/v1/projects/" + projectId + "/approve", null);
    return projectId;
  }

  static String issueBatch(long quantity, String receivingAccountId) {
    return """
        {"vintageStart":"2026-01-01","vintageEnd":"2026-03-31","verificationReportId":"VR-1",
         "verifier":"CQC","quantity":%d,"receivingAccountId":"%s"}"""
        .formatted(quantity, receivingAccountId);
  }

  String batch(String projectId, long quantity, String receivingAccountId) throws Exception {
    return write(
            OPERATOR,
            "/api/v1/projects/" + projectId + "/batches",
            issueBatch(quantity, receivingAccountId))
        .get("id")
        .asText();
  }

  static String transfer(String from, String to, long quantity) {
    return """
        {"fromAccountId":"%s","toAccountId":"%s","quantity":%d}"""
        .formatted(from, to, quantity);
  }

  static String retirement(String accountId, long quantity, String footprintId) {
    return """
        {"accountId":"%s","quantity":%d,"beneficiary":"Wuhan Marathon 2026",
         "reason":"Carbon neutral marathon","purpose":"%s","jurisdictionOfUse":"CN-HB"%s}"""
        .formatted(
            accountId,
            quantity,
            footprintId == null ? "VOLUNTARY" : "EVENT_NEUTRALITY",
            footprintId == null ? "" : ",\"footprintId\":\"" + footprintId + "\"");
  }

  static String cancellation(String accountId, long quantity) {
    return """
        {"accountId":"%s","quantity":%d,"kind":"VERIFICATION_ERROR","reason":"double counted"}"""
        .formatted(accountId, quantity);
  }

  static String declareFootprint(String footprintId, String organiserAccountId, long kg) {
    return """
        {"footprintId":"%s","organiserAccountId":"%s","kind":"EVENT",
         "subject":"Wuhan Marathon 2026","periodStart":"2026-04-12","periodEnd":"2026-04-12",
         "emissionsKg":%d,"inventoryBasis":"ISO 14064-1:2018","verifiedBy":"CQC"}"""
        .formatted(footprintId, organiserAccountId, kg);
  }

  /** Declares a footprint with the organiser's key; returns its id. */
  String footprint(String organiserToken, String organiserAccountId, long kg) throws Exception {
    String footprintId = id("FP");
    write(
        organiserToken,
        "/api/v1/footprints",
        declareFootprint(footprintId, organiserAccountId, kg));
    return footprintId;
  }

  /**
   * A whole little registry: an approved methodology and project whose batch of {@code 100} credits
   * went to the {@code source} platform account, plus an enterprise account {@code other}, an
   * organiser account, and a key for each role. The holder key acts for {@code source}, the other
   * holder key for {@code other}.
   */
  Scene scene() throws Exception {
    String methodologyId = approvedMethodology();
    String source = account("PLATFORM");
    String other = account("ENTERPRISE");
    String organiser = account("ORGANISER");
    String projectId = approvedProject(methodologyId, source);
    String batchId = batch(projectId, 100, source);
    // Reads that name no minPosition do not wait for the projections: a test that reads the
    // scene's accounts or batch straight away would otherwise race them (one did, in CI).
    awaitProjections();
    return new Scene(
        methodologyId,
        projectId,
        batchId,
        source,
        other,
        organiser,
        token("HOLDER", source),
        token("HOLDER", other),
        token("ORGANISER", organiser),
        token("REGULATOR"));
  }

  record Scene(
      String methodologyId,
      String projectId,
      String batchId,
      String source,
      String other,
      String organiser,
      String holder,
      String otherHolder,
      String organiserKey,
      String regulator) {

    String batchPath(String movement) {
      return "/api/v1/batches/" + batchId + "/" + movement;
    }
  }

  /** Moves {@code quantity} credits of the scene's batch from source to the organiser's account. */
  long giveOrganiser(Scene scene, long quantity) throws Exception {
    return write(
            scene.holder(),
            scene.batchPath("transfers"),
            transfer(scene.source(), scene.organiser(), quantity))
        .get("position")
        .asLong();
  }

  // ---------------------------------------------------------------------------------------------
  // The database, to prove what a request did or did not write

  long events() {
    return count("SELECT count(*) FROM domain_event_entry");
  }

  long count(String sql, Object... arguments) {
    Long count = jdbc.queryForObject(sql, Long.class, arguments);
    return count == null ? 0 : count;
  }

  /** Waits until the projections have handled every event written so far (read-your-writes). */
  void awaitProjections() throws Exception {
    read(OPERATOR, "/api/v1/supply?minPosition=" + latestPosition());
  }

  /** The highest position written so far; reads with it as minPosition see every write before. */
  long latestPosition() {
    return count("SELECT coalesce(max(global_index), 0) FROM domain_event_entry");
  }

  /** The projection tables a refused request must leave alone. */
  private static final List<String> PROJECTIONS =
      List.of(
          "account_view",
          "methodology_view",
          "project_view",
          "batch_supply",
          "holding_block",
          "account_movement",
          "retirement_register",
          "footprint_view",
          "footprint_coverage",
          "footprint_certificate_line");

  /**
   * Everything a refused request must leave alone: the events, their chain entries, the idempotency
   * records, and every row of every projection, read once the projections have caught up with every
   * event written so far.
   */
  String snapshot() throws Exception {
    awaitProjections();
    StringBuilder snapshot = new StringBuilder(state());
    for (String table : PROJECTIONS) {
      snapshot
          .append("\n")
          .append(table)
          .append(": ")
          .append(
              jdbc.queryForObject(
                  "SELECT count(*) || ' rows ' || coalesce(md5(string_agg(t::text, '|' ORDER BY"
                      + " t::text)), '') FROM "
                      + table
                      + " t",
                  String.class));
    }
    return snapshot.toString();
  }

  /** A snapshot of the write side that a refused request must leave alone. */
  String state() {
    return events()
        + " events, "
        + count("SELECT count(*) FROM chain_entry")
        + " entries, "
        + count("SELECT count(*) FROM idempotency_record")
        + " idempotency records";
  }
}
