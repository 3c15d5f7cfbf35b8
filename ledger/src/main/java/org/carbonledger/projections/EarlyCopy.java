package org.carbonledger.projections;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.carbonledger.store.DaemonThreads;
import org.carbonledger.store.DatabaseKind;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Copies rows of a processor batch into PostgreSQL on a helper thread while the processor thread
 * goes on handling the batch's later events. The copies use the connection of the batch's
 * transaction, so they belong to that transaction.
 *
 * <p>Why: in a replay the projection thread handled a processor batch (about 1.2 s of CPU per
 * 100,000 events) and only then wrote its rows, and PostgreSQL's backend worked through them (about
 * 1.7 s, reads and deletes included) while that thread waited. The two took turns, and the
 * machine's two cores were 60% busy (docs/performance.md). The account movements and the register
 * entries, about four fifths of the backend's time, are rows that are only ever added; they can go
 * while later events are handled.
 *
 * <p>Why it is safe:
 *
 * <ul>
 *   <li>The rows go over the transaction's connection, so they commit with the batch's other rows
 *       and its token, or roll back with them.
 *   <li>The driver lets one operation at a time use a connection: a statement the processor thread
 *       sends while a COPY is under way waits until it ends (PgJDBC locks the connection for a
 *       COPY), and a COPY that starts while a statement runs waits for that statement. Each COPY is
 *       given only rows that are complete, and the processor thread waits for the copies ({@link
 *       #finish}, {@link #stop}) only outside the driver, so neither can wait for the other
 *       forever. The driver's lock is not fair: a statement may wait behind several copies.
 *   <li>The rows' order in the table carries no meaning, and nothing reads these tables within the
 *       processor batch.
 *   <li>The processor thread waits for every copy before its transaction ends: {@link #finish}
 *       before the commit, {@link #stop} before a rollback. The connection never goes back to the
 *       pool while a copy still uses it.
 * </ul>
 *
 * <p>A copy that fails ends the copies after it. The processor thread throws its failure before its
 * next statements ({@link #throwIfFailed}) and at the commit ({@link #finish}), so the batch rolls
 * back. A statement sent meanwhile, by another projection say, fails with PostgreSQL's "current
 * transaction is aborted", which does not name the cause; the failure is therefore also logged.
 *
 * <p>One processor thread uses an instance, for one transaction.
 */
public final class EarlyCopy {

  private static final Logger log = LoggerFactory.getLogger(EarlyCopy.class);

  /**
   * The helper threads, shared by every processor: daemons that end after a minute without work, so
   * nothing needs closing.
   */
  private static final ExecutorService THREADS =
      Executors.newCachedThreadPool(new DaemonThreads("projection-copy"));

  private final JdbcTemplate jdbc;
  private final PGConnection connection;
  private final Executor executor;
  private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
  private volatile Throwable failure;

  /** No copy may be sent any more; only the processor thread reads or writes it. */
  private boolean closed;

  /** The copies not yet started are to be skipped. */
  private volatile boolean abandoned;

  private EarlyCopy(JdbcTemplate jdbc, PGConnection connection, Executor executor) {
    this.jdbc = jdbc;
    this.connection = connection;
    this.executor = executor;
  }

  /**
   * Early copies for the transaction that the calling thread is in, with the shared helper threads.
   *
   * @param jdbc the projections' template, whose data source is the transaction's
   * @return null where there is nothing to copy into early: without a transaction on {@code jdbc}'s
   *     data source bound to this thread, or when it is not PostgreSQL
   */
  public static EarlyCopy forCurrentTransaction(JdbcTemplate jdbc) {
    return forCurrentTransaction(jdbc, THREADS);
  }

  /** {@link #forCurrentTransaction(JdbcTemplate)}, with the copies run by {@code executor}. */
  static EarlyCopy forCurrentTransaction(JdbcTemplate jdbc, Executor executor) {
    DataSource dataSource = jdbc.getDataSource();
    if (dataSource == null || !TransactionSynchronizationManager.isActualTransactionActive()) {
      return null;
    }
    Connection connection = DataSourceUtils.getConnection(dataSource);
    try {
      if (!DataSourceUtils.isConnectionTransactional(connection, dataSource)
          || !DatabaseKind.isPostgres(connection)) {
        return null;
      }
      return new EarlyCopy(jdbc, connection.unwrap(PGConnection.class), executor);
    } catch (SQLException e) {
      throw new IllegalStateException("could not reach the projections' connection", e);
    } finally {
      // A transaction's connection stays open until the transaction ends; this only gives back
      // the reference taken above.
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  /**
   * Copies rows into a table after the copies sent before, on a helper thread.
   *
   * @param table the table, named by the code, never by input
   * @param columns its columns, in the order of each row's values
   * @param rows rows that are {@link BulkInsert#copyable}, each as long as {@code columns}; the
   *     caller must not change the list afterwards
   * @throws IllegalStateException after {@link #finish} or {@link #stop}
   */
  public void copy(String table, List<String> columns, List<Object[]> rows) {
    if (closed) {
      throw new IllegalStateException("the early copies of this transaction are over");
    }
    if (rows.isEmpty() || failure != null) {
      // After a failure the batch rolls back: its rows need not go.
      return;
    }
    String sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN";
    last = last.thenRunAsync(() -> copyNow(sql, rows), executor);
  }

  private void copyNow(String sql, List<Object[]> rows) {
    if (abandoned || failure != null) {
      return;
    }
    try {
      BulkInsert.copy(connection, sql, rows);
    } catch (SQLException e) {
      DataAccessException translated = jdbc.getExceptionTranslator().translate("COPY", sql, e);
      failed(translated != null ? translated : new UncategorizedSQLException("COPY", sql, e), rows);
    } catch (RuntimeException | Error e) {
      failed(e, rows);
    }
  }

  private void failed(Throwable e, List<Object[]> rows) {
    failure = e;
    log.warn(
        "an early copy of {} rows failed, so its processor batch will roll back", rows.size(), e);
  }

  /**
   * Waits for every copy, and ends this instance; before the transaction commits.
   *
   * @throws org.springframework.dao.DataAccessException or another exception: the first copy's
   *     failure, if one failed, as {@link BulkInsert#into} would have thrown it
   */
  public void finish() {
    // Every copy already sent still runs: the batch commits all of its rows or none.
    closed = true;
    awaitCopies();
    throwIfFailed();
  }

  /**
   * Throws the first copy's failure, if one has failed; the processor thread calls it before its
   * own statements, which would otherwise fail only with "current transaction is aborted".
   *
   * @throws RuntimeException the failure, or an {@link IllegalStateException} caused by it when it
   *     is not a {@code RuntimeException}
   */
  public void throwIfFailed() {
    Throwable failed = failure;
    if (failed instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failed != null) {
      // An Error from the helper thread (out of memory there, or no thread to be had) says
      // nothing about the processor thread. Thrown as it is, it would pass Axon's unit of work,
      // which catches exceptions only, and the batch would neither roll back nor be tried again.
      throw new IllegalStateException("an early copy failed: " + failed, failed);
    }
  }

  /**
   * Lets the copy under way end, starts no other, and waits for it; before the transaction rolls
   * back. A failure is not thrown: the rollback undoes whatever was copied.
   */
  public void stop() {
    closed = true;
    abandoned = true;
    awaitCopies();
  }

  /** Waits, even when interrupted, until no copy uses the connection. */
  private void awaitCopies() {
    boolean interrupted = false;
    while (true) {
      try {
        last.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        // copyNow records its own failures. This is one it could not record (its logging failed)
        // or the executor failing to run it (no thread could be started).
        if (failure == null) {
          failure = e.getCause();
        }
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
