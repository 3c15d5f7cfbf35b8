package org.carbonledger.api.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 problem details, as every error of the API is answered: {@code type} names the error
 * code, {@code code} carries it alone, and {@code field} names the request field at fault.
 */
public final class Problems {

  /** The prefix of every problem type; the code follows it. */
  public static final String TYPE_PREFIX = "urn:carbon-ledger:problem:";

  private Problems() {}

  public static ProblemDetail of(HttpStatusCode status, String code, String field, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(URI.create(TYPE_PREFIX + code));
    problem.setTitle(code);
    problem.setProperty("code", code);
    if (field != null) {
      problem.setProperty("field", field);
    }
    return problem;
  }

  public static ProblemDetail of(ApiProblem problem, String detail) {
    return of(problem.status(), problem.name(), null, detail);
  }

  /** Writes a problem outside Spring MVC, as the security filters must. */
  public static void write(
      HttpServletResponse response, ObjectMapper json, ApiProblem problem, String detail)
      throws IOException {
    response.setStatus(problem.status().value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), of(problem, detail));
  }
}
