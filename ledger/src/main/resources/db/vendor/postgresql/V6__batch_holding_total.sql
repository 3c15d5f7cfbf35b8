-- PostgreSQL only (Flyway location db/vendor/postgresql; docs/spec/04-projections.md §4.2.6.1).
--
-- The credits each batch's holding_block rows hold, kept by PostgreSQL itself, so that the
-- projections' database check of the supply (tradable = the credits in the batch's holding
-- blocks, §4.1) reads one row per batch instead of summing every block of the batch. That sum
-- grew with the ledger: a batch sold in small lots (an expo's visitors offsetting a credit each)
-- is held in thousands of blocks, and every processor batch that touched it summed them all again.
--
-- The total is kept by statement-level triggers on holding_block, so it follows every change to
-- that table, the projection's own and any made behind its back, and the check still catches a
-- row that is wrong. Like every projection table, it is derived data and is emptied with
-- holding_block (the TRUNCATE trigger below).
--
-- H2, the local default, has no SQL triggers; its check sums the blocks as before.
--
-- Flyway numbers the migrations of every folder in one sequence: db/migration here and in the
-- api module (V5) and db/vendor/<database> here. The next migration, wherever it goes, is V7.
CREATE TABLE batch_holding_total (
    batch_id VARCHAR(255) NOT NULL PRIMARY KEY,
    held     BIGINT       NOT NULL -- the sum of last_serial - first_serial + 1 over the batch's blocks
);

-- Held until the migration commits, so that no block written by a node still running the old
-- version falls between the count below and the triggers' first firing (Flyway runs a migration
-- in one transaction). It lets readers through.
LOCK TABLE holding_block IN SHARE ROW EXCLUSIVE MODE;

INSERT INTO batch_holding_total (batch_id, held)
SELECT batch_id, SUM(last_serial - first_serial + 1) FROM holding_block GROUP BY batch_id;

-- Adds to each batch's total the credits a statement inserted (NEW TABLE), less those it deleted
-- (OLD TABLE); an UPDATE has both. A total row is created when a batch first gets a block, and is
-- kept at zero afterwards. One statement per trigger, on purpose: the triggers run inside every
-- processor batch's writes (a replay deletes and inserts about a thousand blocks per processor
-- batch), and the projection's own check already refuses a total that is wrong, negative ones
-- included, for every batch it changes, so a CHECK here would only cost a second statement (an
-- upsert's proposed row is checked before it meets the existing one). The rows are taken in
-- batch order so that two writers that overlap (a processor's claim taken over) lock them in the
-- same order and cannot deadlock. The function keeps the schema it was created in, so that a
-- session with another search_path (a DBA's, a restore's) still counts into this schema's table.
CREATE FUNCTION batch_holding_total_add() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO batch_holding_total AS t (batch_id, held)
        SELECT batch_id, SUM(last_serial - first_serial + 1) FROM inserted_blocks GROUP BY batch_id
        ORDER BY batch_id
        ON CONFLICT (batch_id) DO UPDATE SET held = t.held + EXCLUDED.held;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO batch_holding_total AS t (batch_id, held)
        SELECT batch_id, -SUM(last_serial - first_serial + 1) FROM deleted_blocks GROUP BY batch_id
        ORDER BY batch_id
        ON CONFLICT (batch_id) DO UPDATE SET held = t.held + EXCLUDED.held;
    ELSE
        INSERT INTO batch_holding_total AS t (batch_id, held)
        SELECT batch_id, SUM(credits) FROM (
            SELECT batch_id, last_serial - first_serial + 1 AS credits FROM inserted_blocks
            UNION ALL
            SELECT batch_id, -(last_serial - first_serial + 1) FROM deleted_blocks
        ) AS changes GROUP BY batch_id
        ORDER BY batch_id
        ON CONFLICT (batch_id) DO UPDATE SET held = t.held + EXCLUDED.held;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER holding_block_inserted AFTER INSERT ON holding_block
    REFERENCING NEW TABLE AS inserted_blocks
    FOR EACH STATEMENT EXECUTE FUNCTION batch_holding_total_add();
CREATE TRIGGER holding_block_deleted AFTER DELETE ON holding_block
    REFERENCING OLD TABLE AS deleted_blocks
    FOR EACH STATEMENT EXECUTE FUNCTION batch_holding_total_add();
CREATE TRIGGER holding_block_updated AFTER UPDATE ON holding_block
    REFERENCING OLD TABLE AS deleted_blocks NEW TABLE AS inserted_blocks
    FOR EACH STATEMENT EXECUTE FUNCTION batch_holding_total_add();

CREATE FUNCTION batch_holding_total_empty() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM batch_holding_total;
    RETURN NULL;
END
$$;

CREATE TRIGGER holding_block_truncated AFTER TRUNCATE ON holding_block
    FOR EACH STATEMENT EXECUTE FUNCTION batch_holding_total_empty();
