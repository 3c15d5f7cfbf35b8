package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The projections' position on PostgreSQL: each processor batch commits asynchronously (ADR 0010),
 * and a stored position that falls behind one already committed, as a database that restarted and
 * lost those commits leaves it, fails the batch instead of being written over.
 */
class ProjectionProgressPostgresIT {

  private static final EventMessage<String> EVENT = GenericEventMessage.asEventMessage("event");

  private final DataSource dataSource = durable(ProjectionHarness.migratedSchema("progress"));
  private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
  private final SpringTransactionManager transactions =
      new SpringTransactionManager(new DataSourceTransactionManager(dataSource));
  private final ProjectionProgress progress = new ProjectionProgress(dataSource);

  @Test
  void aBatchRecordsItsHighestPositionAndCommitsAsynchronously() {
    String[] setting = new String[1];
    batch(
        () -> {
          progress.on(EVENT, new GlobalSequenceTrackingToken(4));
          progress.on(EVENT, new GlobalSequenceTrackingToken(5));
          setting[0] = jdbc.queryForObject("SHOW synchronous_commit", String.class);
        });

    assertThat(setting[0]).isEqualTo("off");
    assertThat(progress.position()).isEqualTo(5);
    assertThat(jdbc.queryForObject("SHOW synchronous_commit", String.class))
        .as("the setting is local to the batch's transaction")
        .isEqualTo("on");
  }

  @Test
  void aStoredPositionBehindACommittedOneFailsTheBatchUntilItIsProjectedAgain() {
    batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(10)));
    // What a database that restarted and lost the batches after position 4 leaves behind (their
    // processor token went with them).
    jdbc.update("UPDATE projection_position SET last_position = 4");
    assertThat(progress.behindWhatCommitted()).isTrue();

    assertThatThrownBy(() -> batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(12))))
        .hasMessageContaining("stored projection position 4 is behind 10");
    assertThat(progress.position()).isEqualTo(4);

    // The processor retries from its stored token, after position 4.
    batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(7)));
    assertThat(progress.position()).isEqualTo(7);
  }

  @Test
  void aLostPositionRowFailsTheBatchLikeALostPosition() {
    batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(10)));
    // What a database that lost every batch since the projections started leaves behind.
    jdbc.update("DELETE FROM projection_position");
    assertThat(progress.behindWhatCommitted()).isTrue();

    assertThatThrownBy(() -> batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(12))))
        .hasMessageContaining("stored projection position -1 is behind 10");

    batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(0)));
    assertThat(progress.position()).isZero();
    assertThat(progress.behindWhatCommitted()).isFalse();
  }

  @Test
  void aResetIsNotMistakenForALostCommit() {
    batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(10)));

    progress.reset();

    assertThat(progress.behindWhatCommitted()).isFalse();
    batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(0)));
    assertThat(progress.position()).isZero();
  }

  @Test
  void aStoredPositionAheadOfTheOneCommittedHereIsAnotherNodesProgress() {
    batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(10)));
    jdbc.update("UPDATE projection_position SET last_position = 20");

    batch(() -> progress.on(EVENT, new GlobalSequenceTrackingToken(25)));

    assertThat(progress.position()).isEqualTo(25);
  }

  /**
   * Connections that commit synchronously unless told otherwise, as a production server's do (the
   * test server's default is asynchronous, for speed).
   */
  private static DataSource durable(DataSource schema) {
    ((PGSimpleDataSource) schema).setOptions("-c synchronous_commit=on");
    return schema;
  }

  /** Runs {@code work} as a processor batch does: in a unit of work with a database transaction. */
  private void batch(Runnable work) {
    UnitOfWork<?> unit = DefaultUnitOfWork.startAndGet(EVENT);
    unit.attachTransaction(transactions);
    unit.execute(work);
  }
}
