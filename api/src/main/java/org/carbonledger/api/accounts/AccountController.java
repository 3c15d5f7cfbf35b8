package org.carbonledger.api.accounts;

import static org.carbonledger.api.web.Writes.acting;
import static org.carbonledger.api.web.Writes.creating;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carbonledger.accounts.AccountCommand.CloseAccount;
import org.carbonledger.accounts.AccountCommand.FreezeAccount;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.AccountCommand.UnfreezeAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.api.security.Caller;
import org.carbonledger.api.web.LedgerWrites;
import org.carbonledger.api.web.Reason;
import org.carbonledger.api.web.Written;
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

/** Registry accounts (登记账户): opened, frozen and closed by the operator. */
@RestController
@RequestMapping("/api/v1/accounts")
@Tag(name = "Accounts")
class AccountController {

  private final LedgerWrites writes;

  AccountController(LedgerWrites writes) {
    this.writes = writes;
  }

  record OpenAccountRequest(
      String accountId, HolderType holderType, String name, String jurisdiction) {}

  @PostMapping
  @PreAuthorize("hasRole('OPERATOR')")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Open an account")
  ResponseEntity<Written> openAccount(
      @RequestBody OpenAccountRequest request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    var command =
        new OpenAccount(
            request.accountId(), request.holderType(), request.name(), request.jurisdiction());
    return writes.execute(caller, idempotencyKey, creating(request, command, request.accountId()));
  }

  @PostMapping("/{accountId}/freeze")
  @PreAuthorize("hasRole('OPERATOR')")
  @Operation(summary = "Freeze an account: nothing moves in or out until it is unfrozen")
  ResponseEntity<Written> freezeAccount(
      @PathVariable String accountId,
      @RequestBody Reason request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    return writes.execute(
        caller,
        idempotencyKey,
        acting(request, new FreezeAccount(accountId, request.reason()), accountId));
  }

  @PostMapping("/{accountId}/unfreeze")
  @PreAuthorize("hasRole('OPERATOR')")
  @Operation(summary = "Unfreeze a frozen account")
  ResponseEntity<Written> unfreezeAccount(
      @PathVariable String accountId,
      @RequestBody Reason request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    return writes.execute(
        caller,
        idempotencyKey,
        acting(request, new UnfreezeAccount(accountId, request.reason()), accountId));
  }

  @PostMapping("/{accountId}/close")
  @PreAuthorize("hasRole('OPERATOR')")
  @Operation(summary = "Close an account for good")
  ResponseEntity<Written> closeAccount(
      @PathVariable String accountId,
      @RequestBody Reason request,
      @AuthenticationPrincipal Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
    return writes.execute(
        caller,
        idempotencyKey,
        acting(request, new CloseAccount(accountId, request.reason()), accountId));
  }
}
