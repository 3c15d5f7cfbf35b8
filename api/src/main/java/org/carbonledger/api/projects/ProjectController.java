package org.carbonledger.api.projects;

import static org.carbonledger.api.web.Writes.acting;
import static org.carbonledger.api.web.Writes.creating;
import static org.carbonledger.api.web.Writes.creatingReturned;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import org.carbonledger.api.security.Caller;
import org.carbonledger.api.web.LedgerWrites;
import org.carbonledger.api.web.Reason;
import org.carbonledger.api.web.Written;
import org.carbonledger.projects.ProjectCommand.ApproveProject;
import org.carbonledger.projects.ProjectCommand.IssueBatch;
import org.carbonledger.projects.ProjectCommand.RegisterProject;
import org.carbonledger.projects.ProjectCommand.ReinstateProject;
import org.carbonledger.projects.ProjectCommand.SuspendProject;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Projects (项目备案) and the issuance of their batches (签发). Operator only. */
@RestController
@RequestMapping("/api/v1/projects")
@Tag(name = "Projects and issuance")
@PreAuthorize("hasRole('OPERATOR')")
class ProjectController {

  private final LedgerWrites writes;

  ProjectController(LedgerWrites writes) {
    this.writes = writes;
  }

  record RegisterProjectRequest(
      String projectId,
      String name,
      String proponentAccountId,
      String methodologyId,
      String jurisdiction,
      String district,
      String location) {}

  /**
   * @param firstSerial the first serial number of the batch; 1 when absent
   */
  record IssueBatchRequest(
      LocalDate vintageStart,
      LocalDate vintageEnd,
      String verificationReportId,
      String verifier,
      long quantity,
      String receivingAccountId,
      Long firstSerial) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Register a project under an approved methodology")
  ResponseEntity<Written> registerProject(
      @RequestBody RegisterProjectRequest request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command =
        new RegisterProject(
            request.projectId(),
            request.name(),
            request.proponentAccountId(),
            request.methodologyId(),
            request.jurisdiction(),
            request.district(),
            request.location());
    return writes.execute(caller, idempotencyKey, creating(request, command, request.projectId()));
  }

  @PostMapping("/{projectId}/approve")
  @Operation(summary = "Approve a registered project; the approving operator key is recorded")
  ResponseEntity<Written> approveProject(
      @PathVariable String projectId,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command = new ApproveProject(projectId, caller.name());
    return writes.execute(caller, idempotencyKey, acting(projectId, command, projectId));
  }

  @PostMapping("/{projectId}/suspend")
  @Operation(summary = "Suspend a project: no issuance until it is reinstated")
  ResponseEntity<Written> suspendProject(
      @PathVariable String projectId,
      @RequestBody Reason request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command = new SuspendProject(projectId, request.reason());
    return writes.execute(caller, idempotencyKey, acting(request, command, projectId));
  }

  @PostMapping("/{projectId}/reinstate")
  @Operation(summary = "Reinstate a suspended project")
  ResponseEntity<Written> reinstateProject(
      @PathVariable String projectId,
      @RequestBody Reason request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command = new ReinstateProject(projectId, request.reason());
    return writes.execute(caller, idempotencyKey, acting(request, command, projectId));
  }

  @PostMapping("/{projectId}/batches")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      summary = "Issue a batch of credits (签发) to an account",
      description =
          "The batch id is assigned by the registry, <projectId>-B<n>, and returned as id.")
  ResponseEntity<Written> issueBatch(
      @PathVariable String projectId,
      @RequestBody IssueBatchRequest request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command =
        new IssueBatch(
            projectId,
            request.vintageStart(),
            request.vintageEnd(),
            request.verificationReportId(),
            request.verifier(),
            request.quantity(),
            request.receivingAccountId(),
            request.firstSerial());
    return writes.execute(caller, idempotencyKey, creatingReturned(request, command));
  }
}
