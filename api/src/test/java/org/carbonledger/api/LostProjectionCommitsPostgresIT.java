package org.carbonledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.carbonledger.accounts.AccountCommand.OpenAccount;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.Projections;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The projections commit asynchronously (ADR 0010). When PostgreSQL loses such a commit, the
 * running service must project the lost events again, even if no new event arrives to show it.
 */
@DirtiesContext
@SpringBootTest(properties = "ledger.projections.lost-commit-check-ms=200")
@ActiveProfiles("postgres")
class LostProjectionCommitsPostgresIT {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    PostgresSchema.use(registry, "lost_commits");
  }

  @Autowired CommandGateway commands;
  @Autowired JdbcTemplate jdbc;
  @Autowired ProjectionProgress progress;

  @Test
  void aBatchTheDatabaseLostIsProjectedAgainWithoutANewEvent() throws Exception {
    commands.sendAndWait(new OpenAccount("first", HolderType.ENTERPRISE, "First", "CN-HB"));
    awaitProjections();
    Map<String, Object> tokenBefore = projectionsToken();
    long positionBefore = progress.position();

    commands.sendAndWait(new OpenAccount("second", HolderType.ENTERPRISE, "Second", "CN-HB"));
    awaitProjections();
    assertThat(accountsProjected()).contains("second");

    // What a database that restarted and lost the batch that projected the second account leaves
    // behind: the rows, the position and the processor's token of the batch before it. The
    // service's processor still holds the newer token in memory, and no new event will come.
    jdbc.update("DELETE FROM account_view WHERE account_id = 'second'");
    jdbc.update("UPDATE projection_position SET last_position = ?", positionBefore);
    jdbc.update(
        "UPDATE token_entry SET token = ?, token_type = ? WHERE processor_name = ?",
        tokenBefore.get("token"),
        tokenBefore.get("token_type"),
        Projections.PROCESSING_GROUP);
    // The node remembers the second batch as committed just after its commit, a moment after
    // the position it waited for became visible; by now, or very soon, the loss shows.
    awaitBehindWhatCommittedOrRecovered();

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!accountsProjected().contains("second")) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("the lost account was never projected again");
      }
      Thread.sleep(100);
    }
    assertThat(progress.behindWhatCommitted()).isFalse();
  }

  private void awaitBehindWhatCommittedOrRecovered() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!progress.behindWhatCommitted() && !accountsProjected().contains("second")) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("the loss of the second account's batch never showed");
      }
      Thread.sleep(10);
    }
  }

  private void awaitProjections() throws InterruptedException {
    long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
    assertThat(progress.awaitPosition(head, Duration.ofSeconds(30))).isTrue();
  }

  private Map<String, Object> projectionsToken() {
    return jdbc.queryForMap(
        "SELECT token, token_type FROM token_entry WHERE processor_name = ?",
        Projections.PROCESSING_GROUP);
  }

  private java.util.List<String> accountsProjected() {
    return jdbc.queryForList("SELECT account_id FROM account_view", String.class);
  }
}
