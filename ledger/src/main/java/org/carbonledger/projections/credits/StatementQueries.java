package org.carbonledger.projections.credits;

import static org.carbonledger.projections.ProjectionSql.date;
import static org.carbonledger.projections.ProjectionSql.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import javax.sql.DataSource;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.credits.SerialNumbers;
import org.carbonledger.projections.Cursor;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.ProjectionSql;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads account statements from {@code account_movement}. */
public final class StatementQueries {

  private static final String LIST = "statement";

  private final JdbcTemplate jdbc;

  public StatementQueries(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /**
   * Every movement of an account, oldest first (by global position); empty for an account that
   * never held credits, or does not exist.
   */
  public Page<StatementLine> statement(String accountId, PageRequest page) {
    long after = Cursor.decodeLong(LIST, page.after(), ProjectionProgress.NOTHING);
    List<StatementLine> rows =
        jdbc.query(
            "SELECT m.account_id, m.global_position, m.batch_id, m.movement_kind, m.movement_id,"
                + " m.quantity, m.counterparty_account_id, m.serial_blocks, m.occurred_at,"
                + " m.event_identifier, b.serial_prefix, b.project_id, b.vintage_start,"
                + " b.vintage_end, b.batch_sequence"
                + " FROM account_movement m JOIN batch_supply b ON b.batch_id = m.batch_id"
                + " WHERE m.account_id = ? AND m.global_position > ?"
                + " ORDER BY m.global_position LIMIT ?",
            StatementQueries::line,
            accountId,
            after,
            page.limit() + 1);
    return Page.of(rows, page.limit(), line -> Cursor.encode(LIST, line.position()));
  }

  private static StatementLine line(ResultSet row, int number) throws SQLException {
    MovementKind kind = MovementKind.valueOf(row.getString("movement_kind"));
    long quantity = row.getLong("quantity");
    List<SerialBlock> blocks = ProjectionSql.blocks(row.getString("serial_blocks"));
    String prefix = row.getString("serial_prefix");
    String projectId = row.getString("project_id");
    LocalDate vintageStart = date(row, "vintage_start");
    LocalDate vintageEnd = date(row, "vintage_end");
    int sequence = row.getInt("batch_sequence");
    List<String> labels =
        blocks.stream()
            .map(
                block ->
                    SerialNumbers.label(
                        prefix, projectId, vintageStart, vintageEnd, sequence, block))
            .toList();
    return new StatementLine(
        row.getString("account_id"),
        row.getLong("global_position"),
        row.getString("batch_id"),
        kind,
        row.getString("movement_id"),
        quantity,
        kind.incoming() ? quantity : -quantity,
        row.getString("counterparty_account_id"),
        blocks,
        labels,
        instant(row, "occurred_at"),
        row.getString("event_identifier"));
  }
}
