package org.carbonledger.api.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Completes the OpenAPI document so that a generated client can drive the API: the bearer scheme,
 * the problem+json schema and every error response an operation can give, the Idempotency-Key
 * header of every write, and the position headers.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  static final String PROBLEM = "Problem";
  static final String BEARER = "apiKey";

  @Bean
  OpenAPI ledgerOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Carbon credit ledger")
                .version("v1")
                .description(
                    "The registry's REST API: issuance, transfer, retirement and cancellation of"
                        + " carbon credits, footprints and their neutrality, the public"
                        + " retirement register, and the verifiable Merkle log. See docs/api.md."))
        .components(new Components());
  }

  @Bean
  OpenApiCustomizer errorResponses() {
    return openApi -> {
      Components components = openApi.getComponents();
      components.addSchemas(PROBLEM, problemSchema());
      components.addSecuritySchemes(
          BEARER,
          new SecurityScheme()
              .type(SecurityScheme.Type.HTTP)
              .scheme("bearer")
              .description("A registry-issued API key, cl_<id>.<secret>"));
      openApi
          .getPaths()
          .forEach(
              (path, item) ->
                  item.readOperationsMap()
                      .forEach(
                          (method, operation) -> {
                            boolean write =
                                method != io.swagger.v3.oas.models.PathItem.HttpMethod.GET;
                            boolean isPublic =
                                !write
                                    && (path.startsWith("/api/v1/retirements")
                                        || path.startsWith("/api/v1/checkpoints")
                                        || path.startsWith("/api/v1/proofs")
                                        || path.equals("/api/v1/keys")
                                        || path.endsWith("/certificate"));
                            complete(operation, write, isPublic);
                          }));
    };
  }

  private static void complete(Operation operation, boolean write, boolean isPublic) {
    var responses = operation.getResponses();
    Map<String, String> errors = new TreeMap<>();
    errors.put("400", "Invalid input (INVALID_ARGUMENT, MALFORMED_REQUEST, UNKNOWN_FIELD)");
    errors.put("401", "No valid API key (UNAUTHENTICATED)");
    errors.put("404", "Not found (NOT_FOUND or a domain *_NOT_FOUND code)");
    errors.put("500", "Failure inside the service; nothing changed (INTERNAL_ERROR)");
    errors.put("503", "Not ready yet (PROJECTION_BEHIND, PROOF_NOT_READY); see Retry-After");
    if (!isPublic) {
      errors.put("403", "The key may not do this (FORBIDDEN, ACCOUNT_NOT_OWNED, ...)");
      operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
    if (write) {
      errors.put(
          "409",
          "Refused by the registry's rules (a domain code such as"
              + " INSUFFICIENT_HOLDING) or a concurrent write");
      errors.put("415", "The body is not application/json (UNSUPPORTED_MEDIA_TYPE)");
      errors.put("422", "The Idempotency-Key was used with another request");
      java.util.Optional.ofNullable(operation.getParameters()).orElse(java.util.List.of()).stream()
          .filter(parameter -> "Idempotency-Key".equals(parameter.getName()))
          .forEach(
              parameter ->
                  parameter
                      .description(
                          "Makes the write safe to retry: a retry with the same key and body"
                              + " answers as the first request did and writes nothing")
                      .schema(new StringSchema().minLength(1).maxLength(255)));
      responses.forEach(
          (status, response) -> {
            if (status.startsWith("2")) {
              response.addHeaderObject(
                  LedgerWrites.POSITION_HEADER,
                  new Header()
                      .description("The event store position the write reached")
                      .schema(new IntegerSchema().format("int64")));
            }
          });
    }
    errors.forEach(
        (status, description) -> {
          if (!responses.containsKey(status)) {
            responses.addApiResponse(
                status,
                new ApiResponse()
                    .description(description)
                    .content(
                        new Content()
                            .addMediaType(
                                "application/problem+json",
                                new MediaType()
                                    .schema(
                                        new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
          }
        });
  }

  @SuppressWarnings("rawtypes")
  private static Schema problemSchema() {
    return new ObjectSchema()
        .description("An RFC 9457 problem; code is stable, field names the input at fault")
        .addProperty("type", new StringSchema().format("uri"))
        .addProperty("title", new StringSchema())
        .addProperty("status", new IntegerSchema())
        .addProperty("detail", new StringSchema())
        .addProperty("instance", new StringSchema().format("uri"))
        .addProperty("code", new StringSchema())
        .addProperty("field", new StringSchema())
        .addRequiredItem("code")
        .addRequiredItem("status");
  }
}
