package org.carbonledger.auditlog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;

/**
 * Axon's JDBC event store, with every event's signed chain entry written in the same transaction as
 * the event itself: either both are stored or neither is, so no stored event is ever unchained.
 *
 * <p>The chain is per aggregate and rides on Axon's gapless per-aggregate sequence numbers, whose
 * unique key already makes the second of two concurrent writers fail. There is deliberately no
 * global chain here: PostgreSQL commits in an order the global index does not show, and a global
 * lock would cap throughput. The global order is the Merkle log's, built after commit by {@link
 * MerkleSequencer}.
 */
public final class ChainingEventStorageEngine extends JdbcEventStorageEngine {

  private final ConnectionProvider connections;
  private final TransactionManager transactions;
  private final ChainWriter chain;

  private ChainingEventStorageEngine(
      Builder builder,
      ConnectionProvider connections,
      TransactionManager transactions,
      ChainWriter chain) {
    super(builder);
    this.connections = connections;
    this.transactions = transactions;
    this.chain = chain;
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
    return new ChainingEventStorageEngine(
        builder.connectionProvider(connections).transactionManager(transactions),
        connections,
        transactions,
        chain);
  }

  @Override
  protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
    if (events.isEmpty()) {
      return;
    }
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
  }
}
