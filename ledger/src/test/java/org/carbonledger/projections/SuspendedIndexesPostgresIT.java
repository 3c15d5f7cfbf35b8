package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import javax.sql.DataSource;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A replay's secondary indexes are dropped at the reset and built again at the end (ADR 0015). */
class SuspendedIndexesPostgresIT {

  /** The non-unique indexes of the two append-only tables, as V4 creates them. */
  private static final List<String> SECONDARY =
      List.of(
          "account_movement_batch",
          "retirement_register_footprint",
          "retirement_register_project",
          "retirement_register_purpose",
          "retirement_register_retired_at",
          "retirement_register_vintage");

  @Test
  void suspendingDropsTheSecondaryIndexesAndKeepsTheKeys() {
    JdbcTemplate jdbc = new JdbcTemplate(ProjectionHarness.migratedSchema("suspend_keys"));
    List<String> before = indexes(jdbc);
    assertThat(before).containsAll(SECONDARY);

    int dropped = SuspendedIndexes.suspend(jdbc, SuspendedIndexes.APPEND_ONLY_TABLES, 10);

    assertThat(dropped).isEqualTo(SECONDARY.size());
    List<String> kept = indexes(jdbc);
    assertThat(kept)
        .as("primary and unique keys stay")
        .containsExactlyInAnyOrderElementsOf(
            before.stream().filter(name -> !SECONDARY.contains(name)).toList())
        .contains(
            "account_movement_pkey",
            "retirement_register_pkey",
            "uq_retirement_register_movement",
            "uq_retirement_register_event");
    assertThat(
            jdbc.queryForList(
                "SELECT index_name FROM projection_suspended_index ORDER BY index_name",
                String.class))
        .hasSize(SECONDARY.size())
        .allSatisfy(name -> assertThat(name).startsWith("suspend_keys"));
  }

  @Test
  void restoringBuildsEveryIndexAsItWasAndForgetsIt() {
    JdbcTemplate jdbc = new JdbcTemplate(ProjectionHarness.migratedSchema("suspend_restore"));
    List<String> definitions = definitions(jdbc);
    SuspendedIndexes.suspend(jdbc, SuspendedIndexes.APPEND_ONLY_TABLES, 10);

    assertThat(SuspendedIndexes.restore(jdbc, 10)).isEqualTo(SECONDARY.size());

    assertThat(definitions(jdbc)).isEqualTo(definitions);
    assertThat(count(jdbc)).isZero();
    assertThat(SuspendedIndexes.restore(jdbc, 10)).as("nothing left to build").isZero();
  }

  @Test
  void nothingIsBuiltBeforeTheReplayReachesThePositionOfTheReset() {
    JdbcTemplate jdbc = new JdbcTemplate(ProjectionHarness.migratedSchema("suspend_early"));
    SuspendedIndexes.suspend(jdbc, SuspendedIndexes.APPEND_ONLY_TABLES, 10);

    assertThat(SuspendedIndexes.restore(jdbc, 9)).isZero();

    assertThat(
            jdbc.queryForList(
                "SELECT DISTINCT rebuild_to FROM projection_suspended_index", Long.class))
        .as("the position each record still waits for")
        .containsExactly(10L);
    assertThat(indexes(jdbc)).doesNotContainAnyElementsOf(SECONDARY);
    assertThat(count(jdbc)).isEqualTo(SECONDARY.size());
  }

  @Test
  void aSecondResetDuringAReplayKeepsWhatTheFirstRecordedAndItsPosition() {
    JdbcTemplate jdbc = new JdbcTemplate(ProjectionHarness.migratedSchema("suspend_twice"));
    List<String> definitions = definitions(jdbc);
    SuspendedIndexes.suspend(jdbc, SuspendedIndexes.APPEND_ONLY_TABLES, 10);

    // The second reset comes when the replay has got to 4; Axon's replay still goes to 10.
    assertThat(SuspendedIndexes.suspend(jdbc, SuspendedIndexes.APPEND_ONLY_TABLES, 4)).isZero();

    assertThat(count(jdbc)).isEqualTo(SECONDARY.size());
    assertThat(SuspendedIndexes.restore(jdbc, 9)).isZero();
    assertThat(SuspendedIndexes.restore(jdbc, 10)).isEqualTo(SECONDARY.size());
    assertThat(definitions(jdbc)).isEqualTo(definitions);
  }

  @Test
  void theProgressBuildsTheIndexesOnceTheReplayReachesWhereTheProjectionsHadGot() {
    DataSource dataSource = ProjectionHarness.migratedSchema("suspend_progress");
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    List<String> definitions = definitions(jdbc);
    ProjectionProgress progress = new ProjectionProgress(dataSource);
    progress.on(event(), new GlobalSequenceTrackingToken(7));

    progress.reset();
    assertThat(indexes(jdbc)).doesNotContainAnyElementsOf(SECONDARY);
    progress.on(event(), new GlobalSequenceTrackingToken(6));
    assertThat(indexes(jdbc)).as("at 6 of 7").doesNotContainAnyElementsOf(SECONDARY);
    progress.on(event(), new GlobalSequenceTrackingToken(7));

    assertThat(definitions(jdbc)).isEqualTo(definitions);
    assertThat(count(jdbc)).isZero();
  }

  @Test
  void aBuildThatFailsKeepsItsRecordAndIsTriedAgainByTheServicesCheck() {
    DataSource dataSource = ProjectionHarness.migratedSchema("suspend_retry");
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    ProjectionProgress progress = new ProjectionProgress(dataSource);
    progress.on(event(), new GlobalSequenceTrackingToken(2));
    progress.reset();
    // A definition that cannot be built, as a full disk or a timeout would make one fail.
    jdbc.update(
        "INSERT INTO projection_suspended_index (index_name, table_name, definition, rebuild_to)"
            + " SELECT s || '.late_index', s || '.account_movement',"
            + " 'CREATE INDEX late_index ON ' || s || '.account_movement (no_such_column)', 2"
            + " FROM current_schema() s");

    progress.on(event(), new GlobalSequenceTrackingToken(2));

    assertThat(indexes(jdbc)).as("the others are built").containsAll(SECONDARY);
    assertThat(jdbc.queryForList("SELECT index_name FROM projection_suspended_index", String.class))
        .singleElement(as(InstanceOfAssertFactories.STRING))
        .endsWith(".late_index");

    jdbc.update(
        "UPDATE projection_suspended_index"
            + " SET definition = replace(definition, 'no_such_column', 'quantity')");
    progress.buildSuspendedIndexes();

    assertThat(indexes(jdbc)).contains("late_index");
    assertThat(count(jdbc)).isZero();
  }

  @Test
  void aNodeThatTakesOverAReplayBuildsTheIndexesAnotherNodeSuspended() {
    DataSource dataSource = ProjectionHarness.migratedSchema("suspend_nodes");
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    List<String> definitions = definitions(jdbc);
    ProjectionProgress first = new ProjectionProgress(dataSource);
    ProjectionProgress second = new ProjectionProgress(dataSource);
    first.on(event(), new GlobalSequenceTrackingToken(3));
    // The second node held the processor for a while, and saw its own batches commit.
    second.on(event(), new GlobalSequenceTrackingToken(4));
    assertThat(count(jdbc)).isZero();

    first.reset();
    // The second node's first batch after the reset fails, as for a database that lost commits
    // (ProjectionProgress#record), and its processor retries the batch.
    assertThatThrownBy(() -> second.on(event(), new GlobalSequenceTrackingToken(1)))
        .isInstanceOf(IllegalStateException.class);
    second.on(event(), new GlobalSequenceTrackingToken(1));
    assertThat(count(jdbc)).as("at 1 of 4").isEqualTo(SECONDARY.size());
    second.on(event(), new GlobalSequenceTrackingToken(4));

    assertThat(definitions(jdbc)).isEqualTo(definitions);
    assertThat(count(jdbc)).isZero();
  }

  @Test
  void anIndexBuiltMeanwhileIsNotBuiltTwiceAndARecordWithoutItsTableIsForgotten() {
    JdbcTemplate jdbc = new JdbcTemplate(ProjectionHarness.migratedSchema("suspend_odd"));
    SuspendedIndexes.suspend(jdbc, SuspendedIndexes.APPEND_ONLY_TABLES, 10);
    // A crash after a build and before its record was deleted leaves the index and the record.
    jdbc.execute(
        jdbc.queryForObject(
            "SELECT definition FROM projection_suspended_index"
                + " WHERE index_name LIKE '%.account_movement_batch'",
            String.class));
    jdbc.update(
        "INSERT INTO projection_suspended_index (index_name, table_name, definition, rebuild_to)"
            + " SELECT s || '.gone_index', s || '.gone_table',"
            + " 'CREATE INDEX gone_index ON ' || s || '.gone_table (x)', 10"
            + " FROM current_schema() s");

    assertThat(SuspendedIndexes.restore(jdbc, 10)).isEqualTo(SECONDARY.size() - 1);

    assertThat(indexes(jdbc)).containsAll(SECONDARY);
    assertThat(count(jdbc)).isZero();
  }

  @Test
  void aTrackingReplayBuildsTheIndexesAgainOnceItHasCaughtUp() throws Exception {
    DataSource dataSource = ProjectionHarness.migratedSchema("suspend_replay");
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    List<String> definitions = definitions(jdbc);
    try (ProjectionHarness ledger = ProjectionHarness.tracking(dataSource)) {
      MarathonStory.run(ledger);
      ledger.catchUp();
      assertThat(definitions(jdbc)).isEqualTo(definitions);

      ledger.processor().shutDown();
      ledger.processor().resetTokens();
      assertThat(indexes(jdbc)).doesNotContainAnyElementsOf(SECONDARY);
      assertThat(count(jdbc)).isEqualTo(SECONDARY.size());

      // No event arrives after the reset, so the replay's tokens stay ReplayTokens to the end:
      // the indexes must come back all the same.
      ledger.processor().start();
      ledger.catchUp();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (count(jdbc) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(count(jdbc)).as("suspended indexes left").isZero();
      assertThat(definitions(jdbc)).isEqualTo(definitions);
    }
  }

  private static EventMessage<?> event() {
    return GenericEventMessage.asEventMessage("an event");
  }

  private static List<String> indexes(JdbcTemplate jdbc) {
    return jdbc.queryForList(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            + " AND tablename IN ('account_movement', 'retirement_register') ORDER BY indexname",
        String.class);
  }

  private static List<String> definitions(JdbcTemplate jdbc) {
    return jdbc.queryForList(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            + " AND tablename IN ('account_movement', 'retirement_register') ORDER BY indexname",
        String.class);
  }

  private static long count(JdbcTemplate jdbc) {
    return jdbc.queryForObject("SELECT count(*) FROM projection_suspended_index", Long.class);
  }
}
