package org.carbonledger.api.credits;

import static org.carbonledger.api.web.Writes.creating;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import org.carbonledger.api.security.Caller;
import org.carbonledger.api.security.Role;
import org.carbonledger.api.web.ApiException;
import org.carbonledger.api.web.ApiProblem;
import org.carbonledger.api.web.LedgerWrites;
import org.carbonledger.api.web.Written;
import org.carbonledger.credits.BatchCommand.CancelCredits;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.credits.CancellationKind;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.store.RandomIdentifiers;
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

/**
 * Moving a batch's credits: transfers between accounts (登记), retirements (核销), which are permanent,
 * and cancellations by the operator. Movement ids are assigned by the registry.
 */
@RestController
@RequestMapping("/api/v1/batches/{batchId}")
@Tag(name = "Transfers, retirements and cancellations")
class BatchController {

  private final LedgerWrites writes;

  BatchController(LedgerWrites writes) {
    this.writes = writes;
  }

  /**
   * @param block the exact serial block to move, optional; its size must equal the quantity.
   *     Without it the lowest serials of the holding move first.
   */
  record TransferRequest(
      String fromAccountId, String toAccountId, long quantity, SerialBlock block) {}

  /**
   * @param footprintId the footprint this retirement covers; required for EVENT_NEUTRALITY and for
   *     every retirement by an organiser
   */
  record RetirementRequest(
      String accountId,
      long quantity,
      SerialBlock block,
      String beneficiary,
      String reason,
      String details,
      RetirementPurpose purpose,
      LocalDate consumptionPeriodStart,
      LocalDate consumptionPeriodEnd,
      String jurisdictionOfUse,
      String footprintId) {}

  record CancellationRequest(
      String accountId, long quantity, SerialBlock block, CancellationKind kind, String reason) {}

  @PostMapping("/transfers")
  @PreAuthorize("hasRole('HOLDER')")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Transfer credits from one of the caller's accounts to another account")
  ResponseEntity<Written> transferCredits(
      @PathVariable String batchId,
      @RequestBody TransferRequest request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    String transferId = movementId("TR");
    var command =
        new TransferCredits(
            batchId,
            transferId,
            request.fromAccountId(),
            request.toAccountId(),
            request.quantity(),
            request.block());
    caller.requireOwns(command.fromAccountId(), "fromAccountId");
    return writes.execute(caller, idempotencyKey, creating(request, command, transferId));
  }

  /**
   * Retires credits. THIS CANNOT BE UNDONE: retired credits never move again, and the retirement is
   * published in the public register with its beneficiary.
   */
  @PostMapping("/retirements")
  @PreAuthorize("hasAnyRole('HOLDER', 'ORGANISER')")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      summary = "Retire credits (核销) from one of the caller's accounts; permanent",
      description =
          "Retirement cannot be undone. An organiser may retire only against its own footprints.")
  ResponseEntity<Written> retireCredits(
      @PathVariable String batchId,
      @RequestBody RetirementRequest request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    String retirementId = movementId("RT");
    var command =
        new RetireCredits(
            batchId,
            retirementId,
            request.accountId(),
            request.quantity(),
            request.block(),
            request.beneficiary(),
            request.reason(),
            request.details(),
            request.purpose(),
            request.consumptionPeriodStart(),
            request.consumptionPeriodEnd(),
            request.jurisdictionOfUse(),
            request.footprintId());
    caller.requireOwns(command.accountId(), "accountId");
    if (caller.role() == Role.ORGANISER && command.footprintId() == null) {
      throw new ApiException(
          ApiProblem.FORBIDDEN,
          "footprintId",
          "an organiser retires credits only against one of its footprints");
    }
    return writes.execute(caller, idempotencyKey, creating(request, command, retirementId));
  }

  @PostMapping("/cancellations")
  @PreAuthorize("hasRole('OPERATOR')")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Cancel credits: the operator's administrative undo of an issuance")
  ResponseEntity<Written> cancelCredits(
      @PathVariable String batchId,
      @RequestBody CancellationRequest request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    String cancellationId = movementId("CX");
    var command =
        new CancelCredits(
            batchId,
            cancellationId,
            request.accountId(),
            request.quantity(),
            request.block(),
            request.kind(),
            request.reason());
    return writes.execute(caller, idempotencyKey, creating(request, command, cancellationId));
  }

  private static String movementId(String prefix) {
    return prefix + "-" + RandomIdentifiers.randomUuid();
  }
}
