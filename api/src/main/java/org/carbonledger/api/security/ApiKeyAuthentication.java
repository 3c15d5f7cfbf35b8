package org.carbonledger.api.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.carbonledger.api.web.ApiProblem;
import org.carbonledger.api.web.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer cl_...} API keys. A request without the header goes on
 * anonymously (public reads); one with a key that does not authenticate is refused at once, so that
 * a client never mistakes a revoked key for an anonymous success.
 */
final class ApiKeyAuthentication extends OncePerRequestFilter {

  private final ApiClients clients;
  private final ObjectMapper json;

  ApiKeyAuthentication(ApiClients clients, ObjectMapper json) {
    this.clients = clients;
    this.json = json;
  }

  /** The authentication of a caller; its principal is the {@link Caller}. */
  static final class Token extends AbstractAuthenticationToken {
    private final Caller caller;

    Token(Caller caller) {
      super(List.of(new SimpleGrantedAuthority("ROLE_" + caller.role().name())));
      this.caller = caller;
      setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
      return "";
    }

    @Override
    public Caller getPrincipal() {
      return caller;
    }
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null) {
      Optional<Caller> caller =
          header.startsWith("Bearer ")
              ? clients.authenticate(header.substring("Bearer ".length()).trim())
              : Optional.empty();
      if (caller.isEmpty()) {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        Problems.write(
            response,
            json,
            ApiProblem.UNAUTHENTICATED,
            "the Authorization header does not hold a valid, unrevoked API key");
        return;
      }
      SecurityContextHolder.getContext().setAuthentication(new Token(caller.get()));
    }
    chain.doFilter(request, response);
  }
}
