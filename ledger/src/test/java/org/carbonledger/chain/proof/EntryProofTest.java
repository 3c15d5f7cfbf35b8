package org.carbonledger.chain.proof;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.ChainFixtures;
import org.carbonledger.chain.ChainVerifier.LoggedEntry;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.Entry;
import org.carbonledger.chain.KeyRing;
import org.carbonledger.chain.SignedEntry;
import org.carbonledger.chain.merkle.InMemoryNodeStore;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteSigner;
import org.carbonledger.chain.note.NoteVerifierKey;
import org.junit.jupiter.api.Test;

class EntryProofTest {

  private static final Ed25519Signer ENTRY_KEY = ChainFixtures.testSigner();
  private static final Ed25519Signer LOG_KEY =
      Ed25519Signer.generate(ChainFixtures.ORIGIN, new SecureRandom());
  private static final List<NoteVerifierKey> LOG_KEYS =
      List.of(new NoteVerifierKey(LOG_KEY.keyName(), LOG_KEY.publicKey()));

  private final List<LoggedEntry> entries = ChainFixtures.stream("batch:P-B1", 7, 0, ENTRY_KEY);
  private final InMemoryNodeStore log = new InMemoryNodeStore();

  EntryProofTest() {
    entries.forEach(logged -> log.appendLeafData(logged.signed().leafData()));
  }

  @Test
  void anEntryWithItsInclusionProofAndASignedCheckpointVerifiesOffline() {
    assertThat(
            proofOf(4, 7).verify(ChainFixtures.ORIGIN, ChainFixtures.ringOf(ENTRY_KEY), LOG_KEYS))
        .isEmpty();
  }

  @Test
  void anEntryAlteredAfterSigningFailsOnItsHash() {
    EntryProof honest = proofOf(4, 7);
    Entry original = honest.signed().entry();
    Entry altered =
        new Entry(
            original.origin(),
            original.aggregateType(),
            original.streamId(),
            original.sequence(),
            original.eventType(),
            "{\"beneficiary\":\"someone else\"}".getBytes(),
            original.timestampMicros(),
            original.actor(),
            original.idempotencyKey(),
            original.previousHash());
    EntryProof forged =
        new EntryProof(
            new SignedEntry(
                altered,
                honest.signed().entryHash(),
                honest.signed().keyId(),
                honest.signed().signature()),
            4,
            honest.inclusionProof(),
            honest.checkpointNote());

    assertThat(forged.verify(ChainFixtures.ORIGIN, ChainFixtures.ringOf(ENTRY_KEY), LOG_KEYS))
        .first()
        .isInstanceOf(ChainFailure.HashMismatch.class);
  }

  @Test
  void aProofForAnotherLeafFailsTheInclusionCheck() {
    EntryProof honest = proofOf(4, 7);
    EntryProof moved =
        new EntryProof(honest.signed(), 3, honest.inclusionProof(), honest.checkpointNote());

    assertThat(moved.verify(ChainFixtures.ORIGIN, ChainFixtures.ringOf(ENTRY_KEY), LOG_KEYS))
        .singleElement()
        .isInstanceOf(ChainFailure.InclusionProofFailed.class);
  }

  @Test
  void aCheckpointSignedByAnUntrustedKeyFails() {
    EntryProof honest = proofOf(4, 7);
    Ed25519Signer other = Ed25519Signer.generate(ChainFixtures.ORIGIN, new SecureRandom());
    String note =
        Checkpoint.of(ChainFixtures.ORIGIN, 7, MerkleProofs.root(log, 7))
            .sign(List.of(NoteSigner.of(other)))
            .encode();
    EntryProof untrusted = new EntryProof(honest.signed(), 4, honest.inclusionProof(), note);

    assertThat(untrusted.verify(ChainFixtures.ORIGIN, ChainFixtures.ringOf(ENTRY_KEY), LOG_KEYS))
        .singleElement()
        .isInstanceOf(ChainFailure.NoteUnknownKey.class);
  }

  @Test
  void anEntryKeyUsedOutsideItsRangeFails() {
    KeyRing retiredBeforeLeaf4 =
        KeyRing.of(new KeyRing.LedgerKey(ENTRY_KEY.keyName(), ENTRY_KEY.publicKey(), 0, 4));

    assertThat(proofOf(4, 7).verify(ChainFixtures.ORIGIN, retiredBeforeLeaf4, LOG_KEYS))
        .singleElement()
        .isInstanceOf(ChainFailure.KeyOutsideValidity.class);
  }

  private EntryProof proofOf(int leafIndex, long treeSize) {
    String note =
        Checkpoint.of(ChainFixtures.ORIGIN, treeSize, MerkleProofs.root(log, treeSize))
            .sign(List.of(NoteSigner.of(LOG_KEY)))
            .encode();
    return new EntryProof(
        entries.get(leafIndex).signed(),
        leafIndex,
        new ArrayList<>(MerkleProofs.inclusionProof(log, leafIndex, treeSize)),
        note);
  }
}
