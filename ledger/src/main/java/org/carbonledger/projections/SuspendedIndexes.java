package org.carbonledger.projections;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The secondary indexes of the tables the projections only append to, dropped while a replay
 * rebuilds those tables and built again once it has caught up (PostgreSQL only, ADR 0015).
 *
 * <p>Why: a replay adds every row of {@code account_movement} and {@code retirement_register}
 * again, and PostgreSQL adds each row's entry to every index as it goes. A profile of the server
 * had two thirds of its {@code COPY} of movements in B-tree inserts, and the index on {@code
 * (batch_id, global_position)} alone cost a third of it; an index built once over the loaded rows
 * sorts them instead, at less than half that cost (docs/performance.md). PostgreSQL's own advice
 * for a bulk load is the same: drop the indexes, load, create them.
 *
 * <p>Only indexes that no constraint needs are dropped: not the primary keys, not the unique keys
 * that make a replayed row a duplicate rather than a second copy. Queries that would use a dropped
 * index still answer correctly while the replay runs, more slowly; so does the verifier.
 *
 * <p>{@link #suspend} runs in the caller's transaction, so the drop commits with the reset that
 * emptied the tables, or not at all. {@link #restore} runs after the batch that caught up has
 * committed, each statement on its own; a build that is interrupted leaves its record, and the next
 * restore builds it (or finds it built) and forgets it.
 */
public final class SuspendedIndexes {

  /** The tables whose secondary indexes a replay suspends: rows are only ever added to them. */
  public static final List<String> APPEND_ONLY_TABLES =
      List.of("account_movement", "retirement_register");

  private static final Logger log = LoggerFactory.getLogger(SuspendedIndexes.class);

  private SuspendedIndexes() {}

  /**
   * Drops the secondary indexes of {@code tables} (in the connection's search path) and records how
   * to build each again once the projections reach {@code rebuildTo}. Indexes suspended already are
   * not there to drop; they stay recorded, to be built at the later of the two positions, since a
   * second reset during a replay replays as far as the first.
   *
   * <p>Precondition: PostgreSQL, with {@code projection_suspended_index} (migration V7).
   *
   * @param tables projection tables, named by the code
   * @param rebuildTo the position the projections had reached at the reset: the replay has caught
   *     up once a processor batch reaches it
   * @return how many indexes it dropped
   */
  public static int suspend(JdbcTemplate jdbc, List<String> tables, long rebuildTo) {
    jdbc.update(
        "UPDATE projection_suspended_index SET rebuild_to = greatest(rebuild_to, ?)", rebuildTo);
    int dropped = 0;
    for (String table : tables) {
      List<Map<String, Object>> indexes =
          jdbc.queryForList(
              "SELECT format('%I.%I', n.nspname, i.relname) AS index_name,"
                  + " format('%I.%I', n.nspname, t.relname) AS table_name,"
                  + " pg_get_indexdef(i.oid) AS definition"
                  + " FROM pg_index x"
                  + " JOIN pg_class i ON i.oid = x.indexrelid"
                  + " JOIN pg_class t ON t.oid = x.indrelid"
                  + " JOIN pg_namespace n ON n.oid = i.relnamespace"
                  + " WHERE x.indrelid = to_regclass(?)"
                  + " AND NOT x.indisunique AND NOT x.indisprimary AND NOT x.indisexclusion"
                  + " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
                  + " ORDER BY i.relname",
              table);
      for (Map<String, Object> index : indexes) {
        String name = (String) index.get("index_name");
        jdbc.update(
            "INSERT INTO projection_suspended_index"
                + " (index_name, table_name, definition, rebuild_to) VALUES (?, ?, ?, ?)"
                // A record left by a build that was interrupted before it was deleted: the index
                // is there again, and its definition now is the one to keep.
                + " ON CONFLICT (index_name) DO UPDATE SET table_name = excluded.table_name,"
                + " definition = excluded.definition",
            name,
            index.get("table_name"),
            index.get("definition"),
            rebuildTo);
        jdbc.execute("DROP INDEX " + name);
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * Builds every recorded index whose replay has caught up at {@code position} and is not there,
   * and forgets those records. A record whose table is gone (dropped or renamed by hand) is
   * forgotten with a warning: building it would fail again and again. A build that fails is logged
   * and its record kept, and the others are still built.
   *
   * <p>Precondition: PostgreSQL, with {@code projection_suspended_index} (migration V7).
   *
   * @param position the highest position the projections have committed
   * @return how many indexes it built
   */
  public static int restore(JdbcTemplate jdbc, long position) {
    List<Map<String, Object>> suspended =
        jdbc.queryForList(
            "SELECT index_name, table_name, definition,"
                + " to_regclass(index_name) IS NOT NULL AS present,"
                + " to_regclass(table_name) IS NOT NULL AS table_present"
                + " FROM projection_suspended_index WHERE rebuild_to <= ? ORDER BY index_name",
            position);
    int built = 0;
    for (Map<String, Object> index : suspended) {
      if (!Boolean.TRUE.equals(index.get("table_present"))) {
        log.warn(
            "not building index {} again: its table {} is gone",
            index.get("index_name"),
            index.get("table_name"));
      } else if (!Boolean.TRUE.equals(index.get("present"))) {
        try {
          // The statement is PostgreSQL's own description of an index it had, recorded by
          // suspend; IF NOT EXISTS, since another node may build the same index at the same time.
          jdbc.execute(
              ((String) index.get("definition"))
                  .replaceFirst("^CREATE INDEX ", "CREATE INDEX IF NOT EXISTS "));
          built++;
        } catch (DataAccessException e) {
          log.warn("could not build index {} again; trying later", index.get("index_name"), e);
          continue;
        }
      }
      jdbc.update(
          "DELETE FROM projection_suspended_index WHERE index_name = ?", index.get("index_name"));
    }
    return built;
  }
}
