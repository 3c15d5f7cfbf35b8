package org.carbonledger.auditlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.carbonledger.chain.EntryCodec;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.Rfc6962;
import org.carbonledger.store.DatabaseKind;
import org.carbonledger.store.ValueLists;

/**
 * Appends every committed event, exactly once, as a leaf of the RFC 6962 Merkle log.
 *
 * <p>It runs as a streaming event processor with a single segment, so one node at a time holds the
 * claim on the log (Axon's token claim moves it to another node if this one dies). The leaves of a
 * processor batch, their nodes and the processor's token are written in one transaction, so a crash
 * can neither lose a leaf nor append one twice; an event that already has a leaf (after a token
 * reset) is skipped. The leaf order is the order in which events become visible, which is what a
 * log can prove, not the global index, which PostgreSQL assigns before commit.
 *
 * <p>A batch's events are collected as they are handled and appended together when the batch is
 * about to commit: one query reads their signed entries, and the leaves and nodes are inserted in
 * two JDBC batches. The right edge of the tree (the roots of its perfect subtrees) is kept in
 * memory, so an append never reads old nodes back. It is checked against the stored size at every
 * batch, reloaded when they differ, and dropped whenever a batch rolls back, so it never survives a
 * write that did not commit.
 */
@ProcessingGroup(MerkleSequencer.PROCESSING_GROUP)
public final class MerkleSequencer {

  public static final String PROCESSING_GROUP = "merkle-sequencer";

  private static final String PENDING = MerkleSequencer.class.getName() + ".pending";

  private final ConnectionProvider connections;
  private final Checkpointer checkpointer;

  /** The log's size and right edge as of the last append, or null when not loaded. */
  private RightEdge edge;

  private final DatabaseKind database;

  public MerkleSequencer(ConnectionProvider connections, Checkpointer checkpointer) {
    this.connections = connections;
    this.checkpointer = checkpointer;
    this.database = new DatabaseKind(connections);
  }

  /**
   * Logs one event, with the rest of its batch. It takes the message, not the payload, so that Axon
   * never deserializes the payload: the log needs only the event's id, and the signed entry already
   * holds its bytes.
   */
  @EventHandler(payloadType = Object.class)
  public void on(EventMessage<?> event) throws SQLException {
    if (!CurrentUnitOfWork.isStarted()) {
      append(List.of(event.getIdentifier()), false);
      return;
    }
    UnitOfWork<?> unit = CurrentUnitOfWork.get();
    List<String> pending =
        unit.getOrComputeResource(
            PENDING,
            key -> {
              List<String> ids = new ArrayList<>();
              unit.onPrepareCommit(u -> appendPending(ids));
              unit.onRollback(u -> edge = null);
              return ids;
            });
    pending.add(event.getIdentifier());
  }

  private void appendPending(List<String> eventIdentifiers) {
    try {
      append(eventIdentifiers, true);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot append to the Merkle log", e);
    }
  }

  private void append(List<String> eventIdentifiers, boolean inUnitOfWork) throws SQLException {
    try (Connection connection = connections.getConnection()) {
      if (inUnitOfWork) {
        // PostgreSQL may acknowledge this batch's commit before its WAL reaches the disk, which
        // saves the sequencer's small commits an fsync each. This cannot lose a leaf or break a
        // proof: the leaves and the processor's token commit together, so a crash that loses a
        // commit also loses its token, and the events are appended again; and every checkpoint
        // commits synchronously, which flushes all earlier WAL, so a signed checkpoint never
        // outlives the leaves it covers. If PostgreSQL alone restarts and loses such commits, the
        // sequencer notices at its next batch that the stored log is behind its in-memory edge
        // and reloads it. The setting is local to this transaction; commands stay fully durable.
        database.commitAsynchronously(connection);
      }
      Map<String, SignedEntry> unlogged = unloggedEntries(connection, eventIdentifiers);
      if (edge == null || edge.size != JdbcNodeStore.storedSize(connection)) {
        // Loaded on first use, and reloaded if the stored log is not where this node left it:
        // another node held the log meanwhile, or the database lost commits it had acknowledged
        // asynchronously (a restart or failover of PostgreSQL alone, which rolls nothing back
        // here).
        edge = RightEdge.load(connection);
      }
      Set<String> appended = new HashSet<>();
      try (PreparedStatement leaves =
              connection.prepareStatement(
                  "INSERT INTO merkle_leaf (leaf_index, event_identifier, stream_id,"
                      + " sequence_number, leaf_hash) VALUES (?, ?, ?, ?, ?)");
          PreparedStatement nodes =
              connection.prepareStatement(
                  "INSERT INTO merkle_node (tree_level, node_index, hash) VALUES (?, ?, ?)")) {
        for (String eventIdentifier : eventIdentifiers) {
          SignedEntry signed = unlogged.get(eventIdentifier);
          if (signed == null || !appended.add(eventIdentifier)) {
            continue; // Logged before (a replay), or twice in this batch.
          }
          byte[] leafHash = Rfc6962.leafHash(signed.leafData());
          leaves.setLong(1, edge.size);
          leaves.setString(2, eventIdentifier);
          leaves.setString(3, signed.entry().streamId());
          leaves.setLong(4, signed.entry().sequence());
          leaves.setBytes(5, leafHash);
          leaves.addBatch();
          if (SigningKeys.STREAM_ID.equals(signed.entry().streamId())) {
            // A key rotation takes effect at the leaf it gets here, in this same transaction.
            PublishedKeys.markLogged(connection, eventIdentifier, edge.size);
          }
          edge.append(nodes, leafHash);
        }
        leaves.executeBatch();
        nodes.executeBatch();
      }
      if (!appended.isEmpty() && checkpointer.due(edge.size)) {
        if (inUnitOfWork) {
          CurrentUnitOfWork.get().afterCommit(u -> checkpointer.checkpoint());
        } else {
          checkpointer.checkpoint();
        }
      }
    } catch (SQLException | RuntimeException e) {
      edge = null;
      throw e;
    }
  }

  /**
   * The signed entries of those events that have no leaf yet, by event id.
   *
   * @throws IllegalStateException if an event has no signed entry at all: it was stored around the
   *     chain, and logging it would lend it the log's authority
   */
  private static Map<String, SignedEntry> unloggedEntries(
      Connection connection, List<String> eventIdentifiers) throws SQLException {
    Map<String, SignedEntry> unlogged = new HashMap<>();
    Set<String> found = new HashSet<>();
    // Padded, so that a handful of statement texts serve every batch size and are prepared once.
    List<String> padded = ValueLists.padded(eventIdentifiers);
    try (PreparedStatement query =
        connection.prepareStatement(unloggedEntriesQuery(padded.size()))) {
      for (int i = 0; i < padded.size(); i++) {
        query.setString(i + 1, padded.get(i));
      }
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getString(1));
          if (rows.getObject(6) == null) {
            unlogged.put(
                rows.getString(1),
                new SignedEntry(
                    EntryCodec.decode(rows.getBytes(2)),
                    rows.getBytes(3),
                    rows.getString(4),
                    rows.getBytes(5)));
          }
        }
      }
    }
    for (String eventIdentifier : eventIdentifiers) {
      if (!found.contains(eventIdentifier)) {
        throw new IllegalStateException(
            "event " + eventIdentifier + " was stored without a chain entry");
      }
    }
    return unlogged;
  }

  /**
   * The query of {@link #unloggedEntries} for {@code size} identifiers. The leaf is looked up by a
   * subquery per entry, one probe of its unique index, never by a join: PostgreSQL planned {@code
   * LEFT JOIN merkle_leaf} for a list of a thousand identifiers as a hash join over a scan of the
   * whole log, whose cost grew with the ledger (34 ms a batch at 199,000 leaves, against 5.5 ms for
   * the probes; docs/performance.md), until the log outgrew what it takes a thousand probes to
   * cost, some 700,000 leaves.
   */
  static String unloggedEntriesQuery(int size) {
    return "SELECT c.event_identifier, c.entry, c.entry_hash, c.key_id, c.signature,"
        + " (SELECT l.leaf_index FROM merkle_leaf l WHERE l.event_identifier = c.event_identifier)"
        + " FROM chain_entry c WHERE c.event_identifier IN ("
        + ValueLists.placeholders(size, "?")
        + ")";
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

    /** Appends a leaf hash and adds every subtree the leaf completes to the node batch. */
    void append(PreparedStatement nodes, byte[] leafHash) throws SQLException {
      byte[] node = leafHash;
      int level = 0;
      long index = size;
      while (!levels.isEmpty() && levels.get(levels.size() - 1) == level) {
        byte[] left = hashes.remove(hashes.size() - 1);
        levels.remove(levels.size() - 1);
        node = Rfc6962.nodeHash(left, node);
        level++;
        index >>= 1;
        nodes.setInt(1, level);
        nodes.setLong(2, index);
        nodes.setBytes(3, node);
        nodes.addBatch();
      }
      hashes.add(node);
      levels.add(level);
      size++;
    }
  }
}
