-- PostgreSQL only (Flyway location db/vendor/postgresql; docs/spec/04-projections.md, "Replay";
-- ADR 0015).
--
-- The secondary indexes that a reset of the projections dropped, with the statements that build
-- them again. A reset drops the non-unique indexes of the two tables the projections only ever
-- append to (account_movement, retirement_register) and records them here, in the reset's
-- transaction, with the position the projections had reached. Once a processor batch that reaches
-- that position has committed, the processor builds them again from here and deletes the rows.
-- Building an index once over the rebuilt rows costs less than adding each row's entry as it
-- arrives.
--
-- Written and read only by the service (projections.SuspendedIndexes): the definitions are
-- PostgreSQL's own pg_get_indexdef of the dropped indexes.
--
-- Flyway numbers the migrations of every folder in one sequence: db/migration here and in the
-- api module (V5) and db/vendor/<database> here. The next migration, wherever it goes, is V8.
CREATE TABLE projection_suspended_index (
    index_name VARCHAR(255) NOT NULL PRIMARY KEY, -- schema-qualified and quoted, as DROP INDEX takes it
    table_name VARCHAR(255) NOT NULL,             -- its table, schema-qualified and quoted
    definition VARCHAR      NOT NULL,             -- CREATE INDEX ... ON ..., from pg_get_indexdef
    rebuild_to BIGINT       NOT NULL              -- the projections' position at the reset
);
