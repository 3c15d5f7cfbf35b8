package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.audit.verify.DatabaseVerifier;
import org.carbonledger.audit.verify.Finding;
import org.carbonledger.audit.verify.VerificationReport;
import org.carbonledger.audit.verify.VerifyOptions;
import org.carbonledger.auditlog.Checkpointer;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.RetirementPurpose;
import org.carbonledger.testsupport.RegistrySetup;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A hostile source: the operator shows the first audit one history and the second audit another,
 * both written by the real service with the ledger's real keys, so each verifies perfectly on its
 * own. Only the checkpoint the regulator saved at the first audit, and the consistency it demands
 * at the second, catch it (the class of bug in immudb's advisory GHSA-672p-m5jq-mrh8).
 */
@DirtiesContext
@SpringBootTest(properties = "ledger.checkpoint.interval-ms=100")
@ActiveProfiles("postgres")
class HostileSourcePostgresIT {

  private static Path keysDir;
  private static String honestUrl;

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) throws Exception {
    keysDir = Files.createTempDirectory("hostile-keys-");
    TestPostgres postgres = TestPostgres.get();
    honestUrl = postgres.newSchema("hostile_a");
    registry.add("spring.datasource.url", () -> honestUrl);
    registry.add("spring.datasource.username", postgres::user);
    registry.add("spring.datasource.password", postgres::password);
    registry.add("ledger.keys-dir", () -> keysDir.toString());
  }

  @Autowired CommandGateway commands;
  @Autowired JdbcTemplate jdbc;
  @Autowired Checkpointer checkpointer;

  /** Serves each audit the next of its histories, as a lying operator would. */
  static final class HostileSource {
    private final Deque<String> urls = new ArrayDeque<>();

    HostileSource(String... urls) {
      this.urls.addAll(java.util.List.of(urls));
    }

    Connection connect() throws SQLException {
      TestPostgres postgres = TestPostgres.get();
      Connection connection =
          DriverManager.getConnection(urls.pop(), postgres.user(), postgres.password());
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      return connection;
    }
  }

  @Test
  void aSourceThatServesTheSecondAuditAnotherHistoryIsCaughtByTheConsistencyCheck()
      throws Exception {
    write(commands, "Wuhan Marathon 2026");
    LedgerCopy.awaitEverythingLogged(jdbc);
    checkpointer.checkpoint();

    // The same service, keys and all, writes a second history where the retirement names
    // someone else, and a little more after it.
    String forkUrl = TestPostgres.get().newSchema("hostile_b");
    try (ConfigurableApplicationContext fork = fork(forkUrl)) {
      CommandGateway forkCommands = fork.getBean(CommandGateway.class);
      write(forkCommands, "Someone Else");
      forkCommands.sendAndWait(new OpenAccount("h-extra", HolderType.ENTERPRISE, "X", "CN-HB"));
      JdbcTemplate forkJdbc = fork.getBean(JdbcTemplate.class);
      LedgerCopy.awaitEverythingLogged(forkJdbc);
      fork.getBean(Checkpointer.class).checkpoint();
    }

    HostileSource source = new HostileSource(honestUrl, forkUrl, forkUrl);
    String saved;
    try (Connection first = source.connect()) {
      DatabaseVerifier audit = new DatabaseVerifier(first, n -> {});
      assertThat(audit.verify().findings()).as("the first audit").isEmpty();
      saved = audit.latestVerifiedCheckpoint();
    }
    assertThat(saved).isNotNull();

    try (Connection second = source.connect()) {
      assertThat(new DatabaseVerifier(second, n -> {}).verify().findings())
          .as("the other history verifies on its own")
          .isEmpty();
    }
    VerificationReport withSince;
    try (Connection second = source.connect()) {
      withSince =
          new DatabaseVerifier(second, n -> {}, VerifyOptions.defaults().withSince(saved)).verify();
    }
    assertThat(withSince.findings()).extracting(Finding::kind).contains("HISTORY_REWRITTEN");
  }

  private static void write(CommandGateway commands, String beneficiary) {
    commands.sendAndWait(new OpenAccount("h-green", HolderType.PLATFORM, "Green", "CN-HB"));
    RegistrySetup.approvedProject(commands::sendAndWait, "HOSTILE-P", "h-green");
    RegistrySetup.issue(commands::sendAndWait, "HOSTILE-P", 100, "h-green");
    commands.sendAndWait(
        new RetireCredits(
            "HOSTILE-P-B1",
            "ret-1",
            "h-green",
            10,
            null,
            beneficiary,
            "Carbon neutral event",
            null,
            RetirementPurpose.VOLUNTARY,
            null,
            null,
            "CN-HB",
            null));
  }

  private static ConfigurableApplicationContext fork(String url) throws Exception {
    TestPostgres postgres = TestPostgres.get();
    return new SpringApplicationBuilder(LedgerApplication.class)
        .web(WebApplicationType.SERVLET)
        .profiles("postgres")
        .run(
            "--spring.datasource.url=" + url,
            "--spring.datasource.username=" + postgres.user(),
            "--spring.datasource.password=" + postgres.password(),
            "--ledger.keys-dir=" + keysDir,
            "--ledger.data-dir=" + Files.createTempDirectory("hostile-data-"),
            "--ledger.checkpoint.interval-ms=100",
            "--server.port=0",
            "--logging.level.root=WARN");
  }
}
