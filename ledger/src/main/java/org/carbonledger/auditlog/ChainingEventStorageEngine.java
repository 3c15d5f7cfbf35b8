package org.carbonledger.auditlog;

import static org.axonframework.common.jdbc.JdbcUtils.closeQuietly;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.Stream;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.JdbcEventStorageEngineStatements;
import org.axonframework.eventsourcing.eventstore.jdbc.statements.TimestampWriter;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.carbonledger.store.DaemonThreads;
import org.carbonledger.store.DatabaseKind;
import org.carbonledger.store.EventTimestamps;
import org.carbonledger.store.ReadAheadEvents;

/**
 * Axon's JDBC event store, with every event's signed chain entry written in the same transaction as
 * the event itself: either both are stored or neither is, so no stored event is ever unchained.
 *
 * <p>On PostgreSQL each event and its entry are written by one statement, {@code WITH event AS
 * (INSERT INTO domain_event_entry ...) INSERT INTO chain_entry ...}, batched for all the events of
 * a commit: one round trip, as for bare Axon. The statement also returns the event's global index,
 * so that the command's transaction knows where its write ended without asking ({@link
 * #LAST_APPENDED_POSITION}). Other databases (the embedded H2) take a second batched insert.
 *
 * <p>The chain is per aggregate and rides on Axon's gapless per-aggregate sequence numbers, whose
 * unique key already makes the second of two concurrent writers fail. There is deliberately no
 * global chain here: PostgreSQL commits in an order the global index does not show, and a global
 * lock would cap throughput. The global order is the Merkle log's, built after commit by {@link
 * MerkleSequencer}.
 *
 * <p>Reading is Axon's, with two changes for the streaming processors: a processor that is behind
 * has its next batch read ahead on another thread ({@link ReadAheadEvents}), and each event's
 * timestamp is parsed once, when its row is read ({@link EventTimestamps}), not each time it is
 * asked for.
 */
public final class ChainingEventStorageEngine extends JdbcEventStorageEngine {

  /**
   * The resource under which the root unit of work that appended events keeps the identifier of the
   * last of them where the append does not report its index (H2; PostgreSQL reports it as {@link
   * #LAST_APPENDED_POSITION}), so that the command's own transaction can find its position by the
   * unique identifier. Asking for the highest global index instead cost 0.26 ms a write on
   * PostgreSQL, which must step over every newer index entry that other writers have not committed
   * yet.
   */
  public static final String LAST_APPENDED =
      ChainingEventStorageEngine.class.getName() + ".lastAppended";

  /**
   * The resource under which the root unit of work that appended events keeps the global index of
   * the last of them (a {@code Long}), where the database reported it with the write itself: on
   * PostgreSQL, whose append statement returns each event's index. The command's transaction then
   * knows its position without asking the database again, which cost one round trip a write.
   * Elsewhere the resource is absent and {@link #LAST_APPENDED} serves.
   */
  public static final String LAST_APPENDED_POSITION =
      ChainingEventStorageEngine.class.getName() + ".lastAppendedPosition";

  private final ConnectionProvider connections;
  private final TransactionManager transactions;
  private final ChainWriter chain;
  private final DatabaseKind database;
  private final ExecutorService readAhead =
      Executors.newCachedThreadPool(new DaemonThreads("event-read-ahead"));

  /**
   * How many stored events a stream that is behind may read ahead of its consumer, in batches of
   * the fetch size: one processor batch of the projections (20,000 by default), so that the next
   * one is waiting when a processor has committed the last ({@link ReadAheadEvents}). Memory: some
   * 20 MB of stored events per stream that is behind.
   */
  static final int READ_AHEAD_EVENTS = 20_000;

  private ChainingEventStorageEngine(
      Builder builder,
      ConnectionProvider connections,
      TransactionManager transactions,
      ChainWriter chain,
      DatabaseKind database) {
    super(builder);
    this.connections = connections;
    this.transactions = transactions;
    this.chain = chain;
    this.database = database;
  }

  /**
   * @param builder a configured engine builder, given the same connection provider and transaction
   *     manager as passed here
   */
  public static ChainingEventStorageEngine create(
      Builder builder,
      ConnectionProvider connections,
      TransactionManager transactions,
      ChainWriter chain) {
    DatabaseKind database = new DatabaseKind(connections);
    builder
        .connectionProvider(connections)
        .transactionManager(transactions)
        .appendEvents(
            (connection, schema, dataType, events, serializer, timestamps) ->
                database.isPostgres()
                    ? eventsWithEntries(
                        connection, schema, dataType, events, serializer, timestamps, chain)
                    : JdbcEventStorageEngineStatements.appendEvents(
                        connection, schema, dataType, events, serializer, timestamps));
    return new ChainingEventStorageEngine(builder, connections, transactions, chain, database);
  }

  /**
   * Reads the stored events after a token, the next batch ahead while more are waiting ({@link
   * ReadAheadEvents}). A read that may block is the event store's producer, which feeds the
   * processors that keep up and comes back for more from its newest token in its own time ({@code
   * PollingEventStore}): its stream ends after the first batch that does not fill its range of
   * indexes, which is the head or, when the range ends in an index not committed yet, a little
   * short of it. Any other read goes on until a batch finds nothing, as Axon's does.
   */
  @Override
  protected Stream<? extends TrackedEventData<?>> readEventData(
      TrackingToken trackingToken, boolean mayBlock) {
    Function<TrackingToken, List<? extends TrackedEventData<?>>> fetch =
        after -> fetchTrackedEvents(after, batchSize());
    BiPredicate<TrackingToken, List<? extends TrackedEventData<?>>> moreWaiting =
        ReadAheadEvents.indexRangeFilled(batchSize());
    int depth = Math.max(1, READ_AHEAD_EVENTS / batchSize());
    return mayBlock
        ? ReadAheadEvents.toHead(trackingToken, fetch, moreWaiting, readAhead, depth)
        : ReadAheadEvents.stream(trackingToken, fetch, moreWaiting, readAhead, depth);
  }

  /**
   * Stops the threads that read ahead, interrupting any read still running; Spring calls this when
   * the context closes, before the data source goes.
   */
  public void close() {
    readAhead.shutdownNow();
  }

  @Override
  protected TrackedEventData<?> getTrackedEventData(
      ResultSet resultSet, GapAwareTrackingToken previousToken) throws SQLException {
    TrackedEventData<?> event = super.getTrackedEventData(resultSet, previousToken);
    // Parsed here, on the thread that reads the rows (ahead, or the event store's producer), rather
    // than by each processor that handles the event.
    Instant timestamp =
        EventTimestamps.parse(readTimeStamp(resultSet, schema().timestampColumn()).toString());
    return new TrackedDomainEventData<>(
        event.trackingToken(), new ParsedTimestamp<>((DomainEventData<?>) event, timestamp));
  }

  @Override
  protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
    if (events.isEmpty()) {
      return;
    }
    if (database.isPostgres()) {
      // The statement builder writes each event together with its chain entry, and returns the
      // event's global index.
      long position = appendReturningPosition(events, serializer);
      CurrentUnitOfWork.ifStarted(
          unit -> unit.root().resources().put(LAST_APPENDED_POSITION, position));
    } else {
      transactions.executeInTransaction(
          () -> {
            super.appendEvents(events, serializer);
            try (Connection connection = connections.getConnection()) {
              chain.append(connection, events, serializer);
            } catch (SQLException e) {
              // A duplicate chain entry means a concurrent writer won, as for the event itself.
              handlePersistenceException(e, events.get(0));
            }
          });
      // Here the append reports no index, so the position is found by the last identifier.
      String last = events.get(events.size() - 1).getIdentifier();
      CurrentUnitOfWork.ifStarted(unit -> unit.root().resources().put(LAST_APPENDED, last));
    }
  }

  /**
   * Axon's append (one batch in the current transaction, a duplicate key reported as a concurrency
   * failure by {@code handlePersistenceException}, the statement and connection closed quietly, as
   * {@code JdbcUtils.executeBatch} does), which also reads the global index that each of {@link
   * #eventsWithEntries}'s statements returns.
   *
   * @return the global index of the last event
   */
  private long appendReturningPosition(
      List<? extends EventMessage<?>> events, Serializer serializer) {
    long[] last = {-1};
    transactions.executeInTransaction(
        () -> {
          Connection connection = getConnection();
          try {
            PreparedStatement statement = appendEvents(connection, events, serializer);
            try {
              statement.executeBatch();
              ResultSet indexes = statement.getGeneratedKeys();
              try {
                while (indexes.next()) {
                  last[0] = indexes.getLong(1);
                }
              } finally {
                closeQuietly(indexes);
              }
            } finally {
              closeQuietly(statement);
            }
          } catch (SQLException e) {
            handlePersistenceException(e, events.get(0));
          } finally {
            closeQuietly(connection);
          }
          if (last[0] < 0) {
            // Every statement inserts one event and returns its index. Failing here, inside the
            // transaction, rolls the write back rather than answer it without a position.
            throw new IllegalStateException(
                "the append of " + events.size() + " events reported no global index");
          }
        });
    return last[0];
  }

  /**
   * One statement per event that inserts both the event row, exactly as Axon would, and its chain
   * entry, whose payload is the very byte array bound to the event row, and returns the event's
   * global index (read by {@link #appendReturningPosition}).
   */
  private static PreparedStatement eventsWithEntries(
      Connection connection,
      EventSchema schema,
      Class<?> dataType,
      List<? extends EventMessage<?>> events,
      Serializer serializer,
      TimestampWriter timestamps,
      ChainWriter chain)
      throws SQLException {
    if (dataType != byte[].class) {
      // The entry signs the payload as bytes; any other column type would store something else.
      throw new IllegalStateException(
          "a chained event store needs bytea payloads, not " + dataType);
    }
    List<ChainWriter.Chained> entries = chain.chain(connection, events, serializer);
    PreparedStatement statement =
        connection.prepareStatement(
            "WITH event AS (INSERT INTO "
                + schema.domainEventTable()
                + " ("
                + schema.domainEventFields()
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
                + schema.globalIndexColumn()
                + ") "
                + ChainWriter.INSERT
                + " RETURNING (SELECT "
                + schema.globalIndexColumn()
                + " FROM event)",
            // The driver then keeps the rows that RETURNING gives, one per event, as the batch's
            // keys. It adds no RETURNING of its own to a statement that has one.
            Statement.RETURN_GENERATED_KEYS);
    try {
      for (int i = 0; i < events.size(); i++) {
        DomainEventMessage<?> event = (DomainEventMessage<?>) events.get(i);
        SerializedObject<byte[]> payload = event.serializePayload(serializer, byte[].class);
        SerializedObject<byte[]> metaData = event.serializeMetaData(serializer, byte[].class);
        statement.setString(1, event.getIdentifier());
        statement.setString(2, event.getAggregateIdentifier());
        statement.setLong(3, event.getSequenceNumber());
        statement.setString(4, event.getType());
        timestamps.writeTimestamp(statement, 5, event.getTimestamp());
        statement.setString(6, payload.getType().getName());
        statement.setString(7, payload.getType().getRevision());
        statement.setBytes(8, payload.getData());
        statement.setBytes(9, metaData.getData());
        ChainWriter.bind(statement, 10, entries.get(i));
        statement.addBatch();
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  /** A stored event whose timestamp has been parsed already. */
  private record ParsedTimestamp<T>(DomainEventData<T> event, Instant timestamp)
      implements DomainEventData<T> {

    @Override
    public Instant getTimestamp() {
      return timestamp;
    }

    @Override
    public String getEventIdentifier() {
      return event.getEventIdentifier();
    }

    @Override
    public SerializedObject<T> getMetaData() {
      return event.getMetaData();
    }

    @Override
    public SerializedObject<T> getPayload() {
      return event.getPayload();
    }

    @Override
    public String getType() {
      return event.getType();
    }

    @Override
    public String getAggregateIdentifier() {
      return event.getAggregateIdentifier();
    }

    @Override
    public long getSequenceNumber() {
      return event.getSequenceNumber();
    }
  }
}
