package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.carbonledger.chain.merkle.InMemoryNodeStore;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.merkle.MerkleVerifier;
import org.carbonledger.chain.merkle.Rfc6962;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteSigner;
import org.carbonledger.chain.note.NoteVerifierKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tampering with a stored stream or log is found, and reported at the exact stream and sequence
 * number, leaf index or tree sizes where it happened.
 */
class TamperTest {

  private static final String STREAM = "batch:P-B1";

  private final Ed25519Signer signer = ChainFixtures.testSigner();
  private final KeyRing ring = ChainFixtures.ringOf(signer);
  private List<ChainVerifier.LoggedEntry> stream;

  @BeforeEach
  void storeAStreamOfSixEntries() {
    stream = new ArrayList<>(ChainFixtures.stream(STREAM, 6, 100, signer));
  }

  private List<ChainFailure> verify() {
    return ChainVerifier.verifyStream(ChainFixtures.ORIGIN, STREAM, stream, ring);
  }

  private String hashOf(int position) {
    return Hashing.hex(stream.get(position).signed().entry().hash());
  }

  /** Replaces the entry at a position, keeping its stored hash, key id and signature. */
  private void alterEntry(int position, Entry altered) {
    ChainVerifier.LoggedEntry logged = stream.get(position);
    SignedEntry signed = logged.signed();
    stream.set(
        position,
        new ChainVerifier.LoggedEntry(
            logged.leafIndex(),
            new SignedEntry(altered, signed.entryHash(), signed.keyId(), signed.signature())));
  }

  private static Entry withPayload(Entry entry, byte[] payload) {
    return new Entry(
        entry.origin(),
        entry.aggregateType(),
        entry.streamId(),
        entry.sequence(),
        entry.eventType(),
        payload,
        entry.timestampMicros(),
        entry.actor(),
        entry.idempotencyKey(),
        entry.previousHash());
  }

  @Test
  void aFlippedPayloadByteIsAHashMismatchAtThatSequence() {
    Entry original = stream.get(3).signed().entry();
    String storedHash = Hashing.hex(original.hash());
    byte[] payload = original.payload();
    payload[5] ^= 0x01;
    alterEntry(3, withPayload(original, payload));

    assertThat(verify())
        .containsExactly(
            new ChainFailure.HashMismatch(STREAM, 3, storedHash, hashOf(3)),
            new ChainFailure.BrokenLink(STREAM, 4, hashOf(3), storedHash));
  }

  @Test
  void aFlippedPayloadByteWithARecomputedHashIsABadSignatureAtThatSequence() {
    Entry original = stream.get(3).signed().entry();
    String originalHash = Hashing.hex(original.hash());
    byte[] payload = original.payload();
    payload[5] ^= 0x01;
    Entry altered = withPayload(original, payload);
    SignedEntry signed = stream.get(3).signed();
    // Whoever altered the row also fixed the stored hash, but cannot sign without the key.
    stream.set(
        3,
        new ChainVerifier.LoggedEntry(
            103, new SignedEntry(altered, altered.hash(), signed.keyId(), signed.signature())));

    assertThat(verify())
        .containsExactly(
            new ChainFailure.BadSignature(STREAM, 3, signer.keyId()),
            new ChainFailure.BrokenLink(STREAM, 4, hashOf(3), originalHash));
  }

  @Test
  void aRemovedEntryIsASequenceGap() {
    stream.remove(2);

    assertThat(verify()).containsExactly(new ChainFailure.SequenceGap(STREAM, 2, 3));
  }

  @Test
  void aRemovedEntryPaperedOverWithoutTheKeyIsABadSignature() {
    // Entry 2 is removed and entry 3 renumbered and relinked to entry 1 to hide the gap.
    Entry third = stream.get(3).signed().entry();
    Entry relinked =
        new Entry(
            third.origin(),
            third.aggregateType(),
            third.streamId(),
            2,
            third.eventType(),
            third.payload(),
            third.timestampMicros(),
            third.actor(),
            third.idempotencyKey(),
            stream.get(1).signed().entry().hash());
    SignedEntry signed = stream.get(3).signed();
    stream.set(
        3,
        new ChainVerifier.LoggedEntry(
            103, new SignedEntry(relinked, relinked.hash(), signed.keyId(), signed.signature())));
    stream.remove(2);

    assertThat(verify())
        .containsExactly(
            new ChainFailure.BadSignature(STREAM, 2, signer.keyId()),
            new ChainFailure.SequenceGap(STREAM, 3, 4));
  }

  @Test
  void swappedEntriesAreSequenceGapsAtBothPlaces() {
    Collections.swap(stream, 2, 3);

    assertThat(verify())
        .containsExactly(
            new ChainFailure.SequenceGap(STREAM, 2, 3), new ChainFailure.SequenceGap(STREAM, 4, 2));
  }

  @Test
  void aRepeatedEntryIsReportedOnce() {
    stream.add(3, stream.get(2));

    assertThat(verify()).containsExactly(new ChainFailure.SequenceGap(STREAM, 3, 2));
  }

  @Test
  void swappedPayloadsAreHashMismatchesAtBothSequences() {
    Entry second = stream.get(2).signed().entry();
    Entry third = stream.get(3).signed().entry();
    String secondHash = Hashing.hex(second.hash());
    String thirdHash = Hashing.hex(third.hash());
    alterEntry(2, withPayload(second, third.payload()));
    alterEntry(3, withPayload(third, second.payload()));

    assertThat(verify())
        .containsExactly(
            new ChainFailure.HashMismatch(STREAM, 2, secondHash, hashOf(2)),
            new ChainFailure.HashMismatch(STREAM, 3, thirdHash, hashOf(3)),
            new ChainFailure.BrokenLink(STREAM, 4, hashOf(3), thirdHash));
  }

  @Test
  void anEntryResignedWithAnUnknownKeyIsAnUnknownKey() {
    Ed25519Signer intruder = new Ed25519Signer(ChainFixtures.ORIGIN, ChainFixtures.seed(66));
    ChainVerifier.LoggedEntry logged = stream.get(4);
    stream.set(
        4,
        new ChainVerifier.LoggedEntry(
            logged.leafIndex(), SignedEntry.sign(logged.signed().entry(), intruder)));

    assertThat(verify()).containsExactly(new ChainFailure.UnknownKey(STREAM, 4, intruder.keyId()));
  }

  @Test
  void aKeyUsedOutsideItsValidityIsReportedWithTheLeafAndRange() {
    // The key was retired at leaf 104, so the entries at leaves 104 and 105 must not carry it.
    KeyRing retired =
        KeyRing.of(new KeyRing.LedgerKey(signer.keyName(), signer.publicKey(), 0, 104));

    assertThat(ChainVerifier.verifyStream(ChainFixtures.ORIGIN, STREAM, stream, retired))
        .containsExactly(
            new ChainFailure.KeyOutsideValidity(STREAM, 4, signer.keyId(), 104, 0, 104),
            new ChainFailure.KeyOutsideValidity(STREAM, 5, signer.keyId(), 105, 0, 104));

    KeyRing notYet =
        KeyRing.of(KeyRing.LedgerKey.openEnded(signer.keyName(), signer.publicKey(), 101));
    assertThat(ChainVerifier.verifyStream(ChainFixtures.ORIGIN, STREAM, stream, notYet))
        .containsExactly(
            new ChainFailure.KeyOutsideValidity(
                STREAM, 0, signer.keyId(), 100, 101, Long.MAX_VALUE));
  }

  @Test
  void aTruncatedLogFailsConsistencyWithTheLastCheckpoint() {
    InMemoryNodeStore log = new InMemoryNodeStore();
    stream.forEach(logged -> log.appendLeafData(logged.signed().leafData()));
    byte[] rootOfSix = MerkleProofs.root(log, 6);

    // The operator truncates the log to four entries and appends a different fifth.
    InMemoryNodeStore truncated = new InMemoryNodeStore();
    stream.subList(0, 4).forEach(logged -> truncated.appendLeafData(logged.signed().leafData()));
    assertThat(
            MerkleVerifier.verifyConsistency(
                6, 4, rootOfSix, MerkleProofs.root(truncated, 4), List.of()))
        .get()
        .isInstanceOfSatisfying(
            ChainFailure.ConsistencyProofFailed.class,
            failure -> {
              assertThat(failure.size1()).isEqualTo(6);
              assertThat(failure.size2()).isEqualTo(4);
              assertThat(failure.reason()).contains("truncated");
            });

    // Regrown past the old size, the rewritten log cannot prove it extends the old checkpoint.
    Entry forged = ChainFixtures.entry(STREAM, 4, stream.get(3).signed().entry().hash());
    truncated.appendLeafData(SignedEntry.sign(forged, signer).leafData());
    for (int i = 0; i < 3; i++) {
      truncated.appendLeafData(new byte[] {(byte) i});
    }
    assertThat(
            MerkleVerifier.verifyConsistency(
                6,
                8,
                rootOfSix,
                MerkleProofs.root(truncated, 8),
                MerkleProofs.consistencyProof(truncated, 6, 8)))
        .get()
        .isInstanceOfSatisfying(
            ChainFailure.ConsistencyProofFailed.class,
            failure -> {
              assertThat(failure.size1()).isEqualTo(6);
              assertThat(failure.size2()).isEqualTo(8);
              assertThat(failure.reason()).contains("older root");
            });
  }

  @Test
  void anAlteredLeafFailsInclusionUnderTheSignedCheckpoint() {
    InMemoryNodeStore log = new InMemoryNodeStore();
    stream.forEach(logged -> log.appendLeafData(logged.signed().leafData()));
    String note =
        Checkpoint.of(ChainFixtures.ORIGIN, 6, MerkleProofs.root(log, 6))
            .sign(List.of(NoteSigner.of(signer)))
            .encode();
    Checkpoint checkpoint =
        Checkpoint.open(
            note, ChainFixtures.ORIGIN, List.of(NoteVerifierKey.of(ring.keys().get(0))));

    // The retirement at leaf 3 verifies; the same entry with one payload byte changed does not.
    SignedEntry entry = stream.get(3).signed();
    List<byte[]> proof = MerkleProofs.inclusionProof(log, 3, 6);
    assertThat(
            MerkleVerifier.verifyInclusion(
                3, 6, Rfc6962.leafHash(entry.leafData()), proof, checkpoint.rootHash()))
        .isEmpty();

    byte[] payload = entry.entry().payload();
    payload[0] ^= 0x20;
    SignedEntry altered = SignedEntry.sign(withPayload(entry.entry(), payload), signer);
    assertThat(
            MerkleVerifier.verifyInclusion(
                3, 6, Rfc6962.leafHash(altered.leafData()), proof, checkpoint.rootHash()))
        .get()
        .isInstanceOfSatisfying(
            ChainFailure.InclusionProofFailed.class,
            failure -> {
              assertThat(failure.leafIndex()).isEqualTo(3);
              assertThat(failure.treeSize()).isEqualTo(6);
            });
  }

  @Test
  void aCheckpointSignedByAnUnknownKeyIsRejected() {
    Ed25519Signer intruder = new Ed25519Signer(ChainFixtures.ORIGIN, ChainFixtures.seed(66));
    String note =
        Checkpoint.of(ChainFixtures.ORIGIN, 0, Rfc6962.emptyRoot())
            .sign(List.of(NoteSigner.of(intruder)))
            .encode();
    assertThatThrownBy(
            () ->
                Checkpoint.open(
                    note, ChainFixtures.ORIGIN, List.of(NoteVerifierKey.of(ring.keys().get(0)))))
        .isInstanceOf(ChainException.class)
        .extracting(e -> ((ChainException) e).failure())
        .isEqualTo(
            new ChainFailure.NoteUnknownKey(
                List.of(ChainFixtures.ORIGIN + "+" + intruder.keyId())));
  }
}
