package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rows copied early, on a helper thread over the transaction's own connection, belong to that
 * transaction: they commit and roll back with it, every copy sent is waited for before it ends, and
 * a copy that fails fails the transaction.
 */
class EarlyCopyPostgresIT {

  private static final List<String> COLUMNS = List.of("id", "label");

  /** A new connection each time; the tests' second session. */
  private static DataSource sessions;

  /**
   * One connection for every transaction, as a pool of one would give: a copy that outlived its
   * transaction would be seen by the next.
   */
  private static SingleConnectionDataSource dataSource;

  private static JdbcTemplate jdbc;
  private static TransactionTemplate transactions;
  private static ExecutorService helper;

  /** Holds the helper thread, so that the copies sent meanwhile cannot start. */
  private CountDownLatch gate;

  @BeforeAll
  static void table() throws Exception {
    sessions = ProjectionHarness.migratedSchema("early_copy");
    dataSource = new SingleConnectionDataSource(sessions.getConnection(), true);
    jdbc = new JdbcTemplate(dataSource);
    jdbc.execute("CREATE TABLE copied (id BIGINT PRIMARY KEY, label VARCHAR NOT NULL)");
    // Every row inserted here waits until no other session holds advisory lock 7.
    jdbc.execute("CREATE TABLE held_back (id BIGINT PRIMARY KEY, label VARCHAR NOT NULL)");
    jdbc.execute(
        "CREATE FUNCTION wait_for_lock_7() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN PERFORM pg_advisory_xact_lock_shared(7); RETURN NEW; END $$");
    jdbc.execute(
        "CREATE TRIGGER held BEFORE INSERT ON held_back FOR EACH ROW"
            + " EXECUTE FUNCTION wait_for_lock_7()");
    transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    helper = Executors.newSingleThreadExecutor();
  }

  @AfterAll
  static void stopHelper() {
    helper.shutdownNow();
    dataSource.destroy();
  }

  @BeforeEach
  void empty() {
    jdbc.execute("TRUNCATE copied, held_back");
  }

  @Test
  void rowsCopiedEarlyCommitWithTheTransactionBesideTheProcessorThreadsOwnStatements() {
    transactions.executeWithoutResult(
        status -> {
          EarlyCopy early = EarlyCopy.forCurrentTransaction(jdbc, helper);
          for (int slice = 0; slice < 20; slice++) {
            early.copy("copied", COLUMNS, rows(slice * 100, 100));
            // The processor thread's own statements share the connection with the copies.
            jdbc.update("INSERT INTO copied (id, label) VALUES (?, 'own')", -1 - slice);
          }
          early.finish();
          assertThat(count()).as("seen inside the transaction").isEqualTo(2_020);
        });
    assertThat(count()).isEqualTo(2_020);
  }

  @Test
  void rowsCopiedEarlyRollBackWithTheTransaction() {
    assertThatThrownBy(
            () ->
                transactions.executeWithoutResult(
                    status -> {
                      EarlyCopy early = EarlyCopy.forCurrentTransaction(jdbc, helper);
                      early.copy("copied", COLUMNS, rows(0, 500));
                      early.finish();
                      throw new IllegalStateException("a later event broke an invariant");
                    }))
        .hasMessage("a later event broke an invariant");
    assertThat(count()).isZero();
  }

  @Test
  void finishingWaitsForEveryCopySentEvenThoseNotStartedYet() throws Exception {
    transactions.executeWithoutResult(
        status -> {
          EarlyCopy early = twoCopiesHeldBackUntilThisThreadWaits();
          early.finish();
        });
    assertThat(count()).isEqualTo(200);
  }

  @Test
  void stoppingSkipsTheCopiesNotStartedYet() throws Exception {
    transactions.executeWithoutResult(
        status -> {
          EarlyCopy early = twoCopiesHeldBackUntilThisThreadWaits();
          early.stop();
          assertThat(count()).isZero();
          assertThatThrownBy(() -> early.copy("copied", COLUMNS, rows(200, 1)))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("over");
          status.setRollbackOnly();
        });
    assertThat(count()).isZero();
  }

  @Test
  void stoppingWaitsForTheCopyUnderWayToEnd() throws Exception {
    AtomicBoolean released = new AtomicBoolean();
    try (Connection holder = sessions.getConnection();
        Statement lock = holder.createStatement()) {
      lock.execute("SELECT pg_advisory_lock(7)");
      transactions.executeWithoutResult(
          status -> {
            EarlyCopy early = EarlyCopy.forCurrentTransaction(jdbc, helper);
            early.copy("held_back", COLUMNS, rows(0, 10));
            awaitACopyWaitingForTheLock(lock);
            Thread releaser =
                new Thread(
                    () -> {
                      try {
                        Thread.sleep(200);
                        released.set(true);
                        lock.execute("SELECT pg_advisory_unlock(7)");
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    });
            releaser.start();
            early.stop();
            assertThat(released)
                .as("stop() returned only once the copy under way had ended")
                .isTrue();
            status.setRollbackOnly();
          });
    }
    assertThat(jdbc.queryForObject("SELECT count(*) FROM held_back", Long.class)).isZero();
  }

  @Test
  void aCopyThatFailsIsThrownByFinishAsTheDatabaseRefusedIt() {
    assertThatThrownBy(
            () ->
                transactions.executeWithoutResult(
                    status -> {
                      EarlyCopy early = EarlyCopy.forCurrentTransaction(jdbc, helper);
                      early.copy("copied", COLUMNS, rows(0, 100));
                      early.copy("copied", COLUMNS, rows(50, 100));
                      early.copy("copied", COLUMNS, rows(1_000, 100));
                      early.finish();
                    }))
        .isInstanceOf(DuplicateKeyException.class)
        .hasMessageContaining("copied_pkey");
    assertThat(count()).isZero();
    // The one connection is usable by the next transaction.
    transactions.executeWithoutResult(
        status -> jdbc.update("INSERT INTO copied (id, label) VALUES (1, 'after')"));
    assertThat(count()).isEqualTo(1);
  }

  @Test
  void anErrorOnTheHelpersSideIsThrownAsAnExceptionSoThatAxonRollsTheBatchBack() {
    OutOfMemoryError noThread = new OutOfMemoryError("unable to create native thread");
    assertThatThrownBy(
            () ->
                transactions.executeWithoutResult(
                    status -> {
                      EarlyCopy early =
                          EarlyCopy.forCurrentTransaction(
                              jdbc,
                              task -> {
                                throw noThread;
                              });
                      early.copy("copied", COLUMNS, rows(0, 10));
                      early.finish();
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasCause(noThread);
    assertThat(count()).isZero();
  }

  @Test
  void withoutATransactionThereIsNothingToCopyIntoEarly() {
    assertThat(EarlyCopy.forCurrentTransaction(jdbc, helper)).isNull();
  }

  private static List<Object[]> rows(long first, int count) {
    List<Object[]> rows = new ArrayList<>();
    for (long id = first; id < first + count; id++) {
      rows.add(new Object[] {id, "row\t" + id});
    }
    return rows;
  }

  /**
   * Waits until a session waits for advisory lock 7: the copy is under way, held by its trigger.
   */
  private static void awaitACopyWaitingForTheLock(Statement sql) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      while (true) {
        try (ResultSet waiting =
            sql.executeQuery(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
          waiting.next();
          if (waiting.getLong(1) > 0) {
            return;
          }
        }
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("no copy started within 30 s");
        }
        Thread.sleep(10);
      }
    } catch (SQLException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count() {
    return jdbc.queryForObject("SELECT count(*) FROM copied", Long.class);
  }

  /**
   * Early copies of rows 0 to 199 in two slices, neither of which starts before the calling thread
   * waits (for the copies, in the test).
   */
  private EarlyCopy twoCopiesHeldBackUntilThisThreadWaits() {
    EarlyCopy early = EarlyCopy.forCurrentTransaction(jdbc, helper);
    closeTheGate();
    early.copy("copied", COLUMNS, rows(0, 100));
    early.copy("copied", COLUMNS, rows(100, 100));
    openTheGateOnceWaiting(Thread.currentThread());
    return early;
  }

  private void closeTheGate() {
    gate = new CountDownLatch(1);
    CountDownLatch closed = gate;
    helper.execute(
        () -> {
          try {
            closed.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /** Opens the gate once {@code waiter} is blocked, waiting for the copies. */
  private void openTheGateOnceWaiting(Thread waiter) {
    CountDownLatch closed = gate;
    Thread opener =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
              while (waiter.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
              }
              closed.countDown();
            });
    opener.setDaemon(true);
    opener.start();
  }
}
