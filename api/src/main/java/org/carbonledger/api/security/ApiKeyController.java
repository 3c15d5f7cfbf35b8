package org.carbonledger.api.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Set;
import org.carbonledger.api.web.ApiException;
import org.carbonledger.api.web.ApiProblem;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.Require;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Operators issue and revoke the API keys of everyone else. */
@RestController
@RequestMapping("/api/v1/api-keys")
@Tag(name = "API keys", description = "Registry-issued credentials (operator only)")
@PreAuthorize("hasRole('OPERATOR')")
class ApiKeyController {

  private final ApiClients clients;

  ApiKeyController(ApiClients clients) {
    this.clients = clients;
  }

  /**
   * @param accountIds the accounts a holder or organiser acts for; none for the other roles
   */
  record IssueApiKey(String name, Role role, Set<String> accountIds) {
    IssueApiKey {
      Require.text(name, "name", 200);
      Require.present(role, "role");
      accountIds = accountIds == null ? Set.of() : Set.copyOf(accountIds);
      for (String accountId : accountIds) {
        Require.identifier(accountId, "accountIds");
      }
      boolean ownsAccounts = role == Role.HOLDER || role == Role.ORGANISER;
      if (ownsAccounts && accountIds.isEmpty()) {
        throw LedgerRejection.invalid("accountIds", "a " + role + " key must name its accounts");
      }
      if (!ownsAccounts && !accountIds.isEmpty()) {
        throw LedgerRejection.invalid("accountIds", "an " + role + " key acts for no account");
      }
    }
  }

  /** The new key. The token is shown here once and cannot be recovered later. */
  record IssuedApiKey(String clientId, String token, Role role, Set<String> accountIds) {}

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Issue an API key; its token is returned once")
  IssuedApiKey issueApiKey(
      @RequestBody IssueApiKey request, @AuthenticationPrincipal Caller caller) {
    ApiClients.IssuedKey key =
        clients.issue(request.name(), request.role(), request.accountIds(), caller.actor());
    return new IssuedApiKey(key.clientId(), key.token(), request.role(), request.accountIds());
  }

  @DeleteMapping("/{clientId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Revoke an API key")
  void revokeApiKey(@PathVariable String clientId) {
    if (!clients.revoke(clientId)) {
      throw new ApiException(ApiProblem.NOT_FOUND, "no active API key " + clientId);
    }
  }
}
