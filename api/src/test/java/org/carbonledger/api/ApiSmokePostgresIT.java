package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

@DirtiesContext
@SpringBootTest(properties = "ledger.bootstrap-token=" + ApiSmokePostgresIT.OPERATOR)
@AutoConfigureMockMvc
@ActiveProfiles("postgres")
class ApiSmokePostgresIT {

  static final String OPERATOR = "cl_00000000000000aa.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "api_smoke");
  }

  @Autowired MockMvc http;
  @Autowired ObjectMapper json;
  @Autowired JdbcTemplate jdbc;

  @Test
  void theOperatorSetsUpAndAHolderTransfersWithAnIdempotencyKey() throws Exception {
    write(
            OPERATOR,
            "/api/v1/methodologies",
            """
        {"methodologyId":"M-1","version":"1.0","title":"Cycling","sector":"transport",
         "quantifies":"grams avoided per km"}""")
        .andExpect(status().isCreated());
    write(
            OPERATOR,
            "/api/v1/methodologies/M-1/approve",
            """
        {"reviewer":"Panel","reviewReference":"R-1"}""")
        .andExpect(status().isOk());
    write(
            OPERATOR,
            "/api/v1/accounts",
            """
        {"accountId":"green","holderType":"PLATFORM","name":"Green","jurisdiction":"CN-HB"}""")
        .andExpect(status().isCreated());
    write(
            OPERATOR,
            "/api/v1/accounts",
            """
        {"accountId":"org","holderType":"ORGANISER","name":"Marathon","jurisdiction":"CN-HB"}""")
        .andExpect(status().isCreated());
    write(
            OPERATOR,
            "/api/v1/projects",
            """
        {"projectId":"P-1","name":"Bikes","proponentAccountId":"green","methodologyId":"M-1",
         "jurisdiction":"CN-HB","district":"Wuchang","location":"Wuhan"}""")
        .andExpect(status().isCreated());
    write(OPERATOR, "/api/v1/projects/P-1/approve", "{}").andExpect(status().isOk());
    JsonNode issued =
        body(
            write(
                    OPERATOR,
                    "/api/v1/projects/P-1/batches",
                    """
                {"vintageStart":"2026-01-01","vintageEnd":"2026-03-31",
                 "verificationReportId":"VR-1","verifier":"CQC","quantity":100,
                 "receivingAccountId":"green"}""")
                .andExpect(status().isCreated()));
    assertThat(issued.get("id").asText()).isEqualTo("P-1-B1");

    JsonNode key =
        body(
            write(
                    OPERATOR,
                    "/api/v1/api-keys",
                    """
                {"name":"Green's app","role":"HOLDER","accountIds":["green"]}""")
                .andExpect(status().isCreated()));
    String holder = key.get("token").asText();

    String transfer =
        """
        {"fromAccountId":"green","toAccountId":"org","quantity":40}""";
    JsonNode first =
        body(
            http.perform(
                    post("/api/v1/batches/P-1-B1/transfers")
                        .header("Authorization", "Bearer " + holder)
                        .header("Idempotency-Key", "k-1")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(transfer))
                .andExpect(status().isCreated()));
    long events = count();
    JsonNode again =
        body(
            http.perform(
                    post("/api/v1/batches/P-1-B1/transfers")
                        .header("Authorization", "Bearer " + holder)
                        .header("Idempotency-Key", "k-1")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(transfer))
                .andExpect(status().isCreated())
                .andExpect(header().string("Idempotent-Replayed", "true")));
    assertThat(again).isEqualTo(first);
    assertThat(count()).isEqualTo(events);

    http.perform(
            post("/api/v1/batches/P-1-B1/transfers")
                .header("Authorization", "Bearer " + holder)
                .header("Idempotency-Key", "k-1")
                .contentType(MediaType.APPLICATION_JSON)
                .content(transfer.replace("40", "41")))
        .andExpect(status().isUnprocessableEntity())
        .andExpect(jsonPath("$.code").value("IDEMPOTENCY_KEY_REUSED"));

    http.perform(
            post("/api/v1/batches/P-1-B1/transfers")
                .header("Authorization", "Bearer " + holder)
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    """
                    {"fromAccountId":"org","toAccountId":"green","quantity":1}"""))
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.code").value("ACCOUNT_NOT_OWNED"))
        .andExpect(jsonPath("$.field").value("fromAccountId"));

    http.perform(
            post("/api/v1/batches/P-1-B1/transfers")
                .header("Authorization", "Bearer " + holder)
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    """
                    {"fromAccountId":"green","toAccountId":"org","quantity":1000}"""))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.code").value("INSUFFICIENT_HOLDING"));

    http.perform(
            post("/api/v1/batches/P-1-B1/transfers")
                .header("Authorization", "Bearer " + holder)
                .contentType(MediaType.APPLICATION_JSON)
                .content(
                    """
                    {"fromAccountId":"green","toAccountId":"org","quantity":1,"transferId":"x"}"""))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.code").value("UNKNOWN_FIELD"))
        .andExpect(jsonPath("$.field").value("transferId"));

    http.perform(get("/api/v1/keys")).andExpect(status().isOk());
    http.perform(post("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.code").value("UNAUTHENTICATED"));
    write(
            holder,
            "/api/v1/accounts",
            """
        {"accountId":"x","holderType":"PLATFORM","name":"X","jurisdiction":"CN-HB"}""")
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.code").value("FORBIDDEN"));
  }

  private ResultActions write(String token, String path, String body) throws Exception {
    return http.perform(
        post(path)
            .header("Authorization", "Bearer " + token)
            .contentType(MediaType.APPLICATION_JSON)
            .content(body));
  }

  private JsonNode body(ResultActions result) throws Exception {
    return json.readTree(result.andReturn().getResponse().getContentAsString());
  }

  private long count() {
    return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
  }
}
