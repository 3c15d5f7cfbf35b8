package org.carbonledger.api.methodologies;

import static org.carbonledger.api.web.Writes.acting;
import static org.carbonledger.api.web.Writes.creating;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carbonledger.api.security.Caller;
import org.carbonledger.api.web.LedgerWrites;
import org.carbonledger.api.web.Reason;
import org.carbonledger.api.web.Written;
import org.carbonledger.methodologies.MethodologyCommand.ApproveMethodology;
import org.carbonledger.methodologies.MethodologyCommand.FileMethodology;
import org.carbonledger.methodologies.MethodologyCommand.WithdrawMethodology;
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

/** Methodologies (方法学): filed, approved after review, withdrawn. Operator only. */
@RestController
@RequestMapping("/api/v1/methodologies")
@Tag(name = "Methodologies")
@PreAuthorize("hasRole('OPERATOR')")
class MethodologyController {

  private final LedgerWrites writes;

  MethodologyController(LedgerWrites writes) {
    this.writes = writes;
  }

  record FileMethodologyRequest(
      String methodologyId, String version, String title, String sector, String quantifies) {}

  record ApproveMethodologyRequest(String reviewer, String reviewReference) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "File a methodology (方法学备案)")
  ResponseEntity<Written> fileMethodology(
      @RequestBody FileMethodologyRequest request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command =
        new FileMethodology(
            request.methodologyId(),
            request.version(),
            request.title(),
            request.sector(),
            request.quantifies());
    return writes.execute(
        caller, idempotencyKey, creating(request, command, request.methodologyId()));
  }

  @PostMapping("/{methodologyId}/approve")
  @Operation(summary = "Approve a filed methodology after expert review")
  ResponseEntity<Written> approveMethodology(
      @PathVariable String methodologyId,
      @RequestBody ApproveMethodologyRequest request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command =
        new ApproveMethodology(methodologyId, request.reviewer(), request.reviewReference());
    return writes.execute(caller, idempotencyKey, acting(request, command, methodologyId));
  }

  @PostMapping("/{methodologyId}/withdraw")
  @Operation(summary = "Withdraw a methodology: no new project may use it")
  ResponseEntity<Written> withdrawMethodology(
      @PathVariable String methodologyId,
      @RequestBody Reason request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command = new WithdrawMethodology(methodologyId, request.reason());
    return writes.execute(caller, idempotencyKey, acting(request, command, methodologyId));
  }
}
