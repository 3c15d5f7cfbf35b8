package benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.carbonledger.testsupport.TestPostgres;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the ledger, or a part of it, in the benchmark's JVM on a schema of its PostgreSQL. */
final class BenchApplications {

  private BenchApplications() {}

  /**
   * @param application the Spring configuration: {@code LedgerApplication} or a bare one
   * @param web whether to start the web layer (on a random port)
   * @param url the schema's JDBC URL
   * @param poolSize the connection pool's size, or null for the configured one
   */
  static ConfigurableApplicationContext start(
      Class<?> application, boolean web, TestPostgres postgres, String url, Integer poolSize)
      throws IOException {
    SpringApplicationBuilder builder =
        new SpringApplicationBuilder(application)
            .web(web ? WebApplicationType.SERVLET : WebApplicationType.NONE)
            .profiles("postgres");
    if (SqlCounter.enabled()) {
      builder.sources(SqlCounter.class);
    }
    // Command-line arguments, because they outrank the profile's own settings.
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + postgres.user(),
                "--spring.datasource.password=" + postgres.password(),
                "--ledger.keys-dir=" + Files.createTempDirectory("bench-keys-"),
                "--ledger.data-dir=" + Files.createTempDirectory("bench-data-"),
                "--server.port=0",
                "--logging.level.root=WARN"));
    if (poolSize != null) {
      arguments.add("--spring.datasource.hikari.maximum-pool-size=" + poolSize);
    }
    if (application == ChainOverheadBenchmark.BareAxon.class
        || application == ChainOverheadBenchmark.ChainedAxon.class) {
      // Bare Axon is Axon as it ships: every command in a transaction of its own on the simple
      // command bus (ADR 0012). Its component scan takes the ledger's wiring, which includes the
      // bus that commits movements in groups, and until 2026-11-22 it did commit them in groups.
      arguments.add("--ledger.command-group.size=1");
    }
    return builder.run(arguments.toArray(String[]::new));
  }
}
