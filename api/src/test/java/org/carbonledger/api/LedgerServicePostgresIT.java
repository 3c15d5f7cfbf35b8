package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.carbonledger.accounts.AccountCommand.FreezeAccount;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole service on the "postgres" profile, as production runs it. */
// Closed when the class ends, while its database still runs: the JVM runs shutdown hooks all
// at once, and a context closed then would wait on a database that is already gone.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
class LedgerServicePostgresIT {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "service");
  }

  @Autowired TestRestTemplate http;
  @Autowired CommandGateway commands;
  @Autowired JdbcTemplate jdbc;

  @Test
  @SuppressWarnings("unchecked")
  void healthIsUpWithTheDatabaseChecked() {
    Map<String, Object> health = http.getForObject("/actuator/health", Map.class);

    assertThat(health).containsEntry("status", "UP");
    assertThat((Map<String, Object>) health.get("components")).containsKey("db");
  }

  @Test
  @SuppressWarnings("unchecked")
  void infoNamesTheVersionTheBuildAndThePostgresEventStore() {
    Map<String, Object> info = http.getForObject("/actuator/info", Map.class);

    assertThat((Map<String, Object>) info.get("build")).containsKeys("version", "time", "artifact");
    assertThat((Map<String, Object>) info.get("eventStore"))
        .hasEntrySatisfying(
            "database", database -> assertThat(database.toString()).startsWith("PostgreSQL"));
  }

  @Test
  void aCommandIsStoredAsJsonInByteaAndItsRejectionsReachTheCaller() {
    commands.sendAndWait(
        new OpenAccount("hubei-steel", HolderType.ENTERPRISE, "Hubei Steel", "CN-HB"));

    String stored =
        jdbc.queryForObject(
            "SELECT convert_from(payload, 'UTF8') FROM domain_event_entry"
                + " WHERE aggregate_identifier = 'account:hubei-steel' AND sequence_number = 0",
            String.class);
    assertThat(stored).contains("\"holderType\":\"ENTERPRISE\"").contains("\"CN-HB\"");

    assertThatThrownBy(
            () ->
                commands.sendAndWait(
                    new OpenAccount("hubei-steel", HolderType.ENTERPRISE, "Again", "CN-HB")))
        .isInstanceOf(AggregateStreamCreationException.class);

    commands.sendAndWait(new FreezeAccount("hubei-steel", "verification pending"));
    assertThatThrownBy(() -> commands.sendAndWait(new FreezeAccount("hubei-steel", "twice")))
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> assertThat(rejection.code()).isEqualTo(RejectionCode.ACCOUNT_FROZEN));
  }
}
