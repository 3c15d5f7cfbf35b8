package org.carbonledger.projections.credits;

import static org.carbonledger.projections.ProjectionSql.date;
import static org.carbonledger.projections.ProjectionSql.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SerialNumbers;
import org.carbonledger.projections.Cursor;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads batches, their supply and holdings from {@code batch_supply} and {@code holding_block}. */
public final class CreditQueries {

  private static final String BATCHES = "batches";
  private static final String PROJECT_BATCHES = "project-batches";
  private static final String HOLDINGS = "holdings";
  private static final String HOLDERS = "holders";
  private static final String HOLDING_BLOCKS = "holding-blocks";
  private static final String BATCH_BLOCKS = "batch-blocks";

  private static final String BATCH_COLUMNS =
      "SELECT batch_id, project_id, batch_sequence, vintage_start, vintage_end,"
          + " verification_report_id, verifier, serial_prefix, first_serial, last_serial,"
          + " issued_to_account_id, issued, tradable, retired, cancelled, issued_at,"
          + " issued_position, event_identifier, last_position FROM batch_supply";

  private static final String HOLDING_COLUMNS =
      "SELECT h.account_id, h.batch_id, b.project_id, b.vintage_start, b.vintage_end,"
          + " SUM(h.last_serial - h.first_serial + 1) AS quantity, COUNT(*) AS block_count"
          + " FROM holding_block h JOIN batch_supply b ON b.batch_id = h.batch_id";

  private static final String HOLDING_GROUP =
      " GROUP BY h.account_id, h.batch_id, b.project_id, b.vintage_start, b.vintage_end";

  private static final String BLOCK_COLUMNS =
      "SELECT h.account_id, h.batch_id, h.first_serial, h.last_serial, b.serial_prefix,"
          + " b.project_id, b.vintage_start, b.vintage_end, b.batch_sequence"
          + " FROM holding_block h JOIN batch_supply b ON b.batch_id = h.batch_id";

  private final JdbcTemplate jdbc;

  public CreditQueries(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** The batch and its supply, or empty if no batch has this id. */
  public Optional<BatchSupplyView> batch(String batchId) {
    return jdbc.query(BATCH_COLUMNS + " WHERE batch_id = ?", CreditQueries::batch, batchId).stream()
        .findFirst();
  }

  /** Every batch, by id. */
  public Page<BatchSupplyView> batches(PageRequest page) {
    String after = Cursor.decode(BATCHES, page.after());
    List<BatchSupplyView> rows =
        after == null
            ? jdbc.query(
                BATCH_COLUMNS + " ORDER BY batch_id LIMIT ?",
                CreditQueries::batch,
                page.limit() + 1)
            : jdbc.query(
                BATCH_COLUMNS + " WHERE batch_id > ? ORDER BY batch_id LIMIT ?",
                CreditQueries::batch,
                after,
                page.limit() + 1);
    return Page.of(rows, page.limit(), view -> Cursor.encode(BATCHES, view.batchId()));
  }

  /** The batches of a project, by batch sequence; empty for an unknown project. */
  public Page<BatchSupplyView> batchesOfProject(String projectId, PageRequest page) {
    long after = Cursor.decodeLong(PROJECT_BATCHES, page.after(), 0);
    List<BatchSupplyView> rows =
        jdbc.query(
            BATCH_COLUMNS
                + " WHERE project_id = ? AND batch_sequence > ? ORDER BY batch_sequence LIMIT ?",
            CreditQueries::batch,
            projectId,
            after,
            page.limit() + 1);
    return Page.of(
        rows, page.limit(), view -> Cursor.encode(PROJECT_BATCHES, view.batchSequence()));
  }

  /** The supply of the whole ledger. */
  public SupplyTotals totals() {
    return jdbc.queryForObject(
        "SELECT COUNT(*) AS batches, COALESCE(SUM(issued), 0) AS issued,"
            + " COALESCE(SUM(tradable), 0) AS tradable, COALESCE(SUM(retired), 0) AS retired,"
            + " COALESCE(SUM(cancelled), 0) AS cancelled FROM batch_supply",
        CreditQueries::totals);
  }

  /** The supply of one project's batches; all zero for an unknown project. */
  public SupplyTotals totalsOfProject(String projectId) {
    return jdbc.queryForObject(
        "SELECT COUNT(*) AS batches, COALESCE(SUM(issued), 0) AS issued,"
            + " COALESCE(SUM(tradable), 0) AS tradable, COALESCE(SUM(retired), 0) AS retired,"
            + " COALESCE(SUM(cancelled), 0) AS cancelled FROM batch_supply WHERE project_id = ?",
        CreditQueries::totals,
        projectId);
  }

  /** What an account holds, one item per batch, by batch id; empty if it holds nothing. */
  public Page<HoldingView> holdings(String accountId, PageRequest page) {
    String after = Cursor.decode(HOLDINGS, page.after());
    List<Object> args = new ArrayList<>(List.of(accountId));
    String where = " WHERE h.account_id = ?";
    if (after != null) {
      where += " AND h.batch_id > ?";
      args.add(after);
    }
    args.add(page.limit() + 1);
    List<HoldingView> rows =
        jdbc.query(
            HOLDING_COLUMNS + where + HOLDING_GROUP + " ORDER BY h.batch_id LIMIT ?",
            CreditQueries::holding,
            args.toArray());
    return Page.of(rows, page.limit(), view -> Cursor.encode(HOLDINGS, view.batchId()));
  }

  /** What an account holds of one batch, or empty if it holds none of it. */
  public Optional<HoldingView> holding(String accountId, String batchId) {
    return jdbc
        .query(
            HOLDING_COLUMNS + " WHERE h.account_id = ? AND h.batch_id = ?" + HOLDING_GROUP,
            CreditQueries::holding,
            accountId,
            batchId)
        .stream()
        .findFirst();
  }

  /** Who holds a batch's tradable credits, one item per account, by account id. */
  public Page<HoldingView> holders(String batchId, PageRequest page) {
    String after = Cursor.decode(HOLDERS, page.after());
    List<Object> args = new ArrayList<>(List.of(batchId));
    String where = " WHERE h.batch_id = ?";
    if (after != null) {
      where += " AND h.account_id > ?";
      args.add(after);
    }
    args.add(page.limit() + 1);
    List<HoldingView> rows =
        jdbc.query(
            HOLDING_COLUMNS + where + HOLDING_GROUP + " ORDER BY h.account_id LIMIT ?",
            CreditQueries::holding,
            args.toArray());
    return Page.of(rows, page.limit(), view -> Cursor.encode(HOLDERS, view.accountId()));
  }

  /** The serial blocks an account holds of a batch, lowest first. */
  public Page<HoldingBlockView> holdingBlocks(String accountId, String batchId, PageRequest page) {
    long after = Cursor.decodeLong(HOLDING_BLOCKS, page.after(), 0);
    List<HoldingBlockView> rows =
        jdbc.query(
            BLOCK_COLUMNS
                + " WHERE h.account_id = ? AND h.batch_id = ? AND h.first_serial > ?"
                + " ORDER BY h.first_serial LIMIT ?",
            CreditQueries::block,
            accountId,
            batchId,
            after,
            page.limit() + 1);
    return Page.of(rows, page.limit(), view -> Cursor.encode(HOLDING_BLOCKS, view.block().first()));
  }

  /** Every tradable serial block of a batch, whoever holds it, lowest first. */
  public Page<HoldingBlockView> tradableBlocks(String batchId, PageRequest page) {
    long after = Cursor.decodeLong(BATCH_BLOCKS, page.after(), 0);
    List<HoldingBlockView> rows =
        jdbc.query(
            BLOCK_COLUMNS
                + " WHERE h.batch_id = ? AND h.first_serial > ? ORDER BY h.first_serial LIMIT ?",
            CreditQueries::block,
            batchId,
            after,
            page.limit() + 1);
    return Page.of(rows, page.limit(), view -> Cursor.encode(BATCH_BLOCKS, view.block().first()));
  }

  private static BatchSupplyView batch(ResultSet row, int number) throws SQLException {
    SerialBlock serials = new SerialBlock(row.getLong("first_serial"), row.getLong("last_serial"));
    return new BatchSupplyView(
        row.getString("batch_id"),
        row.getString("project_id"),
        row.getInt("batch_sequence"),
        date(row, "vintage_start"),
        date(row, "vintage_end"),
        row.getString("verification_report_id"),
        row.getString("verifier"),
        serials,
        SerialNumbers.label(
            row.getString("serial_prefix"),
            row.getString("project_id"),
            date(row, "vintage_start"),
            date(row, "vintage_end"),
            row.getInt("batch_sequence"),
            serials),
        row.getString("issued_to_account_id"),
        row.getLong("issued"),
        row.getLong("tradable"),
        row.getLong("retired"),
        row.getLong("cancelled"),
        instant(row, "issued_at"),
        row.getLong("issued_position"),
        row.getString("event_identifier"),
        row.getLong("last_position"));
  }

  private static SupplyTotals totals(ResultSet row, int number) throws SQLException {
    return new SupplyTotals(
        row.getLong("batches"),
        row.getLong("issued"),
        row.getLong("tradable"),
        row.getLong("retired"),
        row.getLong("cancelled"));
  }

  private static HoldingView holding(ResultSet row, int number) throws SQLException {
    return new HoldingView(
        row.getString("account_id"),
        row.getString("batch_id"),
        row.getString("project_id"),
        date(row, "vintage_start"),
        date(row, "vintage_end"),
        row.getLong("quantity"),
        row.getLong("block_count"));
  }

  private static HoldingBlockView block(ResultSet row, int number) throws SQLException {
    SerialBlock block = new SerialBlock(row.getLong("first_serial"), row.getLong("last_serial"));
    return new HoldingBlockView(
        row.getString("account_id"),
        row.getString("batch_id"),
        block,
        block.count(),
        SerialNumbers.label(
            row.getString("serial_prefix"),
            row.getString("project_id"),
            date(row, "vintage_start"),
            date(row, "vintage_end"),
            row.getInt("batch_sequence"),
            block));
  }
}
