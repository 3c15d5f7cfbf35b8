package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service with no profile: the embedded, file-backed default that a laptop runs. */
// Closed when the class ends, while its database still runs: the JVM runs shutdown hooks all
// at once, and a context closed then would wait on a database that is already gone.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedDefaultIT {

  /**
   * Under target/ rather than a JUnit temporary directory: Spring keeps the application context,
   * and with it the database and the Merkle sequencer polling it, until the JVM exits, after a
   * temporary directory would already be gone.
   */
  static final Path dataDir = Path.of("target", "embedded-it-data", UUID.randomUUID().toString());

  @DynamicPropertySource
  static void dataDirectory(DynamicPropertyRegistry registry) {
    registry.add("ledger.data-dir", () -> dataDir.toAbsolutePath().toString());
  }

  @Autowired TestRestTemplate http;
  @Autowired CommandGateway commands;

  @Test
  @SuppressWarnings("unchecked")
  void startsOnAnEmbeddedFileDatabaseUnderTheDataDirectory() {
    commands.sendAndWait(new OpenAccount("li-lei", HolderType.INDIVIDUAL, "Li Lei", "CN-HB"));

    assertThat(http.getForObject("/actuator/health", Map.class)).containsEntry("status", "UP");
    Map<String, Object> info = http.getForObject("/actuator/info", Map.class);
    assertThat((Map<String, Object>) info.get("eventStore"))
        .containsEntry("lastGlobalIndex", 1)
        .hasEntrySatisfying(
            "database", database -> assertThat(database.toString()).startsWith("H2"));
    assertThat(Files.exists(dataDir.resolve("ledger.mv.db"))).isTrue();
  }
}
