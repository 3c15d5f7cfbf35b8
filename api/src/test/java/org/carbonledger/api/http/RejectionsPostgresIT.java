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
import static org.carbonledger.api.http.RegistryHttp.problemWithoutField;
import static org.carbonledger.api.http.RegistryHttp.registerProject;
import static org.carbonledger.api.http.RegistryHttp.retirement;
import static org.carbonledger.api.http.RegistryHttp.transfer;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import org.carbonledger.api.http.RegistryHttp.Scene;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultMatcher;

/**
 * Every refusal the API can give, with its code, its status and the field at fault, and proof that
 * a refused request changes nothing: no event, no chain entry, no idempotency record, no projection
 * row.
 */
class RejectionsPostgresIT extends HttpPostgresTest {

  private static final String REASON =
      """
      {"reason":"checked by the operator"}""";

  /** A request body refused with a code naming a field. */
  private record Bad(String body, String code, String field) {}

  /** A query refused as INVALID_ARGUMENT naming a parameter. */
  private record BadQuery(String path, String field) {}

  private record Call(HttpMethod method, String path) {}

  private static String repeat(int length) {
    return "x".repeat(length);
  }

  /** Refused by the operator, with the field named. */
  private void refused(String path, String body, int status, String code, String field)
      throws Exception {
    registry.post(OPERATOR, path, body).andExpect(problem(status, code, field));
  }

  @Test
  void openingAnAccountChecksEveryFieldAndNamesTheBadOne() throws Exception {
    String before = registry.snapshot();
    String path = "/api/v1/accounts";
    refused(
        path,
        openAccount("-starts-with-a-hyphen", "PLATFORM"),
        400,
        "INVALID_ARGUMENT",
        "accountId");
    refused(path, openAccount("a" + repeat(100), "PLATFORM"), 400, "INVALID_ARGUMENT", "accountId");
    refused(path, openAccount("has space", "PLATFORM"), 400, "INVALID_ARGUMENT", "accountId");
    String ok = id("acct");
    refused(
        path,
        """
        {"accountId":"%s","name":"A","jurisdiction":"CN-HB"}"""
            .formatted(ok),
        400,
        "INVALID_ARGUMENT",
        "holderType");
    refused(path, openAccount(ok, "ALIEN"), 400, "MALFORMED_REQUEST", "holderType");
    refused(
        path,
        """
        {"accountId":"%s","holderType":"PLATFORM","name":"   ","jurisdiction":"CN-HB"}"""
            .formatted(ok),
        400,
        "INVALID_ARGUMENT",
        "name");
    refused(
        path,
        """
        {"accountId":"%s","holderType":"PLATFORM","name":"%s","jurisdiction":"CN-HB"}"""
            .formatted(ok, repeat(201)),
        400,
        "INVALID_ARGUMENT",
        "name");
    refused(
        path,
        """
        {"accountId":"%s","holderType":"PLATFORM","jurisdiction":"CN-HB"}"""
            .formatted(ok),
        400,
        "INVALID_ARGUMENT",
        "name");
    for (String jurisdiction : new String[] {"Hubei", "cn-hb", "CN-HUBEI", ""}) {
      refused(
          path,
          """
          {"accountId":"%s","holderType":"PLATFORM","name":"A","jurisdiction":"%s"}"""
              .formatted(ok, jurisdiction),
          400,
          "INVALID_ARGUMENT",
          "jurisdiction");
    }
    assertThat(registry.snapshot()).isEqualTo(before);
    registry.write(OPERATOR, path, openAccount(ok, "PLATFORM"));
  }

  /** Sends, as their owners, a request to create each kind of resource again under a taken id. */
  private void createAgain(Scene scene, String footprintId, ResultMatcher expected)
      throws Exception {
    registry
        .post(OPERATOR, "/api/v1/accounts", openAccount(scene.source(), "INDIVIDUAL"))
        .andExpect(expected);
    registry
        .post(
            OPERATOR,
            "/api/v1/methodologies",
            """
            {"methodologyId":"%s","version":"2","title":"t","sector":"s","quantifies":"q"}"""
                .formatted(scene.methodologyId()))
        .andExpect(expected);
    registry
        .post(
            OPERATOR,
            "/api/v1/projects",
            registerProject(scene.projectId(), scene.methodologyId(), scene.source()))
        .andExpect(expected);
    registry
        .post(
            scene.organiserKey(),
            "/api/v1/footprints",
            declareFootprint(footprintId, scene.organiser(), 2_000))
        .andExpect(expected);
  }

  @Test
  void creatingUnderATakenIdChangesNothing() throws Exception {
    Scene scene = registry.scene();
    String footprintId = registry.footprint(scene.organiserKey(), scene.organiser(), 1_000);
    String before = registry.snapshot();
    createAgain(scene, footprintId, result -> {});
    assertThat(registry.snapshot()).isEqualTo(before);
  }

  @Test
  void creatingUnderATakenIdIsRefusedAsAlreadyExists() throws Exception {
    Scene scene = registry.scene();
    String footprintId = registry.footprint(scene.organiserKey(), scene.organiser(), 1_000);
    createAgain(scene, footprintId, problem(409, "ALREADY_EXISTS"));
  }

  @Test
  void anAccountIsFrozenUnfrozenAndClosedOnlyFromTheRightState() throws Exception {
    Scene scene = registry.scene();
    String account = "/api/v1/accounts/" + scene.other();
    String before = registry.snapshot();
    refused(account + "/unfreeze", REASON, 409, "ACCOUNT_NOT_FROZEN", "accountId");
    refused(account + "/freeze", "{\"reason\":\" \"}", 400, "INVALID_ARGUMENT", "reason");
    refused(account + "/freeze", "{}", 400, "INVALID_ARGUMENT", "reason");
    refused(
        account + "/freeze",
        "{\"reason\":\"" + repeat(501) + "\"}",
        400,
        "INVALID_ARGUMENT",
        "reason");
    refused("/api/v1/accounts/-bad/freeze", REASON, 400, "INVALID_ARGUMENT", "accountId");
    String nobody = "/api/v1/accounts/" + id("nobody");
    for (String action : new String[] {"/freeze", "/unfreeze", "/close"}) {
      registry.post(OPERATOR, nobody + action, REASON).andExpect(problem(404, "ACCOUNT_NOT_FOUND"));
    }
    assertThat(registry.snapshot()).isEqualTo(before);

    registry.write(OPERATOR, account + "/freeze", REASON);
    before = registry.snapshot();
    refused(account + "/freeze", REASON, 409, "ACCOUNT_FROZEN", "accountId");
    assertThat(registry.snapshot()).isEqualTo(before);

    registry.write(OPERATOR, account + "/close", REASON);
    before = registry.snapshot();
    for (String action : new String[] {"/freeze", "/unfreeze", "/close"}) {
      refused(account + action, REASON, 409, "ACCOUNT_CLOSED", "accountId");
    }
    assertThat(registry.snapshot()).isEqualTo(before);
    JsonNode closed =
        registry.read(OPERATOR, account + "?minPosition=" + registry.latestPosition());
    assertThat(closed.get("status").asText()).isEqualTo("CLOSED");
  }

  @Test
  void creditsMoveOnlyBetweenOpenAccountsThatExist() throws Exception {
    Scene scene = registry.scene();
    String frozen = registry.account("ENTERPRISE");
    String closed = registry.account("ENTERPRISE");
    registry.write(OPERATOR, "/api/v1/accounts/" + frozen + "/freeze", REASON);
    registry.write(OPERATOR, "/api/v1/accounts/" + closed + "/close", REASON);
    String nobody = id("nobody");
    String issue = "/api/v1/projects/" + scene.projectId() + "/batches";
    String before = registry.snapshot();

    String transfers = scene.batchPath("transfers");
    registry
        .post(scene.holder(), transfers, transfer(scene.source(), frozen, 1))
        .andExpect(problem(409, "ACCOUNT_FROZEN", "toAccountId"));
    registry
        .post(scene.holder(), transfers, transfer(scene.source(), closed, 1))
        .andExpect(problem(409, "ACCOUNT_CLOSED", "toAccountId"));
    registry
        .post(scene.holder(), transfers, transfer(scene.source(), nobody, 1))
        .andExpect(problem(404, "ACCOUNT_NOT_FOUND", "toAccountId"));
    refused(issue, issueBatch(5, frozen), 409, "ACCOUNT_FROZEN", "receivingAccountId");
    refused(issue, issueBatch(5, closed), 409, "ACCOUNT_CLOSED", "receivingAccountId");
    refused(issue, issueBatch(5, nobody), 404, "ACCOUNT_NOT_FOUND", "receivingAccountId");
    refused(
        "/api/v1/projects",
        registerProject(id("P"), scene.methodologyId(), closed),
        409,
        "ACCOUNT_CLOSED",
        "proponentAccountId");
    refused(
        "/api/v1/projects",
        registerProject(id("P"), scene.methodologyId(), nobody),
        404,
        "ACCOUNT_NOT_FOUND",
        "proponentAccountId");
    String ghostOrganiser = registry.token("ORGANISER", nobody);
    before = registry.snapshot();
    registry
        .post(ghostOrganiser, "/api/v1/footprints", declareFootprint(id("FP"), nobody, 1_000))
        .andExpect(problem(404, "ACCOUNT_NOT_FOUND", "organiserAccountId"));
    assertThat(registry.snapshot()).isEqualTo(before);

    // Credits leave a frozen account only by cancellation.
    registry.write(OPERATOR, "/api/v1/accounts/" + scene.source() + "/freeze", REASON);
    before = registry.snapshot();
    registry
        .post(scene.holder(), transfers, transfer(scene.source(), scene.other(), 1))
        .andExpect(problem(409, "ACCOUNT_FROZEN", "fromAccountId"));
    registry
        .post(scene.holder(), scene.batchPath("retirements"), retirement(scene.source(), 1, null))
        .andExpect(problem(409, "ACCOUNT_FROZEN", "accountId"));
    assertThat(registry.snapshot()).isEqualTo(before);
    registry
        .post(OPERATOR, scene.batchPath("cancellations"), cancellation(scene.source(), 1))
        .andExpect(status().isCreated());
  }

  @Test
  void aMethodologyIsFiledWithEveryFieldApprovedOnceAndNeverAfterWithdrawal() throws Exception {
    String path = "/api/v1/methodologies";
    String template =
        """
        {"methodologyId":"%s","version":"%s","title":"%s","sector":"transport","quantifies":"%s"}""";
    String ok = id("M");
    String before = registry.snapshot();
    refused(
        path, template.formatted("-M", "1", "t", "q"), 400, "INVALID_ARGUMENT", "methodologyId");
    refused(path, template.formatted(ok, repeat(41), "t", "q"), 400, "INVALID_ARGUMENT", "version");
    refused(path, template.formatted(ok, "1", " ", "q"), 400, "INVALID_ARGUMENT", "title");
    refused(path, template.formatted(ok, "1", repeat(301), "q"), 400, "INVALID_ARGUMENT", "title");
    refused(
        path,
        template.formatted(ok, "1", "t", repeat(1001)),
        400,
        "INVALID_ARGUMENT",
        "quantifies");
    refused(
        path,
        """
        {"methodologyId":"%s","version":"1","title":"t","quantifies":"q"}"""
            .formatted(ok),
        400,
        "INVALID_ARGUMENT",
        "sector");
    String unknown = "/api/v1/methodologies/" + id("M");
    registry
        .post(OPERATOR, unknown + "/approve", "{\"reviewer\":\"r\",\"reviewReference\":\"x\"}")
        .andExpect(problem(404, "METHODOLOGY_NOT_FOUND"));
    registry
        .post(OPERATOR, unknown + "/withdraw", REASON)
        .andExpect(problem(404, "METHODOLOGY_NOT_FOUND"));
    assertThat(registry.snapshot()).isEqualTo(before);

    String filed = registry.fileMethodology();
    String approve = "/api/v1/methodologies/" + filed + "/approve";
    String proponent = registry.account("PLATFORM");
    before = registry.snapshot();
    refused(
        approve,
        "{\"reviewer\":\"\",\"reviewReference\":\"x\"}",
        400,
        "INVALID_ARGUMENT",
        "reviewer");
    refused(approve, "{\"reviewer\":\"r\"}", 400, "INVALID_ARGUMENT", "reviewReference");
    refused(
        "/api/v1/projects",
        registerProject(id("P"), filed, proponent),
        409,
        "METHODOLOGY_NOT_APPROVED",
        "methodologyId");
    refused(
        "/api/v1/projects",
        registerProject(id("P"), id("M"), proponent),
        404,
        "METHODOLOGY_NOT_FOUND",
        "methodologyId");
    assertThat(registry.snapshot()).isEqualTo(before);
    registry.write(OPERATOR, approve, "{\"reviewer\":\"r\",\"reviewReference\":\"x\"}");
    before = registry.snapshot();
    registry
        .post(OPERATOR, approve, "{\"reviewer\":\"r\",\"reviewReference\":\"x\"}")
        .andExpect(problem(409, "METHODOLOGY_ALREADY_APPROVED"));
    assertThat(registry.snapshot()).isEqualTo(before);

    registry.write(OPERATOR, "/api/v1/methodologies/" + filed + "/withdraw", REASON);
    before = registry.snapshot();
    registry
        .post(OPERATOR, approve, "{\"reviewer\":\"r\",\"reviewReference\":\"x\"}")
        .andExpect(problem(409, "METHODOLOGY_WITHDRAWN"));
    registry
        .post(OPERATOR, "/api/v1/methodologies/" + filed + "/withdraw", REASON)
        .andExpect(problem(409, "METHODOLOGY_WITHDRAWN"));
    refused(
        "/api/v1/projects",
        registerProject(id("P"), filed, proponent),
        409,
        "METHODOLOGY_WITHDRAWN",
        "methodologyId");
    assertThat(registry.snapshot()).isEqualTo(before);
    JsonNode withdrawn =
        registry.read(
            OPERATOR,
            "/api/v1/methodologies/" + filed + "?minPosition=" + registry.latestPosition());
    assertThat(withdrawn.get("status").asText()).isEqualTo("WITHDRAWN");
  }

  @Test
  void aProjectIsRegisteredWithEveryFieldAndApprovedSuspendedAndReinstatedInOrder()
      throws Exception {
    String methodologyId = registry.approvedMethodology();
    String proponent = registry.account("PLATFORM");
    String template =
        """
        {"projectId":"%s","name":"%s","proponentAccountId":"%s","methodologyId":"%s",
         "jurisdiction":"%s","district":%s,"location":"Wuhan"}""";
    String ok = id("P");
    String before = registry.snapshot();
    String path = "/api/v1/projects";
    refused(
        path,
        template.formatted("P" + repeat(80), "n", proponent, methodologyId, "CN-HB", "null"),
        400,
        "INVALID_ARGUMENT",
        "projectId");
    refused(
        path,
        template.formatted(ok, " ", proponent, methodologyId, "CN-HB", "null"),
        400,
        "INVALID_ARGUMENT",
        "name");
    refused(
        path,
        template.formatted(ok, "n", proponent, methodologyId, "Wuhan", "null"),
        400,
        "INVALID_ARGUMENT",
        "jurisdiction");
    refused(
        path,
        template.formatted(ok, "n", proponent, methodologyId, "CN-HB", "\"  \""),
        400,
        "INVALID_ARGUMENT",
        "district");
    refused(
        path,
        template.formatted(ok, "n", "bad id", methodologyId, "CN-HB", "null"),
        400,
        "INVALID_ARGUMENT",
        "proponentAccountId");
    String unknown = "/api/v1/projects/" + id("P");
    registry
        .post(OPERATOR, unknown + "/approve", null)
        .andExpect(problem(404, "PROJECT_NOT_FOUND"));
    registry
        .post(OPERATOR, unknown + "/suspend", REASON)
        .andExpect(problem(404, "PROJECT_NOT_FOUND"));
    registry
        .post(OPERATOR, unknown + "/batches", issueBatch(5, proponent))
        .andExpect(problem(404, "PROJECT_NOT_FOUND"));
    assertThat(registry.snapshot()).isEqualTo(before);

    String projectId = registry.registeredProject(methodologyId, proponent);
    String project = "/api/v1/projects/" + projectId;
    before = registry.snapshot();
    registry
        .post(OPERATOR, project + "/suspend", REASON)
        .andExpect(problem(409, "PROJECT_NOT_APPROVED"));
    registry
        .post(OPERATOR, project + "/batches", issueBatch(5, proponent))
        .andExpect(problem(409, "PROJECT_NOT_APPROVED"));
    registry
        .post(OPERATOR, project + "/reinstate", REASON)
        .andExpect(problem(409, "PROJECT_NOT_SUSPENDED"));
    assertThat(registry.snapshot()).isEqualTo(before);

    registry.write(OPERATOR, project + "/approve", null);
    before = registry.snapshot();
    registry
        .post(OPERATOR, project + "/approve", null)
        .andExpect(problem(409, "PROJECT_ALREADY_APPROVED"));
    registry
        .post(OPERATOR, project + "/reinstate", REASON)
        .andExpect(problem(409, "PROJECT_NOT_SUSPENDED"));
    refused(project + "/suspend", "{\"reason\":\"\"}", 400, "INVALID_ARGUMENT", "reason");
    assertThat(registry.snapshot()).isEqualTo(before);

    registry.write(OPERATOR, project + "/suspend", REASON);
    before = registry.snapshot();
    registry
        .post(OPERATOR, project + "/suspend", REASON)
        .andExpect(problem(409, "PROJECT_SUSPENDED"));
    registry
        .post(OPERATOR, project + "/batches", issueBatch(5, proponent))
        .andExpect(problem(409, "PROJECT_SUSPENDED"));
    registry
        .post(OPERATOR, project + "/approve", null)
        .andExpect(problem(409, "PROJECT_ALREADY_APPROVED"));
    assertThat(registry.snapshot()).isEqualTo(before);

    registry.write(OPERATOR, project + "/reinstate", REASON);
    registry
        .post(OPERATOR, project + "/batches", issueBatch(5, proponent))
        .andExpect(status().isCreated());
  }

  @Test
  void anIssuanceChecksItsVintageVerificationQuantityAndSerials() throws Exception {
    String methodologyId = registry.approvedMethodology();
    String account = registry.account("PLATFORM");
    String issue =
        "/api/v1/projects/" + registry.approvedProject(methodologyId, account) + "/batches";
    String template =
        """
        {"vintageStart":%s,"vintageEnd":%s,"verificationReportId":"%s","verifier":"%s",
         "quantity":%s,"receivingAccountId":"%s"%s}""";
    String before = registry.snapshot();
    refused(
        issue,
        template.formatted("\"2026-03-31\"", "\"2026-01-01\"", "VR", "CQC", "10", account, ""),
        400,
        "INVALID_ARGUMENT",
        "vintageEnd");
    refused(
        issue,
        template.formatted("null", "\"2026-01-01\"", "VR", "CQC", "10", account, ""),
        400,
        "INVALID_ARGUMENT",
        "vintageStart");
    refused(
        issue,
        template.formatted("\"2026-02-30\"", "\"2026-03-31\"", "VR", "CQC", "10", account, ""),
        400,
        "MALFORMED_REQUEST",
        "vintageStart");
    refused(
        issue,
        template.formatted("\"2026-01-01\"", "\"2026-03-31\"", " ", "CQC", "10", account, ""),
        400,
        "INVALID_ARGUMENT",
        "verificationReportId");
    refused(
        issue,
        template.formatted(
            "\"2026-01-01\"", "\"2026-03-31\"", "VR", repeat(201), "10", account, ""),
        400,
        "INVALID_ARGUMENT",
        "verifier");
    for (String quantity : new String[] {"0", "-5", "null"}) {
      refused(
          issue,
          template.formatted(
              "\"2026-01-01\"", "\"2026-03-31\"", "VR", "CQC", quantity, account, ""),
          400,
          "INVALID_ARGUMENT",
          "quantity");
    }
    refused(
        issue,
        template.formatted("\"2026-01-01\"", "\"2026-03-31\"", "VR", "CQC", "\"ten\"", account, ""),
        400,
        "MALFORMED_REQUEST",
        "quantity");
    refused(
        issue,
        template.formatted(
            "\"2026-01-01\"", "\"2026-03-31\"", "VR", "CQC", "10", account, ",\"firstSerial\":0"),
        400,
        "INVALID_ARGUMENT",
        "firstSerial");
    refused(
        issue,
        template.formatted(
            "\"2026-01-01\"",
            "\"2026-03-31\"",
            "VR",
            "CQC",
            "2",
            account,
            ",\"firstSerial\":" + Long.MAX_VALUE),
        400,
        "INVALID_ARGUMENT",
        "quantity");
    refused(
        issue,
        template.formatted("\"2026-01-01\"", "\"2026-03-31\"", "VR", "CQC", "10", "-x", ""),
        400,
        "INVALID_ARGUMENT",
        "receivingAccountId");
    assertThat(registry.snapshot()).isEqualTo(before);

    JsonNode imported =
        registry.write(
            OPERATOR,
            issue,
            template.formatted(
                "\"2026-01-01\"",
                "\"2026-03-31\"",
                "VR",
                "CQC",
                "10",
                account,
                ",\"firstSerial\":21"));
    JsonNode batch =
        registry.read(
            OPERATOR,
            "/api/v1/batches/"
                + imported.get("id").asText()
                + "?minPosition="
                + imported.get("position").asLong());
    assertThat(batch.get("serials").get("first").asLong()).isEqualTo(21);
    assertThat(batch.get("serials").get("last").asLong()).isEqualTo(30);
  }

  @Test
  void movementsTakeOnlyCreditsThatAreHeldAndTradable() throws Exception {
    Scene scene = registry.scene();
    String transfers = scene.batchPath("transfers");
    String retirements = scene.batchPath("retirements");
    String cancellations = scene.batchPath("cancellations");
    String before = registry.snapshot();

    registry
        .post(scene.holder(), transfers, transfer(scene.source(), scene.other(), 101))
        .andExpect(problem(409, "INSUFFICIENT_HOLDING", "fromAccountId"));
    registry
        .post(scene.holder(), retirements, retirement(scene.source(), 101, null))
        .andExpect(problem(409, "INSUFFICIENT_HOLDING", "accountId"));
    registry
        .post(OPERATOR, cancellations, cancellation(scene.other(), 1))
        .andExpect(problem(409, "INSUFFICIENT_HOLDING", "accountId"));
    registry
        .post(scene.holder(), transfers, transfer(scene.source(), scene.source(), 1))
        .andExpect(problem(400, "SAME_ACCOUNT", "toAccountId"));
    registry
        .post(
            scene.holder(),
            transfers,
            """
            {"fromAccountId":"%s","toAccountId":"%s","quantity":21,"block":{"first":90,"last":110}}"""
                .formatted(scene.source(), scene.other()))
        .andExpect(problem(409, "SERIAL_BLOCK_NOT_HELD", "block"));
    registry
        .post(
            scene.holder(),
            transfers,
            """
            {"fromAccountId":"%s","toAccountId":"%s","quantity":5,"block":{"first":1,"last":10}}"""
                .formatted(scene.source(), scene.other()))
        .andExpect(problem(400, "INVALID_ARGUMENT", "quantity"));
    registry
        .post(
            scene.holder(),
            transfers,
            """
            {"fromAccountId":"%s","toAccountId":"%s","quantity":1,"block":{"first":"one","last":1}}"""
                .formatted(scene.source(), scene.other()))
        .andExpect(problem(400, "MALFORMED_REQUEST", "block.first"));
    // A block that runs backwards, or below serial 1, is not a block.
    for (String block : new String[] {"{\"first\":5,\"last\":2}", "{\"first\":0,\"last\":3}"}) {
      registry
          .post(
              scene.holder(),
              transfers,
              """
              {"fromAccountId":"%s","toAccountId":"%s","quantity":4,"block":%s}"""
                  .formatted(scene.source(), scene.other(), block))
          .andExpect(problem(400, "MALFORMED_REQUEST", "block"));
    }
    for (String quantity : new String[] {"0", "-1"}) {
      registry
          .post(
              scene.holder(),
              transfers,
              """
              {"fromAccountId":"%s","toAccountId":"%s","quantity":%s}"""
                  .formatted(scene.source(), scene.other(), quantity))
          .andExpect(problem(400, "INVALID_ARGUMENT", "quantity"));
    }
    registry
        .post(
            scene.holder(),
            transfers,
            """
            {"fromAccountId":"%s","quantity":1}"""
                .formatted(scene.source()))
        .andExpect(problem(400, "INVALID_ARGUMENT", "toAccountId"));
    registry
        .post(
            scene.holder(),
            "/api/v1/batches/" + id("P") + "-B1/transfers",
            transfer(scene.source(), scene.other(), 1))
        .andExpect(problem(404, "BATCH_NOT_FOUND"));
    registry
        .post(
            scene.holder(),
            "/api/v1/batches/" + id("P") + "-B1/retirements",
            retirement(scene.source(), 1, null))
        .andExpect(problem(404, "BATCH_NOT_FOUND"));
    registry
        .post(
            OPERATOR,
            "/api/v1/batches/" + id("P") + "-B1/cancellations",
            cancellation(scene.source(), 1))
        .andExpect(problem(404, "BATCH_NOT_FOUND"));
    assertThat(registry.snapshot()).isEqualTo(before);

    // Retired and cancelled serials never move again.
    registry.write(
        scene.holder(),
        retirements,
        """
        {"accountId":"%s","quantity":10,"block":{"first":1,"last":10},"beneficiary":"b",
         "reason":"r","purpose":"VOLUNTARY","jurisdictionOfUse":"CN"}"""
            .formatted(scene.source()));
    registry.write(
        OPERATOR,
        cancellations,
        """
        {"accountId":"%s","quantity":10,"block":{"first":11,"last":20},
         "kind":"ADMINISTRATIVE","reason":"r"}"""
            .formatted(scene.source()));
    before = registry.snapshot();
    for (String block : new String[] {"{\"first\":1,\"last\":10}", "{\"first\":11,\"last\":20}"}) {
      registry
          .post(
              scene.holder(),
              transfers,
              """
              {"fromAccountId":"%s","toAccountId":"%s","quantity":10,"block":%s}"""
                  .formatted(scene.source(), scene.other(), block))
          .andExpect(problem(409, "SERIAL_BLOCK_NOT_HELD", "block"));
      registry
          .post(
              OPERATOR,
              cancellations,
              """
              {"accountId":"%s","quantity":10,"block":%s,"kind":"ADMINISTRATIVE","reason":"r"}"""
                  .formatted(scene.source(), block))
          .andExpect(problem(409, "SERIAL_BLOCK_NOT_HELD", "block"));
    }
    registry
        .post(scene.holder(), transfers, transfer(scene.source(), scene.other(), 81))
        .andExpect(problem(409, "INSUFFICIENT_HOLDING", "fromAccountId"));
    assertThat(registry.snapshot()).isEqualTo(before);
  }

  @Test
  void aRetirementStatesItsBeneficiaryReasonPurposeAndJurisdiction() throws Exception {
    Scene scene = registry.scene();
    String retirements = scene.batchPath("retirements");
    String template =
        """
        {"accountId":"%s","quantity":1,"beneficiary":%s,"reason":%s,"purpose":%s,
         "jurisdictionOfUse":%s%s}""";
    String a = scene.source();
    String before = registry.snapshot();
    Bad[] bad = {
      new Bad(
          template.formatted(a, "\" \"", "\"r\"", "\"VOLUNTARY\"", "\"CN\"", ""),
          "INVALID_ARGUMENT",
          "beneficiary"),
      new Bad(
          template.formatted(a, "\"" + repeat(301) + "\"", "\"r\"", "\"VOLUNTARY\"", "\"CN\"", ""),
          "INVALID_ARGUMENT",
          "beneficiary"),
      new Bad(
          template.formatted(a, "\"b\"", "null", "\"VOLUNTARY\"", "\"CN\"", ""),
          "INVALID_ARGUMENT",
          "reason"),
      new Bad(
          template.formatted(a, "\"b\"", "\"" + repeat(501) + "\"", "\"VOLUNTARY\"", "\"CN\"", ""),
          "INVALID_ARGUMENT",
          "reason"),
      new Bad(
          template.formatted(
              a,
              "\"b\"",
              "\"r\"",
              "\"VOLUNTARY\"",
              "\"CN\"",
              ",\"details\":\"" + repeat(2001) + "\""),
          "INVALID_ARGUMENT",
          "details"),
      new Bad(
          template.formatted(a, "\"b\"", "\"r\"", "null", "\"CN\"", ""),
          "INVALID_ARGUMENT",
          "purpose"),
      new Bad(
          template.formatted(a, "\"b\"", "\"r\"", "\"GIFT\"", "\"CN\"", ""),
          "MALFORMED_REQUEST",
          "purpose"),
      new Bad(
          template.formatted(a, "\"b\"", "\"r\"", "\"EVENT_NEUTRALITY\"", "\"CN\"", ""),
          "INVALID_ARGUMENT",
          "footprintId"),
      new Bad(
          template.formatted(a, "\"b\"", "\"r\"", "\"VOLUNTARY\"", "\"China\"", ""),
          "INVALID_ARGUMENT",
          "jurisdictionOfUse"),
      new Bad(
          template.formatted(a, "\"b\"", "\"r\"", "\"VOLUNTARY\"", "null", ""),
          "INVALID_ARGUMENT",
          "jurisdictionOfUse"),
      new Bad(
          template.formatted(
              a,
              "\"b\"",
              "\"r\"",
              "\"VOLUNTARY\"",
              "\"CN\"",
              ",\"consumptionPeriodStart\":\"2026-02-01\",\"consumptionPeriodEnd\":\"2026-01-01\""),
          "INVALID_ARGUMENT",
          "consumptionPeriodEnd"),
      new Bad(
          template.formatted(
              a,
              "\"b\"",
              "\"r\"",
              "\"VOLUNTARY\"",
              "\"CN\"",
              ",\"consumptionPeriodStart\":\"2026-02-01\""),
          "INVALID_ARGUMENT",
          "consumptionPeriodEnd"),
      new Bad(
          template.formatted(
              a, "\"b\"", "\"r\"", "\"VOLUNTARY\"", "\"CN\"", ",\"footprintId\":\"-x\""),
          "INVALID_ARGUMENT",
          "footprintId"),
    };
    for (Bad request : bad) {
      registry
          .post(scene.holder(), retirements, request.body())
          .andExpect(problem(400, request.code(), request.field()));
    }
    assertThat(registry.snapshot()).isEqualTo(before);
  }

  @Test
  void aCancellationStatesItsKindAndReason() throws Exception {
    Scene scene = registry.scene();
    String cancellations = scene.batchPath("cancellations");
    String before = registry.snapshot();
    refused(
        cancellations,
        """
        {"accountId":"%s","quantity":1,"reason":"r"}"""
            .formatted(scene.source()),
        400,
        "INVALID_ARGUMENT",
        "kind");
    refused(
        cancellations,
        """
        {"accountId":"%s","quantity":1,"kind":"OOPS","reason":"r"}"""
            .formatted(scene.source()),
        400,
        "MALFORMED_REQUEST",
        "kind");
    refused(
        cancellations,
        """
        {"accountId":"%s","quantity":1,"kind":"ADMINISTRATIVE","reason":" "}"""
            .formatted(scene.source()),
        400,
        "INVALID_ARGUMENT",
        "reason");
    assertThat(registry.snapshot()).isEqualTo(before);
  }

  @Test
  void aFootprintIsDeclaredByAnOrganiserOrEnterpriseWithEveryField() throws Exception {
    Scene scene = registry.scene();
    String template =
        """
        {"footprintId":"%s","organiserAccountId":"%s","kind":%s,"subject":%s,
         "periodStart":"2026-04-12","periodEnd":%s,"emissionsKg":%s,
         "inventoryBasis":"ISO 14064-1:2018","verifiedBy":"CQC"}""";
    String o = scene.organiser();
    String key = scene.organiserKey();
    String ok = id("FP");
    String before = registry.snapshot();
    Bad[] bad = {
      new Bad(
          template.formatted("-FP", o, "\"EVENT\"", "\"s\"", "\"2026-04-12\"", "1"),
          "INVALID_ARGUMENT",
          "footprintId"),
      new Bad(
          template.formatted(ok, o, "null", "\"s\"", "\"2026-04-12\"", "1"),
          "INVALID_ARGUMENT",
          "kind"),
      new Bad(
          template.formatted(ok, o, "\"PARTY\"", "\"s\"", "\"2026-04-12\"", "1"),
          "MALFORMED_REQUEST",
          "kind"),
      new Bad(
          template.formatted(ok, o, "\"EVENT\"", "\"\"", "\"2026-04-12\"", "1"),
          "INVALID_ARGUMENT",
          "subject"),
      new Bad(
          template.formatted(ok, o, "\"EVENT\"", "\"s\"", "\"2026-04-11\"", "1"),
          "INVALID_ARGUMENT",
          "periodEnd"),
      new Bad(
          template.formatted(ok, o, "\"EVENT\"", "\"s\"", "null", "1"),
          "INVALID_ARGUMENT",
          "periodEnd"),
      new Bad(
          template.formatted(ok, o, "\"EVENT\"", "\"s\"", "\"2026-04-12\"", "0"),
          "INVALID_ARGUMENT",
          "emissionsKg"),
    };
    for (Bad request : bad) {
      registry
          .post(key, "/api/v1/footprints", request.body())
          .andExpect(problem(400, request.code(), request.field()));
    }
    // An organiser key can name any account, but only organisers' and enterprises' accounts
    // declare footprints.
    String platformOrganiser = registry.token("ORGANISER", scene.source());
    before = registry.snapshot();
    registry
        .post(
            platformOrganiser,
            "/api/v1/footprints",
            declareFootprint(id("FP"), scene.source(), 1_000))
        .andExpect(problem(403, "HOLDER_TYPE_NOT_ALLOWED", "organiserAccountId"));
    assertThat(registry.snapshot()).isEqualTo(before);

    String enterpriseKey = registry.token("ORGANISER", scene.other());
    registry
        .post(enterpriseKey, "/api/v1/footprints", declareFootprint(id("FP"), scene.other(), 1_000))
        .andExpect(status().isCreated());
  }

  @Test
  void aFootprintIsCoveredByItsOwnOrganiserUpToNeutralityAndNoFurther() throws Exception {
    Scene scene = registry.scene();
    registry.giveOrganiser(scene, 10);
    String footprintId = registry.footprint(scene.organiserKey(), scene.organiser(), 2_500);
    String retirements = scene.batchPath("retirements");
    String organiser = scene.organiser();
    String key = scene.organiserKey();
    String before = registry.snapshot();

    registry
        .post(key, retirements, retirement(organiser, 1, id("FP")))
        .andExpect(problem(404, "FOOTPRINT_NOT_FOUND", "footprintId"));
    registry
        .post(key, retirements, retirement(organiser, 4, footprintId))
        .andExpect(problem(409, "FOOTPRINT_OVERCOVERED", "quantity"));
    // A holder who cites someone else's footprint.
    registry
        .post(scene.holder(), retirements, retirement(scene.source(), 1, footprintId))
        .andExpect(problem(403, "FOOTPRINT_NOT_OWNED", "footprintId"));
    assertThat(registry.snapshot()).isEqualTo(before);

    registry.write(key, retirements, retirement(organiser, 2, footprintId));
    before = registry.snapshot();
    registry
        .post(key, retirements, retirement(organiser, 2, footprintId))
        .andExpect(problem(409, "FOOTPRINT_OVERCOVERED", "quantity"));
    assertThat(registry.snapshot()).isEqualTo(before);
    JsonNode half = registry.read(key, "/api/v1/footprints/" + footprintId);
    assertThat(half.get("coveredKg").asLong()).isEqualTo(2_000);
    assertThat(half.get("status").asText()).isEqualTo("OPEN");
    registry
        .get(ANONYMOUS, "/api/v1/footprints/" + footprintId + "/certificate")
        .andExpect(problem(404, "NOT_FOUND"));

    JsonNode last = registry.write(key, retirements, retirement(organiser, 1, footprintId));
    before = registry.snapshot();
    registry
        .post(key, retirements, retirement(organiser, 1, footprintId))
        .andExpect(problem(409, "FOOTPRINT_ALREADY_NEUTRAL", "footprintId"));
    assertThat(registry.snapshot()).isEqualTo(before);
    JsonNode neutral =
        registry.read(
            key,
            "/api/v1/footprints/" + footprintId + "?minPosition=" + last.get("position").asLong());
    assertThat(neutral.get("status").asText()).isEqualTo("NEUTRAL");
    assertThat(neutral.get("coveredKg").asLong()).isEqualTo(3_000);
    JsonNode holdings = registry.read(key, "/api/v1/accounts/" + organiser + "/holdings");
    assertThat(holdings.get("items").get(0).get("quantity").asLong()).isEqualTo(7);
  }

  @Test
  void aBodyThatIsNotJsonOfTheExpectedShapeIsMalformed() throws Exception {
    Scene scene = registry.scene();
    String before = registry.snapshot();
    registry
        .post(OPERATOR, "/api/v1/accounts", "{\"accountId\":")
        .andExpect(problemWithoutField(400, "MALFORMED_REQUEST"));
    registry
        .post(OPERATOR, "/api/v1/accounts", "not json at all")
        .andExpect(problemWithoutField(400, "MALFORMED_REQUEST"));
    registry.post(OPERATOR, "/api/v1/accounts", "[]").andExpect(problem(400, "MALFORMED_REQUEST"));
    registry
        .post(OPERATOR, "/api/v1/accounts/" + scene.other() + "/freeze", null)
        .andExpect(problem(400, "MALFORMED_REQUEST"));
    registry
        .post(OPERATOR, "/api/v1/accounts", "{\"accountId\":[\"a\"],\"holderType\":\"PLATFORM\"}")
        .andExpect(problem(400, "MALFORMED_REQUEST", "accountId"));
    registry
        .post(
            scene.holder(),
            scene.batchPath("transfers"),
            """
            {"fromAccountId":"%s","toAccountId":"%s","quantity":"lots"}"""
                .formatted(scene.source(), scene.other()))
        .andExpect(problem(400, "MALFORMED_REQUEST", "quantity"));
    registry
        .post(
            OPERATOR,
            "/api/v1/api-keys",
            """
            {"name":"n","role":"HOLDER","accountIds":"%s"}"""
                .formatted(scene.source()))
        .andExpect(problem(400, "MALFORMED_REQUEST", "accountIds"));
    registry
        .post(OPERATOR, "/api/v1/api-keys", "{\"name\":\"n\",\"role\":\"ROOT\"}")
        .andExpect(problem(400, "MALFORMED_REQUEST", "role"));
    assertThat(registry.snapshot()).isEqualTo(before);
  }

  @Test
  void anApiKeyRequestNamesItsAccountsExactlyWhenItsRoleActsForAccounts() throws Exception {
    String account = registry.account("PLATFORM");
    long keys = registry.count("SELECT count(*) FROM api_client");
    String path = "/api/v1/api-keys";
    refused(path, "{\"name\":\"n\",\"role\":\"HOLDER\"}", 400, "INVALID_ARGUMENT", "accountIds");
    refused(
        path,
        "{\"name\":\"n\",\"role\":\"ORGANISER\",\"accountIds\":[]}",
        400,
        "INVALID_ARGUMENT",
        "accountIds");
    refused(
        path,
        "{\"name\":\"n\",\"role\":\"REGULATOR\",\"accountIds\":[\"" + account + "\"]}",
        400,
        "INVALID_ARGUMENT",
        "accountIds");
    refused(
        path,
        "{\"name\":\"n\",\"role\":\"HOLDER\",\"accountIds\":[\"bad id\"]}",
        400,
        "INVALID_ARGUMENT",
        "accountIds");
    refused(path, "{\"name\":\" \",\"role\":\"REGULATOR\"}", 400, "INVALID_ARGUMENT", "name");
    refused(
        path,
        "{\"name\":\"" + repeat(201) + "\",\"role\":\"REGULATOR\"}",
        400,
        "INVALID_ARGUMENT",
        "name");
    refused(path, "{\"name\":\"n\"}", 400, "INVALID_ARGUMENT", "role");
    assertThat(registry.count("SELECT count(*) FROM api_client")).isEqualTo(keys);
  }

  @Test
  void aBodyThatIsNotJsonIsAnUnsupportedMediaType() throws Exception {
    String before = registry.snapshot();
    for (MediaType type :
        new MediaType[] {
          MediaType.TEXT_PLAIN, MediaType.APPLICATION_XML, MediaType.APPLICATION_FORM_URLENCODED
        }) {
      mvc.perform(
              RegistryHttp.authorised(post("/api/v1/accounts"), OPERATOR)
                  .contentType(type)
                  .content(openAccount(id("acct"), "PLATFORM")))
          .andExpect(problem(415, "UNSUPPORTED_MEDIA_TYPE"));
    }
    assertThat(registry.snapshot()).isEqualTo(before);
  }

  @Test
  void aMethodAnEndpointDoesNotSupportIsRefused() throws Exception {
    String methodologyId = registry.approvedMethodology();
    String before = registry.snapshot();
    for (Call call :
        new Call[] {
          new Call(HttpMethod.PUT, "/api/v1/accounts"),
          new Call(HttpMethod.DELETE, "/api/v1/methodologies/" + methodologyId),
          new Call(HttpMethod.PATCH, "/api/v1/methodologies/" + methodologyId),
          new Call(HttpMethod.GET, "/api/v1/methodologies/" + methodologyId + "/approve"),
          new Call(HttpMethod.GET, "/api/v1/batches/X-B1/transfers"),
          new Call(HttpMethod.GET, "/api/v1/api-keys"),
          new Call(HttpMethod.POST, "/api/v1/supply"),
        }) {
      mvc.perform(
              RegistryHttp.authorised(request(call.method(), call.path()), OPERATOR)
                  .contentType(MediaType.APPLICATION_JSON)
                  .content("{}"))
          .andExpect(problem(405, "METHOD_NOT_ALLOWED"));
    }
    assertThat(registry.snapshot()).isEqualTo(before);
  }

  @Test
  void whatDoesNotExistIsNotFound() throws Exception {
    Scene scene = registry.scene();
    String footprintId = registry.footprint(scene.organiserKey(), scene.organiser(), 1_000);
    long position = registry.latestPosition();
    String m = "?minPosition=" + position;
    for (String path :
        new String[] {
          "/api/v1/nowhere",
          "/api/v1/accounts/" + id("nobody") + m,
          "/api/v1/methodologies/" + id("M") + m,
          "/api/v1/projects/" + id("P") + m,
          "/api/v1/batches/" + id("P") + "-B1" + m,
          "/api/v1/footprints/" + id("FP") + m,
          "/api/v1/footprints/" + id("FP") + "/coverage" + m,
          "/api/v1/footprints/" + footprintId + "/certificate" + m,
          "/api/v1/footprints/" + id("FP") + "/certificate",
          "/api/v1/retirements/" + scene.batchId() + "/RT-none",
          "/api/v1/retirements/" + scene.batchId() + "/RT-none/certificate",
          "/api/v1/checkpoints/" + Long.MAX_VALUE,
        }) {
      registry.get(OPERATOR, path).andExpect(problem(404, "NOT_FOUND"));
    }
    registry
        .get(ANONYMOUS, "/api/v1/retirements/" + scene.batchId() + "/RT-none")
        .andExpect(problem(404, "NOT_FOUND"));
    registry
        .get(ANONYMOUS, "/api/v1/proofs/inclusion?leafIndex=0&treeSize=" + Long.MAX_VALUE)
        .andExpect(problem(404, "NOT_FOUND", "treeSize"));
    registry
        .get(ANONYMOUS, "/api/v1/proofs/consistency?firstSize=1&secondSize=" + Long.MAX_VALUE)
        .andExpect(problem(404, "NOT_FOUND", "secondSize"));
    // Supply of an unknown project is zero, not an error.
    JsonNode none = registry.read(scene.holder(), "/api/v1/supply?projectId=" + id("P"));
    assertThat(none.get("issued").asLong()).isZero();
  }

  @Test
  void queryParametersAreCheckedAndNamed() throws Exception {
    long treeSize = awaitCheckpoint();
    BadQuery[] bad = {
      new BadQuery("/api/v1/retirements?purpose=GIFT", "purpose"),
      new BadQuery("/api/v1/retirements?vintageYear=0", "vintageYear"),
      new BadQuery("/api/v1/retirements?vintageYear=10000", "vintageYear"),
      new BadQuery("/api/v1/retirements?vintageYear=last", "vintageYear"),
      new BadQuery("/api/v1/retirements?retiredFrom=yesterday", "retiredFrom"),
      new BadQuery("/api/v1/retirements?retiredBefore=2026-01-01", "retiredBefore"),
      new BadQuery(
          "/api/v1/retirements?retiredFrom=2026-02-01T00:00:00Z&retiredBefore=2026-01-01T00:00:00Z",
          "retiredBefore"),
      new BadQuery("/api/v1/retirements?beneficiary=" + repeat(301), "beneficiary"),
      new BadQuery("/api/v1/retirements?minPosition=-1", "minPosition"),
      new BadQuery("/api/v1/retirements?minPosition=soon", "minPosition"),
      new BadQuery("/api/v1/checkpoints/latest-but-one", "treeSize"),
      new BadQuery("/api/v1/proofs/inclusion?treeSize=" + treeSize, "leafIndex"),
      new BadQuery("/api/v1/proofs/inclusion?leafIndex=0", "treeSize"),
      new BadQuery(
          "/api/v1/proofs/inclusion?leafIndex=" + treeSize + "&treeSize=" + treeSize, "leafIndex"),
      new BadQuery("/api/v1/proofs/inclusion?leafIndex=-1&treeSize=" + treeSize, "leafIndex"),
      new BadQuery("/api/v1/proofs/consistency?firstSize=0&secondSize=" + treeSize, "firstSize"),
      new BadQuery(
          "/api/v1/proofs/consistency?firstSize=" + (treeSize + 1) + "&secondSize=" + treeSize,
          "firstSize"),
      new BadQuery("/api/v1/proofs/consistency?firstSize=x&secondSize=" + treeSize, "firstSize"),
    };
    for (BadQuery request : bad) {
      registry
          .get(ANONYMOUS, request.path())
          .andExpect(problem(400, "INVALID_ARGUMENT", request.field()));
    }
    registry
        .get(OPERATOR, "/api/v1/accounts?minPosition=-5")
        .andExpect(problem(400, "INVALID_ARGUMENT", "minPosition"));
  }

  private long awaitCheckpoint() throws Exception {
    registry.account("PLATFORM");
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      var response =
          registry.get(ANONYMOUS, "/api/v1/checkpoints/latest").andReturn().getResponse();
      if (response.getStatus() == 200) {
        return json.readTree(response.getContentAsString()).get("treeSize").asLong();
      }
      assertThat(System.nanoTime()).as("a checkpoint is signed in time").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void aMalformedIdempotencyKeyIsRefused() throws Exception {
    String before = registry.snapshot();
    for (String key : new String[] {"has space", "k".repeat(256), "tab\there", "ключ"}) {
      registry
          .post(OPERATOR, "/api/v1/accounts", openAccount(id("acct"), "PLATFORM"), key)
          .andExpect(problem(400, "MALFORMED_REQUEST", "Idempotency-Key"));
    }
    assertThat(registry.snapshot()).isEqualTo(before);
    registry
        .post(OPERATOR, "/api/v1/accounts", openAccount(id("acct"), "PLATFORM"), "k".repeat(255))
        .andExpect(status().isCreated());
  }

  @Test
  void aFractionalAmountIsRefusedRatherThanTruncated() throws Exception {
    Scene scene = registry.scene();
    String before = registry.snapshot();
    registry
        .post(
            scene.holder(),
            scene.batchPath("transfers"),
            """
            {"fromAccountId":"%s","toAccountId":"%s","quantity":1.5}"""
                .formatted(scene.source(), scene.other()))
        .andExpect(problem(400, "MALFORMED_REQUEST", "quantity"));
    registry
        .post(
            OPERATOR,
            "/api/v1/projects/" + scene.projectId() + "/batches",
            issueBatch(10, scene.source()).replace("\"quantity\":10", "\"quantity\":10.9"))
        .andExpect(problem(400, "MALFORMED_REQUEST", "quantity"));
    registry
        .post(
            scene.organiserKey(),
            "/api/v1/footprints",
            declareFootprint(id("FP"), scene.organiser(), 1)
                .replace("\"emissionsKg\":1", "\"emissionsKg\":1.5"))
        .andExpect(problem(400, "MALFORMED_REQUEST", "emissionsKg"));
    assertThat(registry.snapshot()).isEqualTo(before);
  }
}
