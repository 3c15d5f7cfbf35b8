package org.carbonledger.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The service on a fresh schema of the test PostgreSQL, driven through MockMvc with the bootstrap
 * operator key {@link RegistryHttp#OPERATOR}. Each subclass is one Spring context.
 */
// Closed when the class ends, while its database still runs: the JVM runs shutdown hooks all
// at once, and a context closed then would wait on a database that is already gone.
@DirtiesContext
@SpringBootTest(properties = "ledger.bootstrap-token=" + RegistryHttp.OPERATOR)
@AutoConfigureMockMvc
@ActiveProfiles("postgres")
abstract class HttpPostgresTest {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    TestPostgres postgres = TestPostgres.get();
    String url = postgres.newSchema("http");
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", postgres::user);
    registry.add("spring.datasource.password", postgres::password);
  }

  @Autowired MockMvc mvc;
  @Autowired ObjectMapper json;
  @Autowired JdbcTemplate jdbc;

  RegistryHttp registry;

  @BeforeEach
  void registry() {
    registry = new RegistryHttp(mvc, json, jdbc);
  }
}
