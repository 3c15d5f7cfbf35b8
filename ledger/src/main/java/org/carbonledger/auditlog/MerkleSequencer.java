package org.carbonledger.auditlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.SignedEntry;

/**
 * Appends every committed event, exactly once, as a leaf of the RFC 6962 Merkle log.
 *
 * <p>It runs as a streaming event processor with a single segment, so one node at a time holds the
 * claim on the log (Axon's token claim moves it to another node if this one dies). The leaf, its
 * nodes and the processor's token are written in one transaction, so a crash can neither lose a
 * leaf nor append one twice; an event that already has a leaf (after a token reset) is skipped. The
 * leaf order is the order in which events become visible, which is what a log can prove, not the
 * global index, which PostgreSQL assigns before commit.
 */
@ProcessingGroup(MerkleSequencer.PROCESSING_GROUP)
public final class MerkleSequencer {

  public static final String PROCESSING_GROUP = "merkle-sequencer";

  private final ConnectionProvider connections;
  private final Checkpointer checkpointer;

  public MerkleSequencer(ConnectionProvider connections, Checkpointer checkpointer) {
    this.connections = connections;
    this.checkpointer = checkpointer;
  }

  @EventHandler
  public void on(Object payload, EventMessage<?> event) throws SQLException {
    try (Connection connection = connections.getConnection()) {
      if (hasLeaf(connection, event.getIdentifier())) {
        return;
      }
      SignedEntry signed = chainEntry(connection, event.getIdentifier());
      long leafIndex = JdbcNodeStore.storedSize(connection);
      JdbcNodeStore.append(
          connection,
          leafIndex,
          event.getIdentifier(),
          signed.entry().streamId(),
          signed.entry().sequence(),
          signed.leafData());
      long size = leafIndex + 1;
      if (checkpointer.due(size)) {
        CurrentUnitOfWork.ifStarted(unit -> unit.afterCommit(u -> checkpointer.checkpoint()));
      }
    }
  }

  private static boolean hasLeaf(Connection connection, String eventIdentifier)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT 1 FROM merkle_leaf WHERE event_identifier = ?")) {
      query.setString(1, eventIdentifier);
      try (ResultSet row = query.executeQuery()) {
        return row.next();
      }
    }
  }

  private static SignedEntry chainEntry(Connection connection, String eventIdentifier)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT entry, entry_hash, key_id, signature FROM chain_entry"
                + " WHERE event_identifier = ?")) {
      query.setString(1, eventIdentifier);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException(
              "event " + eventIdentifier + " was stored without a chain entry");
        }
        return new SignedEntry(
            EntryCodec.decode(row.getBytes(1)), row.getBytes(2), row.getString(3), row.getBytes(4));
      }
    }
  }
}
