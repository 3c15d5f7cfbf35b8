package org.carbonledger.api.accounts;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carbonledger.api.security.Caller;
import org.carbonledger.api.web.ReadYourWrites;
import org.carbonledger.api.web.Reads;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.accounts.AccountQueries;
import org.carbonledger.projections.accounts.AccountView;
import org.carbonledger.projections.credits.CreditQueries;
import org.carbonledger.projections.credits.HoldingBlockView;
import org.carbonledger.projections.credits.HoldingView;
import org.carbonledger.projections.credits.StatementLine;
import org.carbonledger.projections.credits.StatementQueries;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Accounts, their holdings by batch and serial block, and their statements. A holder or organiser
 * sees only its own accounts; operators and regulators see all.
 */
@RestController
@RequestMapping("/api/v1/accounts")
@Tag(name = "Accounts")
class AccountReadController {

  private final AccountQueries accounts;
  private final CreditQueries credits;
  private final StatementQueries statements;
  private final ReadYourWrites reads;

  AccountReadController(
      AccountQueries accounts,
      CreditQueries credits,
      StatementQueries statements,
      ReadYourWrites reads) {
    this.accounts = accounts;
    this.credits = credits;
    this.statements = statements;
    this.reads = reads;
  }

  @GetMapping
  @PreAuthorize("hasAnyRole('OPERATOR', 'REGULATOR')")
  @Operation(summary = "Every account, in order of opening")
  Page<AccountView> listAccounts(
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @Parameter(description = "wait until the projections reach this write position")
          @RequestParam(required = false)
          Long minPosition) {
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return accounts.accounts(page);
  }

  @GetMapping("/{accountId}")
  @Operation(summary = "One account")
  AccountView getAccount(
      @PathVariable String accountId,
      @RequestParam(required = false) Long minPosition,
      @AuthenticationPrincipal Caller caller) {
    caller.requireMayRead(accountId);
    reads.await(minPosition);
    return Reads.found(accounts.account(accountId), () -> "account " + accountId);
  }

  @GetMapping("/{accountId}/holdings")
  @Operation(summary = "What an account holds, by batch")
  Page<HoldingView> getHoldings(
      @PathVariable String accountId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition,
      @AuthenticationPrincipal Caller caller) {
    caller.requireMayRead(accountId);
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return credits.holdings(accountId, page);
  }

  @GetMapping("/{accountId}/holdings/{batchId}/blocks")
  @Operation(summary = "The serial blocks an account holds of one batch")
  Page<HoldingBlockView> getHoldingBlocks(
      @PathVariable String accountId,
      @PathVariable String batchId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition,
      @AuthenticationPrincipal Caller caller) {
    caller.requireMayRead(accountId);
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return credits.holdingBlocks(accountId, batchId, page);
  }

  @GetMapping("/{accountId}/statement")
  @Operation(summary = "Every movement of an account, oldest first")
  Page<StatementLine> getStatement(
      @PathVariable String accountId,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Long minPosition,
      @AuthenticationPrincipal Caller caller) {
    caller.requireMayRead(accountId);
    PageRequest page = PageRequest.of(limit, after);
    reads.await(minPosition);
    return statements.statement(accountId, page);
  }
}
