package org.carbonledger.api.web;

/** A request the API refuses for a reason of its own, with an {@link ApiProblem} code. */
public final class ApiException extends RuntimeException {

  private final ApiProblem problem;
  private final String field;

  public ApiException(ApiProblem problem, String field, String message) {
    super(message);
    this.problem = problem;
    this.field = field;
  }

  public ApiException(ApiProblem problem, String message) {
    this(problem, null, message);
  }

  public ApiProblem problem() {
    return problem;
  }

  public String field() {
    return field;
  }
}
