package org.carbonledger.projections.credits;

import static org.carbonledger.store.ValueLists.padded;
import static org.carbonledger.store.ValueLists.placeholders;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.carbonledger.credits.BatchEvent.BatchIssued;
import org.carbonledger.credits.BatchEvent.CreditsCancelled;
import org.carbonledger.credits.BatchEvent.CreditsRetired;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SerialBlocks;
import org.carbonledger.credits.SerialNumbers;
import org.carbonledger.credits.SupplyInvariantViolation;
import org.carbonledger.projections.BulkInsert;
import org.carbonledger.projections.EarlyCopy;
import org.carbonledger.projections.ProjectionSql;
import org.carbonledger.store.DatabaseKind;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The credit tables' rows that one processor batch touches, read once, changed in memory event by
 * event, and written back just before the batch commits, in one statement batch per table (new rows
 * by {@link BulkInsert}: a COPY on PostgreSQL once there are many).
 *
 * <p>Why: a replay handles every movement the ledger ever recorded, and writing each event's rows
 * as it came cost seven round trips to the database per transfer. Now a processor batch (up to
 * 20,000 events in the service) costs one statement or COPY per table, a few more where it changes
 * more than 512 batches or blocks. The processor's unit of work already makes its events one
 * transaction, so deferring the writes to its prepare-commit step changes nothing a reader can see:
 * the rows appear together with the token, or not at all.
 *
 * <p>In a large processor batch (a replay), the account movements and register entries, rows that
 * are only ever added, go earlier: 1,024 at a time, copied on a helper thread over the batch's own
 * connection while later events are handled ({@link EarlyCopy}, ADR 0013). They still commit with
 * the batch or not at all.
 *
 * <p>Before the first event is handled, the rows every credit event of the batch will need (its
 * batches' supply and the holdings of the accounts it names) are read in two queries (one of each
 * per 512 keys); anything else is read when first needed. No other projection reads these tables,
 * so nothing in the same transaction can miss a deferred write.
 *
 * <p>The supply invariant is asserted twice: in memory after every event (issued = tradable +
 * retired + cancelled, nothing negative), so that a failure names its event; and in the database
 * after the writes, for every batch the processor batch changed, where the tradable credits must
 * also be exactly those in the batch's holding blocks, so that a write that did not do what this
 * buffer meant, or a row changed behind the projection's back, is caught before the batch commits.
 */
final class PendingCredits {

  /** Lists of values longer than this are split, to keep statements a sensible size. */
  private static final int CHUNK = 512;

  private final JdbcTemplate jdbc;
  private final Map<String, Supply> batches = new LinkedHashMap<>();
  private final Map<HoldingKey, Holding> holdings = new LinkedHashMap<>();
  private final Appended movements = new Appended("account_movement", MOVEMENT_COLUMNS);
  private final Appended retirements = new Appended("retirement_register", RETIREMENT_COLUMNS);
  private final int earlyCopyRows;
  private EarlyCopy early;
  private boolean noEarlyCopy;
  private Boolean postgres;

  /** Changes that are all written by {@link #flush}. */
  PendingCredits(JdbcTemplate jdbc) {
    this(jdbc, 0);
  }

  /**
   * Changes whose new account movements and register entries are copied in slices of {@code
   * earlyCopyRows} while later events are handled ({@link EarlyCopy}), on PostgreSQL and inside a
   * transaction; the rest is written by {@link #flush}. The owner must call {@link #abandon} if the
   * transaction rolls back without a flush.
   *
   * @param earlyCopyRows at least 1; 0 for never
   */
  PendingCredits(JdbcTemplate jdbc, int earlyCopyRows) {
    this.jdbc = jdbc;
    this.earlyCopyRows = earlyCopyRows;
  }

  /**
   * Reads, in two queries, the batches and holdings that the credit events of a processor batch
   * will touch. Without a batching unit of work (a handler called directly) there is nothing to
   * look ahead at, and rows are read as they are needed.
   */
  void prefetch(UnitOfWork<?> unit) {
    if (!(unit instanceof BatchingUnitOfWork<?> batch)) {
      return;
    }
    Set<String> batchIds = new LinkedHashSet<>();
    Set<HoldingKey> keys = new LinkedHashSet<>();
    for (Message<?> message : batch.getMessages()) {
      if (!(message instanceof EventMessage<?> event)) {
        continue;
      }
      Object payload = event.getPayload();
      if (payload instanceof BatchIssued issued) {
        batchIds.add(issued.batchId());
        keys.add(new HoldingKey(issued.batchId(), issued.accountId()));
      } else if (payload instanceof CreditsTransferred transfer) {
        batchIds.add(transfer.batchId());
        keys.add(new HoldingKey(transfer.batchId(), transfer.fromAccountId()));
        keys.add(new HoldingKey(transfer.batchId(), transfer.toAccountId()));
      } else if (payload instanceof CreditsRetired retired) {
        batchIds.add(retired.batchId());
        keys.add(new HoldingKey(retired.batchId(), retired.accountId()));
      } else if (payload instanceof CreditsCancelled cancelled) {
        batchIds.add(cancelled.batchId());
        keys.add(new HoldingKey(cancelled.batchId(), cancelled.accountId()));
      }
    }
    loadBatches(batchIds);
    loadHoldings(keys);
  }

  /** A batch's supply as the events so far leave it; null if it was never issued. */
  Supply batch(String batchId) {
    if (!batches.containsKey(batchId)) {
      loadBatches(List.of(batchId));
    }
    return batches.get(batchId);
  }

  /**
   * Records a new batch at {@code position}, holding none of its serials yet: the handler gives
   * them to the account they were issued to.
   */
  Supply issue(BatchIssued event, EventMessage<?> message, long position) {
    SerialBlock serials = event.serials();
    Supply supply =
        new Supply(
            event.batchId(),
            event.projectId(),
            event.batchSequence(),
            event.vintageStart(),
            event.vintageEnd(),
            event.serialPrefix(),
            serials.count(),
            serials.count(),
            0,
            0,
            position);
    supply.issuance =
        new Object[] {
          event.batchId(),
          event.projectId(),
          event.batchSequence(),
          event.vintageStart(),
          event.vintageEnd(),
          event.verificationReportId(),
          event.verifier(),
          event.serialPrefix(),
          serials.first(),
          serials.last(),
          event.accountId(),
          ProjectionSql.timestamp(message.getTimestamp()),
          position,
          message.getIdentifier()
        };
    batches.put(event.batchId(), supply);
    return supply;
  }

  /** Takes serials out of an account's holding; they must all be held there. */
  void take(Supply batch, String accountId, List<SerialBlock> blocks) {
    change(batch, accountId, blocks, SerialBlocks::remove, "does not hold");
  }

  /** Adds serials to an account's holding, merging adjacent blocks. */
  void give(Supply batch, String accountId, List<SerialBlock> blocks) {
    change(batch, accountId, blocks, SerialBlocks::add, "already holds");
  }

  /** A row for {@code account_movement}, in {@link #MOVEMENT_COLUMNS}' order. */
  void movement(Object[] row) {
    append(movements, row);
  }

  /** A row for {@code retirement_register}, in {@link #RETIREMENT_COLUMNS}' order. */
  void retirement(Object[] row) {
    append(retirements, row);
  }

  private void append(Appended table, Object[] row) {
    table.waiting.add(row);
    if (earlyCopyRows > 0 && table.waiting.size() >= earlyCopyRows && !noEarlyCopy) {
      copyEarly(table);
    }
  }

  /**
   * Hands the table's waiting rows to the early copy, if the transaction has one. Rows that COPY
   * cannot take as they are ({@link BulkInsert#copyable}) stay for the flush, which inserts them.
   */
  private void copyEarly(Appended table) {
    if (early == null) {
      early = EarlyCopy.forCurrentTransaction(jdbc);
      if (early == null) {
        noEarlyCopy = true;
        return;
      }
    }
    List<Object[]> slice = table.waiting;
    table.waiting = new ArrayList<>();
    if (BulkInsert.copyable(slice)) {
      early.copy(table.name, table.columns, slice);
    } else {
      table.late.addAll(slice);
    }
  }

  /**
   * Throws the failure of an early copy, if one failed: the batch will roll back, and its failure
   * should name the cause rather than the "current transaction is aborted" of a later statement.
   */
  void throwIfEarlyCopyFailed() {
    if (early != null) {
      early.throwIfFailed();
    }
  }

  /**
   * Waits for any early copy to stop, when the transaction rolls back without a flush: the
   * connection must not go back to the pool while a copy still uses it.
   */
  void abandon() {
    if (early != null) {
      early.stop();
    }
  }

  /**
   * The projection's half of the paired supply assertion, in memory, after every event: issued =
   * tradable + retired + cancelled and nothing negative. That the tradable credits are exactly
   * those in the holding blocks is checked in the database, once the blocks are written ({@link
   * #flush}).
   */
  static void checkSupply(Supply batch) {
    checkCounts(batch.batchId, batch.issued, batch.tradable, batch.retired, batch.cancelled);
  }

  /**
   * Writes every change, then checks each touched batch's supply against the rows now in the
   * database. Deletions go before insertions: a block that changes hands keeps its first serial,
   * the holdings' key with the batch, so its old row must be gone before its new one is written.
   */
  void flush() {
    // The early copies first: if one failed, its failure is the batch's, and the statements below
    // would only fail for it.
    if (early != null) {
      early.finish();
    }
    List<Object[]> newBatches = new ArrayList<>();
    List<Object[]> changedBatches = new ArrayList<>();
    List<String> touched = new ArrayList<>();
    for (Supply batch : batches.values()) {
      if (batch == null || (batch.issuance == null && !batch.changed)) {
        continue;
      }
      touched.add(batch.batchId);
      if (batch.issuance != null) {
        newBatches.add(batch.insertRow());
      } else {
        changedBatches.add(
            new Object[] {
              batch.tradable, batch.retired, batch.cancelled, batch.lastPosition, batch.batchId
            });
      }
    }
    List<Object[]> deleted = new ArrayList<>();
    List<Object[]> inserted = new ArrayList<>();
    holdings.forEach((key, holding) -> holding.difference(key, deleted, inserted));
    BulkInsert.into(jdbc, "batch_supply", BATCH_COLUMNS, newBatches);
    updateSupply(changedBatches);
    delete(deleted);
    BulkInsert.into(jdbc, "holding_block", HOLDING_COLUMNS, inserted);
    movements.insertRest(jdbc);
    retirements.insertRest(jdbc);
    checkStoredSupply(touched);
  }

  /**
   * Writes the supply of batches that already had a row, each given as tradable, retired,
   * cancelled, last position and batch id; every row must still be there. On PostgreSQL this is one
   * statement per {@value #CHUNK} batches, an {@code UPDATE} joined to a list of {@code VALUES}: as
   * a batch of one {@code UPDATE} per batch it was the largest of the projections' statement times
   * on the command path (docs/performance.md), a processor batch touching ten to a hundred batches.
   * H2 has no {@code UPDATE ... FROM} and takes the batch of updates.
   */
  private void updateSupply(List<Object[]> changed) {
    if (changed.isEmpty()) {
      return;
    }
    Set<String> updated = new HashSet<>();
    if (onPostgres()) {
      for (List<Object[]> chunk : chunks(changed)) {
        List<Object[]> padded = padded(chunk);
        List<Object> arguments = new ArrayList<>();
        padded.forEach(row -> arguments.addAll(List.of(row)));
        // The padding repeats the last row; PostgreSQL updates a row joined to two identical
        // rows once, and returns it once.
        jdbc.query(
            "UPDATE batch_supply b SET tradable = v.tradable, retired = v.retired,"
                + " cancelled = v.cancelled, last_position = v.last_position FROM (VALUES "
                + placeholders(padded.size(), "(?, ?, ?, ?, ?)")
                + ") AS v (tradable, retired, cancelled, last_position, batch_id)"
                + " WHERE b.batch_id = v.batch_id RETURNING b.batch_id",
            row -> {
              updated.add(row.getString(1));
            },
            arguments.toArray());
      }
    } else {
      int[] counts =
          jdbc.batchUpdate(
              "UPDATE batch_supply SET tradable = ?, retired = ?, cancelled = ?, last_position = ?"
                  + " WHERE batch_id = ?",
              changed);
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 1) {
          updated.add((String) changed.get(i)[4]);
        }
      }
    }
    for (Object[] row : changed) {
      if (!updated.contains((String) row[4])) {
        throw new IllegalStateException(
            "batch " + row[4] + "'s supply row is gone: it changed behind the projection's back");
      }
    }
  }

  /**
   * Whether the projection writes to PostgreSQL, which takes statements H2 lacks; asked of the
   * connection once, since a flush may need it four times.
   */
  private boolean onPostgres() {
    if (postgres == null) {
      postgres =
          Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) DatabaseKind::isPostgres));
    }
    return postgres;
  }

  /**
   * Deletes holding blocks, each named by batch, first serial and holder, in one statement per
   * {@value #CHUNK}; every one must have been there.
   */
  private void delete(List<Object[]> blocks) {
    for (List<Object[]> chunk : chunks(blocks)) {
      List<Object[]> padded = padded(chunk);
      List<Object> arguments = new ArrayList<>();
      padded.forEach(block -> arguments.addAll(List.of(block)));
      String values = placeholders(padded.size(), "(?, ?, ?)");
      // On PostgreSQL, each block is found through its key and deleted by its row's address. The
      // plain semi-join below was planned as a scan of the whole table (hashed against the list),
      // 6 to 7 ms per processor batch once the HTTP benchmark's ledger held some 40,000 blocks,
      // growing with the ledger; the lateral subquery, which OFFSET 0 keeps from being flattened
      // into that join, makes it one index probe per block. The padding's repeated block gives
      // its address twice, and the row is deleted once.
      String sql =
          onPostgres()
              ? "DELETE FROM holding_block WHERE ctid = ANY(ARRAY(SELECT h.ctid FROM (VALUES "
                  + values
                  + ") AS v (batch_id, first_serial, account_id) CROSS JOIN LATERAL (SELECT ctid"
                  + " FROM holding_block b WHERE b.batch_id = v.batch_id"
                  + " AND b.first_serial = v.first_serial AND b.account_id = v.account_id"
                  + " OFFSET 0) h))"
              : "DELETE FROM holding_block WHERE (batch_id, first_serial, account_id) IN (VALUES "
                  + values
                  + ")";
      int deleted = jdbc.update(sql, arguments.toArray());
      if (deleted != chunk.size()) {
        throw new IllegalStateException(
            "deleted "
                + deleted
                + " of "
                + chunk.size()
                + " holding blocks: the holdings changed behind the projection's back");
      }
    }
  }

  /**
   * The database's half of the paired assertion, for every batch that changed. On PostgreSQL the
   * credits a batch's holding blocks hold are the total its triggers keep in {@code
   * batch_holding_total} (spec §4.2.6.1), one row per batch: summing the blocks here cost a read of
   * every block of every touched batch, and grew with the ledger (25 ms per processor batch at the
   * end of a 100,000-event replay, docs/performance.md). H2 has no SQL triggers and sums them.
   */
  private void checkStoredSupply(List<String> touched) {
    if (touched.isEmpty()) {
      return;
    }
    String held =
        onPostgres()
            ? "COALESCE((SELECT t.held FROM batch_holding_total t WHERE t.batch_id = b.batch_id), 0)"
            : "(SELECT COALESCE(SUM(h.last_serial - h.first_serial + 1), 0) FROM holding_block h"
                + " WHERE h.batch_id = b.batch_id)";
    Set<String> checked = new HashSet<>();
    for (List<String> chunk : chunks(touched)) {
      jdbc.query(
          "SELECT b.batch_id, issued, tradable, retired, cancelled, "
              + held
              + " AS held FROM batch_supply b WHERE b.batch_id IN ("
              + placeholders(padded(chunk).size(), "?")
              + ")",
          row -> {
            checked.add(row.getString("batch_id"));
            checkSupply(
                row.getString("batch_id"),
                row.getLong("issued"),
                row.getLong("tradable"),
                row.getLong("retired"),
                row.getLong("cancelled"),
                row.getLong("held"));
          },
          padded(chunk).toArray());
    }
    if (checked.size() != touched.size()) {
      throw new IllegalStateException(
          "the supply rows of batches "
              + touched.stream().filter(id -> !checked.contains(id)).toList()
              + " are gone: they changed behind the projection's back");
    }
  }

  private static void checkSupply(
      String batchId, long issued, long tradable, long retired, long cancelled, long held) {
    checkCounts(batchId, issued, tradable, retired, cancelled);
    if (held != tradable) {
      throw new SupplyInvariantViolation(
          batchId, "tradable " + tradable + " but holdings hold " + held);
    }
  }

  private static void checkCounts(
      String batchId, long issued, long tradable, long retired, long cancelled) {
    if (tradable < 0 || retired < 0 || cancelled < 0) {
      throw new SupplyInvariantViolation(
          batchId,
          "negative supply: tradable "
              + tradable
              + ", retired "
              + retired
              + ", cancelled "
              + cancelled);
    }
    if (issued != tradable + retired + cancelled) {
      throw new SupplyInvariantViolation(
          batchId,
          "issued "
              + issued
              + " != tradable "
              + tradable
              + " + retired "
              + retired
              + " + cancelled "
              + cancelled);
    }
  }

  /** Reads the batches not read yet. */
  private void loadBatches(Collection<String> batchIds) {
    List<String> missing = batchIds.stream().filter(id -> !batches.containsKey(id)).toList();
    for (List<String> chunk : chunks(missing)) {
      for (String batchId : chunk) {
        batches.put(batchId, null);
      }
      jdbc.query(
          "SELECT batch_id, project_id, batch_sequence, vintage_start, vintage_end,"
              + " serial_prefix, issued, tradable, retired, cancelled, last_position"
              + " FROM batch_supply WHERE batch_id IN ("
              + placeholders(padded(chunk).size(), "?")
              + ")",
          row -> {
            Supply supply =
                new Supply(
                    row.getString("batch_id"),
                    row.getString("project_id"),
                    row.getInt("batch_sequence"),
                    ProjectionSql.date(row, "vintage_start"),
                    ProjectionSql.date(row, "vintage_end"),
                    row.getString("serial_prefix"),
                    row.getLong("issued"),
                    row.getLong("tradable"),
                    row.getLong("retired"),
                    row.getLong("cancelled"),
                    row.getLong("last_position"));
            batches.put(supply.batchId, supply);
          },
          padded(chunk).toArray());
    }
  }

  /** Reads the holdings not read yet; an account that holds nothing of a batch has no rows. */
  private void loadHoldings(Collection<HoldingKey> keys) {
    List<HoldingKey> missing = keys.stream().filter(key -> !holdings.containsKey(key)).toList();
    for (List<HoldingKey> chunk : chunks(missing)) {
      List<Object> arguments = new ArrayList<>();
      for (HoldingKey key : chunk) {
        holdings.put(key, new Holding());
      }
      List<HoldingKey> padded = padded(chunk);
      for (HoldingKey key : padded) {
        arguments.add(key.accountId());
        arguments.add(key.batchId());
      }
      // Not a row-value IN list: PostgreSQL plans a long one as one index scan per element OR-ed
      // together, which took 20 ms for 500 holdings. Nor, on PostgreSQL, a semi-join with a list
      // of values: that was planned as a walk through the whole account index, 6 to 7 ms per
      // processor batch once the HTTP benchmark's ledger held some 40,000 blocks, growing with
      // the ledger. A lateral subquery per distinct holding, which OFFSET 0 keeps from being
      // flattened into such a join, is one index probe each. H2 keeps the semi-join.
      String values = placeholders(padded.size(), "(?, ?)");
      jdbc.query(
          onPostgres()
              ? "SELECT h.account_id, h.batch_id, h.first_serial, h.last_serial FROM (SELECT"
                  + " DISTINCT * FROM (VALUES "
                  + values
                  + ") AS x (account_id, batch_id)) v CROSS JOIN LATERAL (SELECT account_id,"
                  + " batch_id, first_serial, last_serial FROM holding_block b"
                  + " WHERE b.account_id = v.account_id AND b.batch_id = v.batch_id OFFSET 0) h"
                  + " ORDER BY h.account_id, h.batch_id, h.first_serial"
              : "SELECT account_id, batch_id, first_serial, last_serial FROM holding_block"
                  + " WHERE (account_id, batch_id) IN (VALUES "
                  + values
                  + ") ORDER BY account_id, batch_id, first_serial",
          row -> {
            holdings
                .get(new HoldingKey(row.getString("batch_id"), row.getString("account_id")))
                .before
                .add(new SerialBlock(row.getLong("first_serial"), row.getLong("last_serial")));
          },
          arguments.toArray());
      for (HoldingKey key : chunk) {
        Holding holding = holdings.get(key);
        holding.after = holding.before;
      }
    }
  }

  /** Applies one change to an account's blocks; a change the rules refuse is a broken invariant. */
  private void change(
      Supply batch,
      String accountId,
      List<SerialBlock> blocks,
      BiConsumer<SerialBlocks, List<SerialBlock>> operation,
      String refusal) {
    HoldingKey key = new HoldingKey(batch.batchId, accountId);
    if (!holdings.containsKey(key)) {
      loadHoldings(List.of(key));
    }
    Holding holding = holdings.get(key);
    SerialBlocks changed = new SerialBlocks();
    changed.add(holding.after);
    try {
      operation.accept(changed, blocks);
    } catch (IllegalStateException e) {
      throw new SupplyInvariantViolation(
          batch.batchId,
          "account " + accountId + " " + refusal + " " + blocks + ": " + e.getMessage());
    }
    holding.after = changed.blocks();
  }

  private static <T> List<List<T>> chunks(List<T> items) {
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < items.size(); from += CHUNK) {
      chunks.add(items.subList(from, Math.min(items.size(), from + CHUNK)));
    }
    return chunks;
  }

  static final List<String> BATCH_COLUMNS =
      List.of(
          "batch_id",
          "project_id",
          "batch_sequence",
          "vintage_start",
          "vintage_end",
          "verification_report_id",
          "verifier",
          "serial_prefix",
          "first_serial",
          "last_serial",
          "issued_to_account_id",
          "issued",
          "tradable",
          "retired",
          "cancelled",
          "issued_at",
          "issued_position",
          "event_identifier",
          "last_position");

  static final List<String> HOLDING_COLUMNS =
      List.of("batch_id", "first_serial", "last_serial", "account_id");

  /** New rows of a table that the projection only ever adds to. */
  private static final class Appended {
    final String name;
    final List<String> columns;

    /** Rows not yet handed to an early copy. */
    List<Object[]> waiting = new ArrayList<>();

    /** Rows an early copy could not take. */
    final List<Object[]> late = new ArrayList<>();

    Appended(String name, List<String> columns) {
      this.name = name;
      this.columns = columns;
    }

    /** Inserts the rows no early copy wrote. */
    void insertRest(JdbcTemplate jdbc) {
      List<Object[]> rest = waiting;
      if (!late.isEmpty()) {
        rest = new ArrayList<>(late);
        rest.addAll(waiting);
      }
      BulkInsert.into(jdbc, name, columns, rest);
    }
  }

  static final List<String> MOVEMENT_COLUMNS =
      List.of(
          "account_id",
          "global_position",
          "batch_id",
          "movement_kind",
          "movement_id",
          "quantity",
          "counterparty_account_id",
          "serial_blocks",
          "occurred_at",
          "event_identifier");

  static final List<String> RETIREMENT_COLUMNS =
      List.of(
          "global_position",
          "batch_id",
          "retirement_id",
          "project_id",
          "vintage_start",
          "vintage_end",
          "account_id",
          "quantity",
          "serial_blocks",
          "serial_numbers",
          "beneficiary",
          "reason",
          "details",
          "purpose",
          "consumption_period_start",
          "consumption_period_end",
          "jurisdiction_of_use",
          "footprint_id",
          "retired_at",
          "event_identifier");

  /** A batch's supply row as the events so far leave it. */
  static final class Supply {
    final String batchId;
    final String projectId;
    final int batchSequence;
    final LocalDate vintageStart;
    final LocalDate vintageEnd;
    final String serialPrefix;
    final long issued;
    long tradable;
    long retired;
    long cancelled;

    /** The position of the last event applied; an event at or below it was applied before. */
    long lastPosition;

    private boolean changed;
    private Object[] issuance;

    private Supply(
        String batchId,
        String projectId,
        int batchSequence,
        LocalDate vintageStart,
        LocalDate vintageEnd,
        String serialPrefix,
        long issued,
        long tradable,
        long retired,
        long cancelled,
        long lastPosition) {
      this.batchId = batchId;
      this.projectId = projectId;
      this.batchSequence = batchSequence;
      this.vintageStart = vintageStart;
      this.vintageEnd = vintageEnd;
      this.serialPrefix = serialPrefix;
      this.issued = issued;
      this.tradable = tradable;
      this.retired = retired;
      this.cancelled = cancelled;
      this.lastPosition = lastPosition;
    }

    /** Records that the event at {@code position} changed the batch. */
    void appliedAt(long position) {
      lastPosition = position;
      changed = true;
    }

    List<String> labels(List<SerialBlock> blocks) {
      return SerialNumbers.labels(
          serialPrefix, projectId, vintageStart, vintageEnd, batchSequence, blocks);
    }

    private Object[] insertRow() {
      // The issuance's columns are batch_id .. issued_to_account_id (11), then issued_at,
      // issued_position and event_identifier; the counts and last_position are as they are now.
      Object[] row = new Object[19];
      System.arraycopy(issuance, 0, row, 0, 11);
      row[11] = issued;
      row[12] = tradable;
      row[13] = retired;
      row[14] = cancelled;
      row[15] = issuance[11];
      row[16] = issuance[12];
      row[17] = issuance[13];
      row[18] = lastPosition;
      return row;
    }
  }

  private record HoldingKey(String batchId, String accountId) {}

  /** One account's blocks of one batch: as read, and as the events so far leave them. */
  private static final class Holding {
    final List<SerialBlock> before = new ArrayList<>();
    List<SerialBlock> after;

    /** Adds the rows to delete and to insert to turn the stored blocks into the current ones. */
    void difference(HoldingKey key, List<Object[]> deleted, List<Object[]> inserted) {
      if (after == before) {
        return;
      }
      Set<SerialBlock> kept = new HashSet<>(after);
      Set<SerialBlock> existing = new HashSet<>(before);
      for (SerialBlock block : before) {
        if (!kept.contains(block)) {
          deleted.add(new Object[] {key.batchId(), block.first(), key.accountId()});
        }
      }
      for (SerialBlock block : after) {
        if (!existing.contains(block)) {
          inserted.add(new Object[] {key.batchId(), block.first(), block.last(), key.accountId()});
        }
      }
    }
  }
}
