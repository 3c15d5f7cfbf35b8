package org.carbonledger.api.web;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.stream.Collectors;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Answers every error as {@code application/problem+json} with a stable code: the domain's
 * rejections with their {@link RejectionCode}, the API's own refusals with an {@link ApiProblem}. A
 * refused request has changed nothing: domain checks run before any event is applied, and a failed
 * command's transaction is rolled back whole.
 */
@RestControllerAdvice
public class ProblemResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

  @ExceptionHandler(LedgerRejection.class)
  ProblemDetail rejected(LedgerRejection rejection) {
    return rejection(rejection);
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> refused(ApiException refusal) {
    var response = ResponseEntity.status(refusal.problem().status());
    if (refusal.problem().status() == HttpStatus.SERVICE_UNAVAILABLE) {
      // Both kinds of 503 clear within about a second: the projections or the checkpointer
      // catch up.
      response.header(HttpHeaders.RETRY_AFTER, "1");
    }
    return response.body(
        Problems.of(
            refusal.problem().status(),
            refusal.problem().name(),
            refusal.field(),
            refusal.getMessage()));
  }

  @ExceptionHandler(ConcurrencyException.class)
  ProblemDetail concurrent(ConcurrencyException conflict) {
    return Problems.of(
        HttpStatus.CONFLICT,
        RejectionCode.CONCURRENT_MODIFICATION.name(),
        null,
        "another write to the same aggregate committed first; retry the request");
  }

  /**
   * Creating an aggregate whose stream already exists: Axon finds out only when the first event is
   * stored, so this surfaces here rather than as a domain rejection.
   */
  @ExceptionHandler(AggregateStreamCreationException.class)
  ProblemDetail exists(AggregateStreamCreationException exists) {
    return Problems.of(
        HttpStatus.CONFLICT,
        RejectionCode.ALREADY_EXISTS.name(),
        null,
        "it already exists; choose another id");
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ProblemDetail unreadable(HttpMessageNotReadableException unreadable) {
    Throwable cause = unreadable.getCause();
    if (cause instanceof UnrecognizedPropertyException unknown) {
      return Problems.of(
          ApiProblem.UNKNOWN_FIELD.status(),
          ApiProblem.UNKNOWN_FIELD.name(),
          unknown.getPropertyName(),
          "the request does not accept the field '"
              + unknown.getPropertyName()
              + "'; fields the server owns cannot be set");
    }
    LedgerRejection rejection = LedgerRejections.find(cause);
    if (rejection != null) {
      // A command record refused its arguments while Jackson built it.
      return rejection(rejection);
    }
    if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field =
          mapping.getPath().stream()
              .map(
                  reference ->
                      reference.getFieldName() != null
                          ? reference.getFieldName()
                          : "[" + reference.getIndex() + "]")
              .collect(Collectors.joining("."))
              .replace(".[", "[");
      return Problems.of(
          ApiProblem.MALFORMED_REQUEST.status(),
          ApiProblem.MALFORMED_REQUEST.name(),
          field,
          "the field '" + field + "' does not have the expected type or format");
    }
    return Problems.of(ApiProblem.MALFORMED_REQUEST, "the request body is not valid JSON");
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ProblemDetail mismatch(MethodArgumentTypeMismatchException mismatch) {
    return Problems.of(
        HttpStatus.BAD_REQUEST,
        RejectionCode.INVALID_ARGUMENT.name(),
        mismatch.getName(),
        "'" + mismatch.getValue() + "' is not a valid " + mismatch.getName());
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ProblemDetail missingParameter(MissingServletRequestParameterException missing) {
    return Problems.of(
        HttpStatus.BAD_REQUEST,
        RejectionCode.INVALID_ARGUMENT.name(),
        missing.getParameterName(),
        missing.getParameterName() + " is required");
  }

  @ExceptionHandler(MissingRequestHeaderException.class)
  ProblemDetail missingHeader(MissingRequestHeaderException missing) {
    return Problems.of(
        HttpStatus.BAD_REQUEST,
        RejectionCode.INVALID_ARGUMENT.name(),
        missing.getHeaderName(),
        "the header " + missing.getHeaderName() + " is required");
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ProblemDetail noResource(NoResourceFoundException missing) {
    return Problems.of(ApiProblem.NOT_FOUND, "no such endpoint: " + missing.getResourcePath());
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ProblemDetail method(HttpRequestMethodNotSupportedException unsupported) {
    return Problems.of(
        ApiProblem.METHOD_NOT_ALLOWED, unsupported.getMethod() + " is not supported here");
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ProblemDetail mediaType(HttpMediaTypeNotSupportedException unsupported) {
    return Problems.of(
        ApiProblem.UNSUPPORTED_MEDIA_TYPE, "send the request body as application/json");
  }

  @ExceptionHandler(AccessDeniedException.class)
  ProblemDetail denied(AccessDeniedException denied) {
    return Problems.of(ApiProblem.FORBIDDEN, "this API key's role may not do this");
  }

  @ExceptionHandler(Exception.class)
  ProblemDetail unexpected(Exception failure) {
    LedgerRejection rejection = LedgerRejections.find(failure);
    if (rejection != null) {
      return rejection(rejection);
    }
    AggregateStreamCreationException exists = LedgerRejections.findExists(failure);
    if (exists != null) {
      return exists(exists);
    }
    if (LedgerRejections.findConcurrency(failure) != null) {
      return concurrent(LedgerRejections.findConcurrency(failure));
    }
    LOG.error("request failed", failure);
    return Problems.of(
        ApiProblem.INTERNAL_ERROR, "the request failed inside the service and changed nothing");
  }

  private static ProblemDetail rejection(LedgerRejection rejection) {
    return Problems.of(
        HttpStatus.valueOf(rejection.code().httpStatus()),
        rejection.code().name(),
        rejection.field().orElse(null),
        rejection.getMessage());
  }
}
