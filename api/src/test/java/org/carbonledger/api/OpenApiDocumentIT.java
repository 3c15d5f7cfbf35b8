package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The OpenAPI document is complete and committed: every operation has typed request and response
 * bodies and documents its error responses, and {@code docs/openapi.json} is exactly what the
 * service serves, so that the client generated from it in the build (see the api pom) matches.
 * After changing the API, run {@code ./mvnw -pl api verify -Dit.test=OpenApiDocumentIT
 * -Dopenapi.update=true} to refresh the committed document.
 */
@DirtiesContext
@SpringBootTest(properties = "ledger.data-dir=${java.io.tmpdir}/openapi-it-${random.uuid}")
@AutoConfigureMockMvc
class OpenApiDocumentIT {

  private static final Path COMMITTED = Path.of("..", "docs", "openapi.json");

  @Autowired MockMvc http;

  @Test
  void everyOperationDocumentsItsBodiesAndItsErrors() throws Exception {
    JsonNode document = served();
    List<String> gaps = new ArrayList<>();
    document
        .get("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        operation -> {
                          String name = operation.getKey() + " " + path.getKey();
                          JsonNode responses = operation.getValue().get("responses");
                          for (String status : List.of("400", "401", "404", "500")) {
                            if (!responses.has(status)) {
                              gaps.add(name + " lacks the " + status + " response");
                            }
                          }
                          responses
                              .fields()
                              .forEachRemaining(
                                  response -> {
                                    if (response.getKey().startsWith("2")
                                        && !response.getKey().equals("204")
                                        && response.getValue().at("/content").isMissingNode()) {
                                      gaps.add(name + " has no schema for " + response.getKey());
                                    }
                                  });
                          if (!operation.getKey().equals("get")
                              && operation.getValue().has("requestBody")
                              && operation
                                  .getValue()
                                  .at("/requestBody/content/application~1json/schema")
                                  .isMissingNode()) {
                            gaps.add(name + " has no request schema");
                          }
                        }));
    assertThat(gaps).isEmpty();
    assertThat(document.at("/components/schemas/Problem/properties/code").isMissingNode())
        .isFalse();
  }

  @Test
  void theCommittedDocumentIsTheServedOne() throws Exception {
    String served = pretty(served());
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "openapi.json"), served, StandardCharsets.UTF_8);
    if (Boolean.getBoolean("openapi.update")) {
      Files.writeString(COMMITTED, served, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
        .as(
            "docs/openapi.json is out of date; refresh it with ./mvnw -pl api verify"
                + " -Dit.test=OpenApiDocumentIT -Dopenapi.update=true")
        .isEqualTo(served);
  }

  private JsonNode served() throws Exception {
    String body = http.perform(get("/v3/api-docs")).andReturn().getResponse().getContentAsString();
    return new ObjectMapper().readTree(body);
  }

  private static String pretty(JsonNode document) throws Exception {
    ObjectMapper json =
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    // Sorting needs maps, so go through a generic tree of maps.
    Object tree = json.treeToValue(document, Object.class);
    return json.writeValueAsString(tree) + "\n";
  }
}
