package org.carbonledger.api.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.carbonledger.api.web.ApiProblem;
import org.carbonledger.api.web.Problems;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Who may call what (docs/api.md): every write needs an API key, and its role decides which writes;
 * the public reads the retirement register, certificates, checkpoints, proofs and keys without one.
 * Roles are checked on each endpoint ({@code @PreAuthorize}); object-level checks (whose account)
 * in the controllers, through {@link Caller}.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SecurityConfiguration {

  @Bean
  ApiClients apiClients(
      JdbcTemplate jdbc, @Value("${ledger.api-key-cache-ttl:5s}") Duration remember) {
    return new ApiClients(jdbc, remember);
  }

  @Bean
  SecurityFilterChain api(HttpSecurity http, ApiClients clients, ObjectMapper json)
      throws Exception {
    return http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(basic -> basic.disable())
        .formLogin(form -> form.disable())
        .logout(logout -> logout.disable())
        .requestCache(cache -> cache.disable())
        .addFilterBefore(
            new ApiKeyAuthentication(clients, json), AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(
                        HttpMethod.GET,
                        "/api/v1/retirements",
                        "/api/v1/retirements/**",
                        "/api/v1/checkpoints/**",
                        "/api/v1/proofs/**",
                        "/api/v1/keys",
                        "/api/v1/footprints/*/certificate",
                        "/v3/api-docs",
                        "/v3/api-docs/**",
                        "/v3/api-docs.yaml",
                        "/swagger-ui.html",
                        "/swagger-ui/**",
                        "/actuator/health",
                        "/actuator/health/**",
                        "/actuator/info")
                    .permitAll()
                    .requestMatchers("/error")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .exceptionHandling(
            errors ->
                errors
                    .authenticationEntryPoint(
                        (request, response, e) -> {
                          response.setHeader("WWW-Authenticate", "Bearer");
                          Problems.write(
                              response,
                              json,
                              ApiProblem.UNAUTHENTICATED,
                              "this request needs an API key: Authorization: Bearer cl_...");
                        })
                    .accessDeniedHandler(
                        (request, response, e) ->
                            Problems.write(
                                response,
                                json,
                                ApiProblem.FORBIDDEN,
                                "this API key's role may not do this")))
        .build();
  }

  /**
   * No observations of the security filters, authentications or authorisations. The property {@code
   * management.observations.enable.spring.security=false} (application.yml) already made them
   * no-ops, but Spring Security still wrapped each of its filters to open and close one: about 3 of
   * the 127 kB a transfer allocated in the HTTP benchmark (docs/performance.md), for traces nobody
   * collects. The request metrics ({@code http.server.requests}) stay.
   */
  @Bean
  SecurityObservationSettings noSecurityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  /** No user database: API keys are the only credentials; this keeps Boot from inventing one. */
  @Bean
  UserDetailsService noUsers() {
    return new InMemoryUserDetailsManager();
  }

  /**
   * Makes sure an operator can act on a new registry. With {@code LEDGER_BOOTSTRAP_TOKEN} set, that
   * token becomes the first operator key; otherwise one is generated and written, readable by its
   * owner only, to {@code <data-dir>/bootstrap-operator.token}. Nothing happens once any operator
   * key is active.
   */
  @Bean
  ApplicationRunner bootstrapOperator(
      ApiClients clients,
      @Value("${ledger.bootstrap-token:}") String bootstrapToken,
      @Value("${ledger.data-dir}") Path dataDir) {
    return arguments -> {
      if (clients.anyActive(Role.OPERATOR)) {
        return;
      }
      var log = LoggerFactory.getLogger(SecurityConfiguration.class);
      if (!bootstrapToken.isBlank()) {
        String clientId =
            clients.registerToken(bootstrapToken, "bootstrap operator", Role.OPERATOR, "bootstrap");
        log.info("registered the bootstrap operator key {} from LEDGER_BOOTSTRAP_TOKEN", clientId);
        return;
      }
      ApiClients.IssuedKey key =
          clients.issue("bootstrap operator", Role.OPERATOR, java.util.Set.of(), "bootstrap");
      Path file = dataDir.resolve("bootstrap-operator.token");
      writeOwnerOnly(file, key.token() + "\n");
      log.info(
          "issued the first operator API key {}; its token is in {} (use it to issue other keys,"
              + " then delete the file)",
          key.clientId(),
          file.toAbsolutePath());
    };
  }

  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
  }
}
