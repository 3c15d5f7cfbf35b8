package org.carbonledger.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * API keys are remembered for a short while after they authenticate, so that a busy client does not
 * cost a database round trip per request; revoking a key forgets it on this node at once.
 */
class ApiClientsPostgresIT {

  private static final Duration LONG = Duration.ofHours(1);

  private JdbcTemplate jdbc;

  @BeforeEach
  void database() {
    TestPostgres postgres = TestPostgres.get();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(postgres.newMigratedSchema("api_clients"));
    dataSource.setUser(postgres.user());
    dataSource.setPassword(postgres.password());
    jdbc = new JdbcTemplate(dataSource);
  }

  @Test
  void aRememberedKeyIsNotReadAgainUntilItsTimeIsUp() {
    ApiClients clients = new ApiClients(jdbc, LONG);
    var key = clients.issue("exchange desk", Role.HOLDER, Set.of("acme"), "test");
    assertThat(clients.authenticate(key.token())).isPresent();

    // Revoked by another node: this one trusts what it read for up to the configured time.
    revokeElsewhere(key.clientId());
    assertThat(clients.authenticate(key.token()))
        .hasValueSatisfying(caller -> assertThat(caller.clientId()).isEqualTo(key.clientId()));
  }

  @Test
  void revokingAKeyOnThisNodeStopsItAtOnce() {
    ApiClients clients = new ApiClients(jdbc, LONG);
    var key = clients.issue("exchange desk", Role.HOLDER, Set.of("acme"), "test");
    assertThat(clients.authenticate(key.token())).isPresent();

    assertThat(clients.revoke(key.clientId())).isTrue();
    assertThat(clients.authenticate(key.token())).isEmpty();
  }

  @Test
  void aRememberedKeyWithTheWrongSecretIsRefused() {
    ApiClients clients = new ApiClients(jdbc, LONG);
    var key = clients.issue("exchange desk", Role.HOLDER, Set.of("acme"), "test");
    assertThat(clients.authenticate(key.token())).isPresent();

    String forged =
        key.token().substring(0, key.token().length() - 1) + lastCharacterOtherThan(key);
    assertThat(clients.authenticate(forged)).isEmpty();
    assertThat(clients.authenticate(key.token())).isPresent();
  }

  @Test
  void withoutATimeEveryRequestSeesARevocationMadeElsewhere() {
    ApiClients clients = new ApiClients(jdbc, Duration.ZERO);
    var key = clients.issue("exchange desk", Role.HOLDER, Set.of("acme"), "test");
    assertThat(clients.authenticate(key.token())).isPresent();

    revokeElsewhere(key.clientId());
    assertThat(clients.authenticate(key.token())).isEmpty();
  }

  @Test
  void aNegativeTimeIsRefused() {
    assertThatThrownBy(() -> new ApiClients(jdbc, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ledger.api-key-cache-ttl");
  }

  private void revokeElsewhere(String clientId) {
    jdbc.update(
        "UPDATE api_client SET revoked_at = '2026-11-21T00:00:00Z' WHERE client_id = ?", clientId);
  }

  private static char lastCharacterOtherThan(ApiClients.IssuedKey key) {
    return key.token().endsWith("A") ? 'B' : 'A';
  }
}
