package org.carbonledger.projections.accounts;

import static org.carbonledger.projections.ProjectionSql.timestamp;

import java.util.List;
import javax.sql.DataSource;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.carbonledger.accounts.AccountEvent.AccountClosed;
import org.carbonledger.accounts.AccountEvent.AccountFrozen;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.AccountEvent.AccountUnfrozen;
import org.carbonledger.accounts.AccountStatus;
import org.carbonledger.projections.Projections;
import org.springframework.jdbc.core.JdbcTemplate;

/** Writes {@code account_view}: one row per account, with its holder, name and status. */
@ProcessingGroup(Projections.PROCESSING_GROUP)
public final class AccountProjection {

  private final JdbcTemplate jdbc;

  public AccountProjection(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @EventHandler
  public void on(AccountOpened event, EventMessage<?> message, TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    if (lastPosition(event.accountId()) != null) {
      return; // Handled before: a row is only ever inserted by the account's first event.
    }
    jdbc.update(
        "INSERT INTO account_view (account_id, holder_type, name, jurisdiction, status,"
            + " status_reason, opened_at, opened_position, updated_at, last_position)"
            + " VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
        event.accountId(),
        event.holderType().name(),
        event.name(),
        event.jurisdiction(),
        AccountStatus.OPEN.name(),
        timestamp(message.getTimestamp()),
        position,
        timestamp(message.getTimestamp()),
        position);
  }

  @EventHandler
  public void on(AccountFrozen event, EventMessage<?> message, TrackingToken token) {
    changeStatus(event.accountId(), AccountStatus.FROZEN, event.reason(), message, token);
  }

  @EventHandler
  public void on(AccountUnfrozen event, EventMessage<?> message, TrackingToken token) {
    changeStatus(event.accountId(), AccountStatus.OPEN, event.reason(), message, token);
  }

  @EventHandler
  public void on(AccountClosed event, EventMessage<?> message, TrackingToken token) {
    changeStatus(event.accountId(), AccountStatus.CLOSED, event.reason(), message, token);
  }

  @ResetHandler
  public void reset() {
    Projections.emptyTables(jdbc, "account_view");
  }

  private void changeStatus(
      String accountId,
      AccountStatus status,
      String reason,
      EventMessage<?> message,
      TrackingToken token) {
    long position = Projections.eventPosition(token, jdbc);
    Long last = lastPosition(accountId);
    if (last == null) {
      throw new IllegalStateException("account " + accountId + " changed before it was opened");
    }
    if (position <= last) {
      return; // Handled before.
    }
    jdbc.update(
        "UPDATE account_view SET status = ?, status_reason = ?, updated_at = ?, last_position = ?"
            + " WHERE account_id = ?",
        status.name(),
        reason,
        timestamp(message.getTimestamp()),
        position,
        accountId);
  }

  private Long lastPosition(String accountId) {
    List<Long> last =
        jdbc.queryForList(
            "SELECT last_position FROM account_view WHERE account_id = ?", Long.class, accountId);
    return last.isEmpty() ? null : last.get(0);
  }
}
