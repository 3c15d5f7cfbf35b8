package org.carbonledger.auditlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.Rfc6962;

/**
 * Appends every committed event, exactly once, as a leaf of the RFC 6962 Merkle log.
 *
 * <p>It runs as a streaming event processor with a single segment, so one node at a time holds the
 * claim on the log (Axon's token claim moves it to another node if this one dies). The leaf, its
 * nodes and the processor's token are written in one transaction, so a crash can neither lose a
 * leaf nor append one twice; an event that already has a leaf (after a token reset) is skipped. The
 * leaf order is the order in which events become visible, which is what a log can prove, not the
 * global index, which PostgreSQL assigns before commit.
 *
 * <p>The right edge of the tree (the roots of its perfect subtrees) is kept in memory, so an append
 * writes its leaf and the nodes it completes without reading old nodes back. It is loaded from the
 * database when first needed and dropped whenever a batch rolls back, so it never survives a write
 * that did not commit.
 */
@ProcessingGroup(MerkleSequencer.PROCESSING_GROUP)
public final class MerkleSequencer {

  public static final String PROCESSING_GROUP = "merkle-sequencer";

  private final ConnectionProvider connections;
  private final Checkpointer checkpointer;

  /** The log's size and right edge as of the last append, or null when not loaded. */
  private RightEdge edge;

  /** Whether the database is PostgreSQL, whose commits can be made asynchronous; null = unknown. */
  private Boolean postgres;

  public MerkleSequencer(ConnectionProvider connections, Checkpointer checkpointer) {
    this.connections = connections;
    this.checkpointer = checkpointer;
  }

  /**
   * Logs one event. It takes the message, not the payload, so that Axon never deserializes the
   * payload: the log needs only the event's id, and the signed entry already holds its bytes.
   */
  @EventHandler(payloadType = Object.class)
  public void on(EventMessage<?> event) throws SQLException {
    CurrentUnitOfWork.ifStarted(unit -> unit.onRollback(u -> edge = null));
    try (Connection connection = connections.getConnection()) {
      commitAsynchronously(connection);
      SignedEntry signed = unloggedEntry(connection, event.getIdentifier());
      if (signed == null) {
        return;
      }
      if (edge == null
          || firstInUnitOfWork() && edge.size != JdbcNodeStore.storedSize(connection)) {
        // Loaded on first use, and reloaded if the stored log is not where this node left it:
        // another node held the log meanwhile, or the database lost commits it had acknowledged
        // asynchronously (a restart or failover of PostgreSQL alone, which rolls nothing back
        // here).
        edge = RightEdge.load(connection);
      }
      long leafIndex = edge.size;
      byte[] leafHash = Rfc6962.leafHash(signed.leafData());
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO merkle_leaf (leaf_index, event_identifier, stream_id, sequence_number,"
                  + " leaf_hash) VALUES (?, ?, ?, ?, ?)")) {
        insert.setLong(1, leafIndex);
        insert.setString(2, event.getIdentifier());
        insert.setString(3, signed.entry().streamId());
        insert.setLong(4, signed.entry().sequence());
        insert.setBytes(5, leafHash);
        insert.executeUpdate();
      }
      edge.append(connection, leafHash);
      if (checkpointer.due(edge.size)) {
        CurrentUnitOfWork.ifStarted(unit -> unit.afterCommit(u -> checkpointer.checkpoint()));
      }
    }
  }

  /**
   * Lets PostgreSQL acknowledge this batch's commit before its WAL reaches the disk, which saves
   * the sequencer's many small commits an fsync each. This cannot lose a leaf or break a proof: the
   * leaves and the processor's token commit together, so a crash that loses a commit also loses its
   * token, and the events are appended again; and every checkpoint commits synchronously, which
   * flushes all earlier WAL, so a signed checkpoint never outlives the leaves it covers. The
   * setting is local to this transaction; commands stay fully durable.
   */
  private void commitAsynchronously(Connection connection) throws SQLException {
    if (postgres == null) {
      postgres = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
    }
    if (postgres
        && CurrentUnitOfWork.isStarted()
        && CurrentUnitOfWork.get().resources().putIfAbsent(ASYNC_COMMIT, Boolean.TRUE) == null) {
      try (var statement = connection.createStatement()) {
        statement.execute("SET LOCAL synchronous_commit TO OFF");
      }
    }
  }

  /** Whether this is the first event of the current unit of work (a processor batch). */
  private static boolean firstInUnitOfWork() {
    return CurrentUnitOfWork.isStarted()
        && CurrentUnitOfWork.get().resources().putIfAbsent(EDGE_CHECKED, Boolean.TRUE) == null;
  }

  private static final String EDGE_CHECKED = MerkleSequencer.class.getName() + ".edgeChecked";

  /** Marks a unit of work whose transaction already commits asynchronously. */
  private static final String ASYNC_COMMIT = MerkleSequencer.class.getName() + ".asyncCommit";

  /** The event's signed entry, or null if the event already has a leaf. */
  private static SignedEntry unloggedEntry(Connection connection, String eventIdentifier)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT c.entry, c.entry_hash, c.key_id, c.signature, l.leaf_index"
                + " FROM chain_entry c"
                + " LEFT JOIN merkle_leaf l ON l.event_identifier = c.event_identifier"
                + " WHERE c.event_identifier = ?")) {
      query.setString(1, eventIdentifier);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException(
              "event " + eventIdentifier + " was stored without a chain entry");
        }
        if (row.getObject(5) != null) {
          return null;
        }
        return new SignedEntry(
            EntryCodec.decode(row.getBytes(1)), row.getBytes(2), row.getString(3), row.getBytes(4));
      }
    }
  }

  /** The roots of the perfect subtrees along the tree's right edge, largest first. */
  private static final class RightEdge {
    private final List<byte[]> hashes = new ArrayList<>();
    private final List<Integer> levels = new ArrayList<>();
    private long size;

    /** Reads the right edge of the stored tree: one complete subtree per set bit of its size. */
    static RightEdge load(Connection connection) throws SQLException {
      RightEdge edge = new RightEdge();
      long size = JdbcNodeStore.storedSize(connection);
      JdbcNodeStore nodes = new JdbcNodeStore(connection, size);
      long start = 0;
      for (int level = 62; level >= 0; level--) {
        if ((size & (1L << level)) != 0) {
          edge.hashes.add(nodes.hash(level, start >> level));
          edge.levels.add(level);
          start += 1L << level;
        }
      }
      edge.size = size;
      return edge;
    }

    /** Appends a leaf hash and stores every subtree the leaf completes. */
    void append(Connection connection, byte[] leafHash) throws SQLException {
      byte[] node = leafHash;
      int level = 0;
      long index = size;
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO merkle_node (tree_level, node_index, hash) VALUES (?, ?, ?)")) {
        while (!levels.isEmpty() && levels.get(levels.size() - 1) == level) {
          byte[] left = hashes.remove(hashes.size() - 1);
          levels.remove(levels.size() - 1);
          node = Rfc6962.nodeHash(left, node);
          level++;
          index >>= 1;
          insert.setInt(1, level);
          insert.setLong(2, index);
          insert.setBytes(3, node);
          insert.executeUpdate();
        }
      }
      hashes.add(node);
      levels.add(level);
      size++;
    }
  }
}
