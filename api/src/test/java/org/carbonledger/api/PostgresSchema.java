package org.carbonledger.api;

import org.carbonledger.testsupport.TestPostgres;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a Spring Boot test at a fresh schema of the test PostgreSQL. */
public final class PostgresSchema {

  private PostgresSchema() {}

  /** Call from a {@code @DynamicPropertySource} method, with the "postgres" profile active. */
  public static void use(DynamicPropertyRegistry registry, String hint) {
    TestPostgres postgres = TestPostgres.get();
    String url = postgres.newSchema(hint);
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", postgres::user);
    registry.add("spring.datasource.password", postgres::password);
  }
}
