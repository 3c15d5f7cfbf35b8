package org.carbonledger.chain;

import java.util.Arrays;
import java.util.Objects;

/**
 * The envelope of one ledger event as it is hashed, chained and signed (spec section 3.1).
 *
 * <p>An entry is immutable: the byte arrays are copied in and out. Two entries are equal when all
 * their fields are equal, which is the case exactly when their canonical encodings are equal.
 *
 * @param origin the ledger that wrote the entry, for example {@code
 *     "wuhan.carbon-ledger.example/v1"}; non-empty
 * @param aggregateType the aggregate's type, for example {@code "Batch"}; non-empty
 * @param streamId the aggregate's stream, for example {@code "batch:P-B1"}; non-empty
 * @param sequence the entry's position in its stream, gapless from 0; not negative
 * @param eventType the event's type, for example {@code "BatchIssued"}; non-empty
 * @param payload the exact JSON bytes the event store holds; may be empty, never re-serialized
 * @param timestampMicros when the event was recorded, microseconds since 1970-01-01T00:00:00Z
 * @param actor who caused the event; may be empty
 * @param idempotencyKey the client's idempotency key; may be empty
 * @param previousHash the entry hash of the preceding entry of the same stream, or 32 zero bytes
 *     for sequence 0; exactly 32 bytes
 */
public record Entry(
    String origin,
    String aggregateType,
    String streamId,
    long sequence,
    String eventType,
    byte[] payload,
    long timestampMicros,
    String actor,
    String idempotencyKey,
    byte[] previousHash) {

  /**
   * Checks the preconditions listed on the record and copies the arrays.
   *
   * @throws NullPointerException if any field is null
   * @throws IllegalArgumentException if a required string is empty, a string is not well-formed
   *     UTF-16 (an unpaired surrogate cannot be encoded as UTF-8), the sequence is negative or the
   *     previous hash is not 32 bytes
   */
  public Entry {
    requireText(origin, "origin", false);
    requireText(aggregateType, "aggregateType", false);
    requireText(streamId, "streamId", false);
    requireText(eventType, "eventType", false);
    requireText(actor, "actor", true);
    requireText(idempotencyKey, "idempotencyKey", true);
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative: " + sequence);
    }
    payload = Objects.requireNonNull(payload, "payload").clone();
    Objects.requireNonNull(previousHash, "previousHash");
    if (previousHash.length != Hashing.HASH_BYTES) {
      throw new IllegalArgumentException(
          "previousHash must be 32 bytes, was " + previousHash.length);
    }
    previousHash = previousHash.clone();
  }

  /**
   * The payload bytes.
   *
   * @return a copy, safe to modify
   */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * The previous entry's hash.
   *
   * @return a copy of the 32 bytes, safe to modify
   */
  @Override
  public byte[] previousHash() {
    return previousHash.clone();
  }

  /**
   * The canonical encoding of this entry (spec section 3.2).
   *
   * @return a new array
   */
  public byte[] canonicalBytes() {
    return EntryCodec.encode(this);
  }

  /**
   * The entry hash: SHA-256 over the canonical encoding (spec section 3.3). Because the encoding
   * contains the previous entry's hash, this hash commits to the whole stream up to this entry.
   *
   * @return a new 32-byte array
   */
  public byte[] hash() {
    return Hashing.sha256(canonicalBytes());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Entry that
        && sequence == that.sequence
        && timestampMicros == that.timestampMicros
        && origin.equals(that.origin)
        && aggregateType.equals(that.aggregateType)
        && streamId.equals(that.streamId)
        && eventType.equals(that.eventType)
        && Arrays.equals(payload, that.payload)
        && actor.equals(that.actor)
        && idempotencyKey.equals(that.idempotencyKey)
        && Arrays.equals(previousHash, that.previousHash);
  }

  @Override
  public int hashCode() {
    int result =
        Objects.hash(
            origin,
            aggregateType,
            streamId,
            sequence,
            eventType,
            timestampMicros,
            actor,
            idempotencyKey);
    result = 31 * result + Arrays.hashCode(payload);
    return 31 * result + Arrays.hashCode(previousHash);
  }

  @Override
  public String toString() {
    // The payload can be large; its length and the link are what a reader of a log line needs.
    return "Entry["
        + streamId
        + " #"
        + sequence
        + " "
        + eventType
        + ", origin="
        + origin
        + ", aggregateType="
        + aggregateType
        + ", payload="
        + payload.length
        + " bytes, timestampMicros="
        + timestampMicros
        + ", actor="
        + actor
        + ", idempotencyKey="
        + idempotencyKey
        + ", previousHash="
        + Hashing.hex(previousHash)
        + "]";
  }

  private static void requireText(String value, String name, boolean mayBeEmpty) {
    Objects.requireNonNull(value, name);
    if (!mayBeEmpty && value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    // UTF-8 cannot represent an unpaired surrogate, which a Java string can hold: letting one
    // through would make the encoding lossy, so it is refused as a strict encoder would.
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(name + " is not well-formed Unicode");
      }
    }
  }
}
