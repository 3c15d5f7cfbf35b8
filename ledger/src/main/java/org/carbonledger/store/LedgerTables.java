package org.carbonledger.store;

import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;

/**
 * The names of the event store, snapshot and token tables and their columns.
 *
 * <p>Axon's defaults are camelCase names that PostgreSQL folds to lower case unless quoted; our
 * schema (see {@code db/migration/V1__event_store.sql}) uses snake_case instead, so that the tables
 * read naturally in {@code psql} and in the regulator's verifier, which reads them with plain SQL.
 * Every component that touches these tables takes its names from here.
 */
public final class LedgerTables {

  public static final String DOMAIN_EVENTS = "domain_event_entry";
  public static final String SNAPSHOTS = "snapshot_event_entry";
  public static final String TOKENS = "token_entry";

  private LedgerTables() {}

  /** The event and snapshot tables as Axon's {@code JdbcEventStorageEngine} sees them. */
  public static EventSchema eventSchema() {
    return EventSchema.builder()
        .eventTable(DOMAIN_EVENTS)
        .snapshotTable(SNAPSHOTS)
        .globalIndexColumn("global_index")
        .eventIdentifierColumn("event_identifier")
        .aggregateIdentifierColumn("aggregate_identifier")
        .sequenceNumberColumn("sequence_number")
        .typeColumn("aggregate_type")
        .timestampColumn("time_stamp")
        .payloadTypeColumn("payload_type")
        .payloadRevisionColumn("payload_revision")
        .payloadColumn("payload")
        .metaDataColumn("meta_data")
        .build();
  }

  /** The token table as Axon's {@code JdbcTokenStore} sees it. */
  public static TokenSchema tokenSchema() {
    return TokenSchema.builder()
        .setTokenTable(TOKENS)
        .setProcessorNameColumn("processor_name")
        .setSegmentColumn("segment")
        .setTokenColumn("token")
        .setTokenTypeColumn("token_type")
        .setTimestampColumn("time_stamp")
        .setOwnerColumn("owner_id")
        .build();
  }

  /**
   * Recognises a unique-key violation on the event table, which is how two concurrent writers to
   * one aggregate find out that one of them lost.
   *
   * <p>Axon's default for JDBC ({@code JdbcSQLErrorCodesResolver}) looks for {@code
   * SQLIntegrityConstraintViolationException}, which the PostgreSQL driver never throws: it throws
   * {@code PSQLException} with SQL state 23505. Without this resolver a lost race on PostgreSQL
   * surfaces as a generic storage failure instead of a {@code ConcurrencyException}. H2 reports the
   * same state, so one resolver serves both.
   */
  public static PersistenceExceptionResolver duplicateKeyResolver() {
    return new SQLStateResolver("23505");
  }
}
