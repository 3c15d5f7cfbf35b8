package org.carbonledger.chain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies entries and streams of entries: their hashes, links, sequence numbers and signatures
 * (spec section 3.6). Pure functions; nothing is read from or written to anywhere.
 */
public final class ChainVerifier {

  private ChainVerifier() {}

  /**
   * A signed entry together with its position in the Merkle log, which decides which keys may have
   * signed it.
   *
   * @param leafIndex the entry's leaf index in the log; not negative
   * @param signed the signed entry, not null
   */
  public record LoggedEntry(long leafIndex, SignedEntry signed) {
    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if the leaf index is negative
     */
    public LoggedEntry {
      if (leafIndex < 0) {
        throw new IllegalArgumentException("leafIndex must not be negative: " + leafIndex);
      }
      Objects.requireNonNull(signed, "signed");
    }
  }

  /**
   * Verifies one entry on its own: that its stored hash is the hash of its canonical bytes, that it
   * links to the given previous hash, and that it is signed by a key of the ring that was valid at
   * its leaf index. The checks run in that order and the first that fails is reported.
   *
   * @param logged the entry and its leaf index, not null
   * @param expectedPreviousHash the hash of the stream's preceding entry, or 32 zero bytes if the
   *     entry should be the first of its stream
   * @param keyRing the trusted keys, not null
   * @return the failure, or empty if the entry verifies
   */
  public static Optional<ChainFailure> verifyEntry(
      LoggedEntry logged, byte[] expectedPreviousHash, KeyRing keyRing) {
    return verifyEntry(logged, logged.signed().entry().hash(), expectedPreviousHash, keyRing, true);
  }

  /**
   * @param recomputed the hash of the entry's canonical bytes, computed once by the caller, who
   *     also needs it as the next entry's expected link
   */
  private static Optional<ChainFailure> verifyEntry(
      LoggedEntry logged,
      byte[] recomputed,
      byte[] expectedPreviousHash,
      KeyRing keyRing,
      boolean signature) {
    Objects.requireNonNull(expectedPreviousHash, "expectedPreviousHash");
    Objects.requireNonNull(keyRing, "keyRing");
    SignedEntry signed = logged.signed();
    Entry entry = signed.entry();
    String streamId = entry.streamId();
    long sequence = entry.sequence();

    byte[] stored = signed.entryHash();
    if (!Arrays.equals(stored, recomputed)) {
      return Optional.of(
          new ChainFailure.HashMismatch(
              streamId, sequence, Hashing.hex(stored), Hashing.hex(recomputed)));
    }
    byte[] previous = entry.previousHash();
    if (!Arrays.equals(previous, expectedPreviousHash)) {
      return Optional.of(
          new ChainFailure.BrokenLink(
              streamId, sequence, Hashing.hex(expectedPreviousHash), Hashing.hex(previous)));
    }
    String keyId = signed.keyId();
    Optional<KeyRing.LedgerKey> key = keyRing.find(keyId);
    if (key.isEmpty()) {
      return Optional.of(new ChainFailure.UnknownKey(streamId, sequence, keyId));
    }
    if (!key.get().validAt(logged.leafIndex())) {
      return Optional.of(
          new ChainFailure.KeyOutsideValidity(
              streamId,
              sequence,
              keyId,
              logged.leafIndex(),
              key.get().validFrom(),
              key.get().validUntil()));
    }
    if (!signature) {
      return Optional.empty();
    }
    byte[] message = SignedEntry.signatureMessage(recomputed);
    if (!Ed25519Primitives.verify(key.get().publicKey(), message, signed.signature())) {
      return Optional.of(new ChainFailure.BadSignature(streamId, sequence, keyId));
    }
    return Optional.empty();
  }

  /**
   * Steps 1 to 4 of {@link #verifyEntry}: hash, link, key and validity, without the signature. When
   * this finds nothing, {@link #verifySignature} finishes the check.
   */
  public static Optional<ChainFailure> verifyEntryWithoutSignature(
      LoggedEntry logged, byte[] expectedPreviousHash, KeyRing keyRing) {
    return verifyEntry(
        logged, logged.signed().entry().hash(), expectedPreviousHash, keyRing, false);
  }

  /**
   * Step 5 of {@link #verifyEntry} alone: the signature over the entry's stored hash, which the
   * caller has already found equal to its recomputed hash, by the ring's key of its key id.
   *
   * @return {@link ChainFailure.BadSignature} or {@link ChainFailure.UnknownKey}, or empty
   */
  public static Optional<ChainFailure> verifySignature(SignedEntry signed, KeyRing keyRing) {
    Entry entry = signed.entry();
    Optional<KeyRing.LedgerKey> key = keyRing.find(signed.keyId());
    if (key.isEmpty()) {
      return Optional.of(
          new ChainFailure.UnknownKey(entry.streamId(), entry.sequence(), signed.keyId()));
    }
    byte[] message = SignedEntry.signatureMessage(signed.entryHash());
    if (!Ed25519Primitives.verify(key.get().publicKey(), message, signed.signature())) {
      return Optional.of(
          new ChainFailure.BadSignature(entry.streamId(), entry.sequence(), signed.keyId()));
    }
    return Optional.empty();
  }

  /**
   * {@link #verifySignature} for many entries at once, with batch verification ({@link
   * Ed25519Batch}): several times faster, and the same failure for each entry. The entries must
   * have passed {@link #verifyEntryWithoutSignature}, which checks that the hash they sign is
   * theirs.
   *
   * @param entries the entries, not null
   * @param keyRing the trusted keys, not null
   * @param batch a batch to work in, not null; it is emptied before it is used and left empty
   * @return for each entry in order, its {@link ChainFailure.BadSignature} or {@link
   *     ChainFailure.UnknownKey}, or empty
   */
  public static List<Optional<ChainFailure>> verifySignatures(
      List<SignedEntry> entries, KeyRing keyRing, Ed25519Batch batch) {
    Objects.requireNonNull(keyRing, "keyRing");
    batch.clear();
    List<Optional<ChainFailure>> results = new ArrayList<>(entries.size());
    int[] inBatch = new int[entries.size()];
    int batched = 0;
    for (int i = 0; i < entries.size(); i++) {
      SignedEntry signed = entries.get(i);
      Optional<KeyRing.LedgerKey> key = keyRing.find(signed.keyId());
      if (key.isEmpty()) {
        results.add(
            Optional.of(
                new ChainFailure.UnknownKey(
                    signed.entry().streamId(), signed.entry().sequence(), signed.keyId())));
        continue;
      }
      results.add(Optional.empty());
      batch.add(
          key.get().publicKey(),
          SignedEntry.signatureMessage(signed.entryHash()),
          signed.signature());
      inBatch[batched++] = i;
      if (batch.isFull()) {
        reportBadSignatures(batch, entries, inBatch, batched - batch.size(), results);
      }
    }
    reportBadSignatures(batch, entries, inBatch, batched - batch.size(), results);
    return results;
  }

  /**
   * Verifies the batch, whose signatures are those of entries[inBatch[from...]], and empties it.
   */
  private static void reportBadSignatures(
      Ed25519Batch batch,
      List<SignedEntry> entries,
      int[] inBatch,
      int from,
      List<Optional<ChainFailure>> results) {
    if (batch.size() == 0) {
      return;
    }
    boolean[] valid = batch.verifyEach();
    for (int j = 0; j < valid.length; j++) {
      if (!valid[j]) {
        int at = inBatch[from + j];
        SignedEntry signed = entries.get(at);
        results.set(
            at,
            Optional.of(
                new ChainFailure.BadSignature(
                    signed.entry().streamId(), signed.entry().sequence(), signed.keyId())));
      }
    }
    batch.clear();
  }

  /**
   * Verifies a whole stream, in the order the entries are given (which should be the order they
   * were stored in; they are not sorted). Every entry must belong to the ledger and stream named,
   * have the aggregate type of the first entry, carry the next sequence number starting at 0, and
   * pass {@link #verifyEntry}.
   *
   * <p>All failures are reported: at most one per entry, except that an entry out of sequence is
   * reported as a {@link ChainFailure.SequenceGap} and, if its own hash, key or signature is also
   * wrong, as that too. After a failing entry, verification continues from that entry as it is (its
   * recomputed hash and its sequence number), so a single altered entry is reported where it is
   * and, if its hash changed, once more as a broken link at the next entry, rather than at every
   * entry after it. An entry whose sequence number is lower than expected (repeated, or moved
   * later) is reported and then skipped, so verification goes on expecting the entry that should
   * come next. An entry of another stream or ledger is reported and then skipped. A stream cut
   * short at its end cannot be seen here; the Merkle log's consistency proofs catch that.
   *
   * @param origin the ledger origin every entry must carry, not null
   * @param streamId the stream every entry must belong to, not null
   * @param entries the stream's entries with their leaf indexes, not null
   * @param keyRing the trusted keys, not null
   * @return the failures in stream order; empty if the stream verifies
   */
  public static List<ChainFailure> verifyStream(
      String origin, String streamId, List<LoggedEntry> entries, KeyRing keyRing) {
    StreamVerifier stream = new StreamVerifier(origin, streamId, keyRing, true);
    List<ChainFailure> failures = new ArrayList<>();
    for (LoggedEntry logged : entries) {
      failures.addAll(stream.next(logged));
    }
    return List.copyOf(failures);
  }

  /**
   * Verifies one stream an entry at a time, with the rules of {@link #verifyStream}, holding only
   * the expected sequence number and previous hash: a verifier can stream a ledger of any size
   * through it. Not thread-safe; one instance per stream.
   */
  public static final class StreamVerifier {
    private final String origin;
    private final String streamId;
    private final KeyRing keyRing;
    private final boolean checkSignatures;
    private long expectedSequence;
    private byte[] expectedPrevious = Hashing.zeroHash();
    private String aggregateType;

    /**
     * @param origin the ledger origin every entry must carry, not null
     * @param streamId the stream every entry must belong to, not null
     * @param keyRing the trusted keys, not null
     * @param checkSignatures false to skip the Ed25519 check (step 5 of {@link #verifyEntry}), for
     *     a caller that verifies signatures itself, for instance in parallel
     */
    public StreamVerifier(
        String origin, String streamId, KeyRing keyRing, boolean checkSignatures) {
      this.origin = Objects.requireNonNull(origin, "origin");
      this.streamId = Objects.requireNonNull(streamId, "streamId");
      this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
      this.checkSignatures = checkSignatures;
    }

    /**
     * Verifies the stream's next entry in storage order.
     *
     * @param logged the entry and its leaf index, not null
     * @return the entry's failures; empty if it verifies
     */
    public List<ChainFailure> next(LoggedEntry logged) {
      Entry entry = logged.signed().entry();
      long sequence = entry.sequence();
      Optional<ChainFailure> foreign = foreign(origin, streamId, aggregateType, entry);
      if (foreign.isPresent()) {
        return List.of(foreign.get());
      }
      if (aggregateType == null) {
        aggregateType = entry.aggregateType();
      }
      List<ChainFailure> failures = new ArrayList<>(1);
      // Encoded and hashed once: the hash is both checked here and the next entry's link.
      byte[] hash = entry.hash();
      if (sequence != expectedSequence) {
        failures.add(new ChainFailure.SequenceGap(streamId, expectedSequence, sequence));
        // The link cannot hold across a gap, but the entry's own hash, key and signature can
        // still be checked, so that a gap does not hide an altered entry.
        verifyEntry(logged, hash, entry.previousHash(), keyRing, checkSignatures)
            .ifPresent(failures::add);
        if (sequence < expectedSequence) {
          // A repeated or earlier entry: keep expecting the next one, so that a duplicate or two
          // swapped entries are reported where they are and not again at every later entry.
          return failures;
        }
      } else {
        verifyEntry(logged, hash, expectedPrevious, keyRing, checkSignatures)
            .ifPresent(failures::add);
      }
      expectedSequence = sequence + 1;
      expectedPrevious = hash;
      return failures;
    }
  }

  private static Optional<ChainFailure> foreign(
      String origin, String streamId, String aggregateType, Entry entry) {
    if (!entry.streamId().equals(streamId)) {
      return Optional.of(
          new ChainFailure.ForeignEntry(
              streamId, entry.sequence(), "stream id", streamId, entry.streamId()));
    }
    if (!entry.origin().equals(origin)) {
      return Optional.of(
          new ChainFailure.ForeignEntry(
              streamId, entry.sequence(), "origin", origin, entry.origin()));
    }
    if (aggregateType != null && !entry.aggregateType().equals(aggregateType)) {
      return Optional.of(
          new ChainFailure.ForeignEntry(
              streamId, entry.sequence(), "aggregate type", aggregateType, entry.aggregateType()));
    }
    return Optional.empty();
  }
}
