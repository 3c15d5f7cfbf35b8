package org.carbonledger.auditlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.serialization.Serializer;
import org.carbonledger.auditlog.SigningKeysEvent.SigningKeyRotated;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.EntrySigner;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.SignedEntry;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes the chain entry of every event as it is stored: the canonical envelope, its hash linked to
 * the previous entry of the same stream, and the ledger's signature.
 *
 * <p>The payload in the envelope is the very byte array the event store writes (Axon caches a
 * message's serialized form per serializer), so the chain signs what is stored, never a second
 * serialization of it.
 */
public final class ChainWriter {

  /** How many streams' last committed links are remembered. */
  private static final int REMEMBERED_STREAMS = 100_000;

  /** How long a write waits for a key rotation to finish before it gives up. */
  private static final long ROTATION_WAIT_SECONDS = 30;

  private final String origin;

  /** The key that signs entries now; replaced only under the rotation lock's write side. */
  private volatile EntrySigner signer;

  /**
   * Keeps a key rotation apart from every other write. Each transaction that appends entries holds
   * the read side from its append until it completes; a rotation takes the write side, so it waits
   * for every transaction still in flight and holds back new ones until the new key is in place.
   * Without it, an entry signed with the old key could commit after the rotation event, land on a
   * later leaf, and be rejected by every verifier as signed outside its key's range.
   */
  private final ReentrantReadWriteLock rotation = new ReentrantReadWriteLock();

  /**
   * The last committed entry of recently written streams, so that the next event of a stream
   * usually links without a read. It is filled from Spring's {@code afterCommit}, which runs only
   * once the outermost transaction has really committed, never from a unit of work's own "commit",
   * which may sit inside an outer transaction that later rolls back. A link is used only for
   * exactly the preceding sequence number, which once committed never changes; another node writing
   * the stream meanwhile only makes the link unused, never wrong.
   */
  private final Map<String, Link> committed =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Link> eldest) {
          return size() > REMEMBERED_STREAMS;
        }
      };

  private record Link(long sequence, byte[] hash) {}

  public ChainWriter(String origin, EntrySigner signer) {
    this.origin = origin;
    this.signer = signer;
  }

  /** The key id of the key that signs entries now. */
  public String signingKeyId() {
    return signer.keyId();
  }

  /**
   * Runs a key rotation alone: once every transaction in flight has completed, and while no other
   * can append. The rotation's own event is appended from inside {@code rotation} on this thread
   * and is signed with the current key; if it commits, the returned key signs from then on.
   *
   * @param rotation stores the rotation event, in a transaction that has committed when it returns,
   *     and returns the key that signs from then on
   * @return what {@code rotation} returned
   */
  public EntrySigner rotate(Supplier<EntrySigner> rotation) {
    this.rotation.writeLock().lock();
    try {
      EntrySigner next = rotation.get();
      signer = next;
      return next;
    } finally {
      this.rotation.writeLock().unlock();
    }
  }

  /**
   * One event's signed chain entry, ready to be stored in {@code chain_entry}.
   *
   * @param eventIdentifier the event's identifier, which joins the entry to the event row
   */
  public record Chained(String eventIdentifier, SignedEntry signed) {}

  /**
   * Appends the chain entries of events that are being stored through {@code connection}, in the
   * same transaction, with an insert of their own.
   *
   * @param events aggregate events, in the order they are stored
   * @param serializer the serializer the event store uses for payloads
   * @throws IllegalStateException for an event that belongs to no aggregate, or whose stream's
   *     previous entry is missing: the chain would break, so nothing may be stored
   */
  public void append(
      Connection connection, List<? extends EventMessage<?>> events, Serializer serializer)
      throws SQLException {
    List<Chained> entries = chain(connection, events, serializer);
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (Chained chained : entries) {
        bind(insert, 1, chained);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** The insert of one chain entry; {@link #bind} fills its seven parameters. */
  public static final String INSERT =
      "INSERT INTO chain_entry (stream_id, sequence_number, event_identifier, entry, entry_hash,"
          + " key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?)";

  /** Binds a chain entry to the seven parameters of {@link #INSERT}, from {@code first} on. */
  public static void bind(PreparedStatement statement, int first, Chained chained)
      throws SQLException {
    SignedEntry signed = chained.signed();
    statement.setString(first, signed.entry().streamId());
    statement.setLong(first + 1, signed.entry().sequence());
    statement.setString(first + 2, chained.eventIdentifier());
    statement.setBytes(first + 3, signed.entry().canonicalBytes());
    statement.setBytes(first + 4, signed.entryHash());
    statement.setString(first + 5, signed.keyId());
    statement.setBytes(first + 6, signed.signature());
  }

  /**
   * Builds and signs the chain entries of events about to be stored through {@code connection}, in
   * the same transaction, which must store them too. Each links to the previous entry of its
   * stream: one of this batch, one this node saw commit, or one read back through {@code
   * connection}.
   *
   * @param events aggregate events, in the order they are stored
   * @param serializer the serializer the event store uses for payloads
   * @return the signed entries, in the same order
   * @throws IllegalStateException for an event that belongs to no aggregate, or whose stream's
   *     previous entry is missing: the chain would break, so nothing may be stored
   */
  public List<Chained> chain(
      Connection connection, List<? extends EventMessage<?>> events, Serializer serializer)
      throws SQLException {
    holdAgainstRotation();
    // Hashes of entries chained earlier in this same batch, by stream: a unit of work may
    // append several events to one stream, and they are not yet readable back one by one.
    Map<String, Link> lastInBatch = new HashMap<>();
    List<Chained> chained = new ArrayList<>(events.size());
    for (EventMessage<?> message : events) {
      if (!(message instanceof DomainEventMessage<?> event)) {
        throw new IllegalStateException(
            "only aggregate events can be stored in a chained ledger, not " + message);
      }
      String streamId = event.getAggregateIdentifier();
      long sequence = event.getSequenceNumber();
      byte[] previous =
          sequence == 0
              ? Hashing.zeroHash()
              : previousHash(connection, lastInBatch, streamId, sequence);
      byte[] payload = event.serializePayload(serializer, byte[].class).getData();
      Entry entry =
          new Entry(
              origin,
              event.getType(),
              streamId,
              sequence,
              eventType(event),
              payload,
              // The time as the event store keeps it, to the millisecond, so that a verifier
              // can compare the stored row with the signed entry exactly.
              micros(event.getTimestamp().truncatedTo(ChronoUnit.MILLIS)),
              metadata(event, AuditMetadata.ACTOR),
              metadata(event, AuditMetadata.IDEMPOTENCY_KEY),
              previous);
      SignedEntry signed = SignedEntry.sign(entry, signer);
      if (event.getPayload() instanceof SigningKeyRotated rotated) {
        if (rotated.purpose() == KeyPurpose.ENTRY
            && !rotated.retiredKeyId().equals(signed.keyId())) {
          throw new IllegalStateException(
              "a rotation must retire the key that signs it, "
                  + signed.keyId()
                  + ", not "
                  + rotated.retiredKeyId());
        }
        PublishedKeys.recordRotation(connection, rotated, event.getIdentifier());
      }
      lastInBatch.put(streamId, new Link(sequence, signed.entryHash()));
      chained.add(new Chained(event.getIdentifier(), signed));
    }
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              synchronized (committed) {
                committed.putAll(lastInBatch);
              }
            }
          });
    }
    return chained;
  }

  /**
   * Takes the rotation lock's read side until the surrounding transaction completes, or just long
   * enough to be sure no rotation is running when there is no transaction to wait for.
   */
  private void holdAgainstRotation() {
    ReentrantReadWriteLock.ReadLock read = rotation.readLock();
    try {
      if (!read.tryLock(ROTATION_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "a signing key rotation did not finish within " + ROTATION_WAIT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a signing key rotation ran", e);
    }
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              read.unlock();
            }
          });
    } else {
      read.unlock();
    }
  }

  private byte[] previousHash(
      Connection connection, Map<String, Link> lastInBatch, String streamId, long sequence)
      throws SQLException {
    // The preceding entry may be one appended just now in this batch, one this node saw commit,
    // or else one read from the table.
    Link link = lastInBatch.get(streamId);
    if (link == null) {
      synchronized (committed) {
        link = committed.get(streamId);
      }
    }
    if (link != null && link.sequence() == sequence - 1) {
      return link.hash();
    }
    return storedHash(connection, streamId, sequence - 1);
  }

  private static byte[] storedHash(Connection connection, String streamId, long sequence)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT entry_hash FROM chain_entry WHERE stream_id = ? AND sequence_number = ?")) {
      query.setString(1, streamId);
      query.setLong(2, sequence);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException(
              "the chain of " + streamId + " has no entry " + sequence + " to link to");
        }
        return row.getBytes(1);
      }
    }
  }

  /** The event's type as the spec names it: the payload's simple class name. */
  static String eventType(EventMessage<?> event) {
    String name = event.getPayloadType().getName();
    return name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('$')) + 1);
  }

  /** Microseconds since the epoch; the envelope's fixed precision. */
  static long micros(Instant timestamp) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, timestamp);
  }

  private static String metadata(EventMessage<?> event, String key) {
    Object value = event.getMetaData().get(key);
    return value == null ? "" : value.toString();
  }
}
