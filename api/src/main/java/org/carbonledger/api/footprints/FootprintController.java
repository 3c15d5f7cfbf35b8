package org.carbonledger.api.footprints;

import static org.carbonledger.api.web.Writes.creating;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import org.carbonledger.api.security.Caller;
import org.carbonledger.api.web.LedgerWrites;
import org.carbonledger.api.web.Written;
import org.carbonledger.footprints.FootprintCommand.DeclareFootprint;
import org.carbonledger.footprints.FootprintKind;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Footprints (碳足迹) that organisers neutralise by retiring credits against them. */
@RestController
@RequestMapping("/api/v1/footprints")
@Tag(name = "Footprints")
class FootprintController {

  private final LedgerWrites writes;

  FootprintController(LedgerWrites writes) {
    this.writes = writes;
  }

  /**
   * @param emissionsKg the verified emissions in whole kilograms of CO2e
   */
  record DeclareFootprintRequest(
      String footprintId,
      String organiserAccountId,
      FootprintKind kind,
      String subject,
      LocalDate periodStart,
      LocalDate periodEnd,
      long emissionsKg,
      String inventoryBasis,
      String verifiedBy) {}

  @PostMapping
  @PreAuthorize("hasRole('ORGANISER')")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Declare the verified footprint of an event or an organisation's period")
  ResponseEntity<Written> declareFootprint(
      @RequestBody DeclareFootprintRequest request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command =
        new DeclareFootprint(
            request.footprintId(),
            request.organiserAccountId(),
            request.kind(),
            request.subject(),
            request.periodStart(),
            request.periodEnd(),
            request.emissionsKg(),
            request.inventoryBasis(),
            request.verifiedBy());
    caller.requireOwns(command.organiserAccountId(), "organiserAccountId");
    return writes.execute(
        caller, idempotencyKey, creating(request, command, request.footprintId()));
  }
}
