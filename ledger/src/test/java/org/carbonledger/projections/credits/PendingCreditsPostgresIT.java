package org.carbonledger.projections.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.carbonledger.credits.BatchEvent.CreditsTransferred;
import org.carbonledger.credits.SerialBlock;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The holdings a processor batch reads ahead and deletes on PostgreSQL, where the statements find
 * each block through its key (one index probe each) rather than through a join the planner may turn
 * into a scan of the whole table.
 */
class PendingCreditsPostgresIT {

  private static final String BATCH = "WH-CYCLING-B1";

  @Test
  void aHoldingNamedTwiceByThePaddedListOfKeysIsReadOnce() {
    JdbcTemplate jdbc = schemaWithThreeHoldings("pending_read_once");
    // Three holdings to read, padded to four with the last one again: it must not come back twice.
    PendingCredits pending = new PendingCredits(jdbc);
    pending.prefetch(
        new BatchingUnitOfWork<>(
            List.of(
                GenericEventMessage.asEventMessage(transfer("t1", "a1", "a2", 1, 1)),
                GenericEventMessage.asEventMessage(transfer("t2", "a3", "a2", 21, 21)))));
    PendingCredits.Supply batch = pending.batch(BATCH);

    pending.take(batch, "a3", List.of(new SerialBlock(21, 25)));
    pending.give(batch, "a2", List.of(new SerialBlock(21, 25)));
    batch.appliedAt(2);
    pending.flush();

    assertThat(holdings(jdbc)).containsExactly("a1:1-10", "a2:11-25", "a3:26-30");
  }

  @Test
  void deletingBlocksDeletesEachOnceAndRefusesOneThatIsGone() {
    JdbcTemplate jdbc = schemaWithThreeHoldings("pending_delete");
    PendingCredits pending = new PendingCredits(jdbc);
    PendingCredits.Supply batch = pending.batch(BATCH);
    // Three blocks leave their holders: three deletions, padded to four.
    pending.take(batch, "a1", List.of(new SerialBlock(1, 10)));
    pending.take(batch, "a2", List.of(new SerialBlock(11, 20)));
    pending.take(batch, "a3", List.of(new SerialBlock(21, 30)));
    pending.give(batch, "a4", List.of(new SerialBlock(1, 30)));
    batch.appliedAt(2);
    pending.flush();

    assertThat(holdings(jdbc)).containsExactly("a4:1-30");
  }

  /** The stored blocks as "account:first-last", in serial order. */
  private static List<String> holdings(JdbcTemplate jdbc) {
    return jdbc.queryForList(
        "SELECT account_id || ':' || first_serial || '-' || last_serial FROM holding_block"
            + " ORDER BY first_serial",
        String.class);
  }

  private static CreditsTransferred transfer(
      String id, String from, String to, long first, long last) {
    return new CreditsTransferred(
        BATCH, id, from, to, last - first + 1, List.of(new SerialBlock(first, last)));
  }

  /** A batch of 30 credits held as 1-10 by a1, 11-20 by a2 and 21-30 by a3. */
  private static JdbcTemplate schemaWithThreeHoldings(String hint) {
    TestPostgres postgres = TestPostgres.get();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(postgres.newMigratedSchema(hint));
    dataSource.setUser(postgres.user());
    dataSource.setPassword(postgres.password());
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    jdbc.update(
        "INSERT INTO batch_supply (batch_id, project_id, batch_sequence, vintage_start,"
            + " vintage_end, verification_report_id, verifier, serial_prefix, first_serial,"
            + " last_serial, issued_to_account_id, issued, tradable, retired, cancelled,"
            + " issued_at, issued_position, event_identifier, last_position) VALUES (?, 'WH-CYCLING',"
            + " 1, DATE '2026-01-01', DATE '2026-03-31', 'VR-1', 'CEC', 'WHCI', 1, 30, 'a1', 30, 30,"
            + " 0, 0, now(), 1, 'e1', 1)",
        BATCH);
    jdbc.update(
        "INSERT INTO holding_block (batch_id, first_serial, last_serial, account_id) VALUES"
            + " (?, 1, 10, 'a1'), (?, 11, 20, 'a2'), (?, 21, 30, 'a3')",
        BATCH,
        BATCH,
        BATCH);
    return jdbc;
  }
}
