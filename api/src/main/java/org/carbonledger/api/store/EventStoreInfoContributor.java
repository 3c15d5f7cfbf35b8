package org.carbonledger.api.store;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.carbonledger.store.LedgerTables;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.stereotype.Component;

/**
 * Adds the event store to {@code /actuator/info}: which database holds it and how many events it
 * has, so that an operator can see at a glance whether the service runs on the embedded default or
 * on PostgreSQL.
 */
@Component
class EventStoreInfoContributor implements InfoContributor {

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;

  EventStoreInfoContributor(DataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> store = new LinkedHashMap<>();
    try {
      store.put(
          "database",
          JdbcUtils.extractDatabaseMetaData(
              dataSource,
              metaData ->
                  metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion()));
      store.put(
          "lastGlobalIndex",
          jdbc.queryForObject(
              "SELECT coalesce(max(global_index), 0) FROM " + LedgerTables.DOMAIN_EVENTS,
              Long.class));
    } catch (Exception e) {
      // The info endpoint must answer even when the database does not; health reports that.
      store.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    builder.withDetail("eventStore", store);
  }
}
