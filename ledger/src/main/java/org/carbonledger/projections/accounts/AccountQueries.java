package org.carbonledger.projections.accounts;

import static org.carbonledger.projections.ProjectionSql.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.carbonledger.accounts.AccountStatus;
import org.carbonledger.accounts.HolderType;
import org.carbonledger.projections.Cursor;
import org.carbonledger.projections.Page;
import org.carbonledger.projections.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads accounts from {@code account_view}. */
public final class AccountQueries {

  private static final String LIST = "accounts";
  private static final String COLUMNS =
      "SELECT account_id, holder_type, name, jurisdiction, status, status_reason, opened_at,"
          + " opened_position, updated_at, last_position FROM account_view";

  private final JdbcTemplate jdbc;

  public AccountQueries(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** The account, or empty if no account has this id. */
  public Optional<AccountView> account(String accountId) {
    return jdbc.query(COLUMNS + " WHERE account_id = ?", AccountQueries::view, accountId).stream()
        .findFirst();
  }

  /** Every account, by id. */
  public Page<AccountView> accounts(PageRequest page) {
    String after = Cursor.decode(LIST, page.after());
    List<AccountView> rows =
        after == null
            ? jdbc.query(
                COLUMNS + " ORDER BY account_id LIMIT ?", AccountQueries::view, page.limit() + 1)
            : jdbc.query(
                COLUMNS + " WHERE account_id > ? ORDER BY account_id LIMIT ?",
                AccountQueries::view,
                after,
                page.limit() + 1);
    return Page.of(rows, page.limit(), view -> Cursor.encode(LIST, view.accountId()));
  }

  private static AccountView view(ResultSet row, int number) throws SQLException {
    return new AccountView(
        row.getString("account_id"),
        HolderType.valueOf(row.getString("holder_type")),
        row.getString("name"),
        row.getString("jurisdiction"),
        AccountStatus.valueOf(row.getString("status")),
        row.getString("status_reason"),
        instant(row, "opened_at"),
        row.getLong("opened_position"),
        instant(row, "updated_at"),
        row.getLong("last_position"));
  }
}
