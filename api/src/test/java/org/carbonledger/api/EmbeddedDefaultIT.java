package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service with no profile: the embedded, file-backed default that a laptop runs. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedDefaultIT {

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void dataDirectory(DynamicPropertyRegistry registry) {
    registry.add("ledger.data-dir", dataDir::toString);
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
        .containsEntry("events", 1)
        .hasEntrySatisfying(
            "database", database -> assertThat(database.toString()).startsWith("H2"));
    assertThat(Files.exists(dataDir.resolve("ledger.mv.db"))).isTrue();
  }
}
