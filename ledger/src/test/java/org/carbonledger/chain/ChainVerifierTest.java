package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifying sound streams and entries, key rotation and leaf data. */
class ChainVerifierTest {

  private static final String STREAM = "batch:P-B1";

  @Test
  void aSoundStreamHasNoFailures() {
    Ed25519Signer signer = ChainFixtures.testSigner();
    List<ChainVerifier.LoggedEntry> stream = ChainFixtures.stream(STREAM, 10, 0, signer);
    assertThat(
            ChainVerifier.verifyStream(
                ChainFixtures.ORIGIN, STREAM, stream, ChainFixtures.ringOf(signer)))
        .isEmpty();
  }

  @Test
  void anEmptyStreamHasNoFailures() {
    assertThat(
            ChainVerifier.verifyStream(
                ChainFixtures.ORIGIN,
                STREAM,
                List.of(),
                ChainFixtures.ringOf(ChainFixtures.testSigner())))
        .isEmpty();
  }

  @Test
  void aRotatedKeyIsAcceptedWithinItsRange() {
    Ed25519Signer oldKey = new Ed25519Signer(ChainFixtures.ORIGIN, ChainFixtures.seed(100));
    Ed25519Signer newKey = new Ed25519Signer(ChainFixtures.ORIGIN, ChainFixtures.seed(200));
    KeyRing ring =
        KeyRing.of(
            new KeyRing.LedgerKey(oldKey.keyName(), oldKey.publicKey(), 0, 5),
            KeyRing.LedgerKey.openEnded(newKey.keyName(), newKey.publicKey(), 5));

    // Entries at leaves 0..4 are signed by the old key and at leaves 5..9 by the new one.
    List<ChainVerifier.LoggedEntry> stream = new ArrayList<>();
    byte[] previous = Hashing.zeroHash();
    for (int sequence = 0; sequence < 10; sequence++) {
      Entry entry = ChainFixtures.entry(STREAM, sequence, previous);
      EntrySigner signer = sequence < 5 ? oldKey : newKey;
      stream.add(new ChainVerifier.LoggedEntry(sequence, SignedEntry.sign(entry, signer)));
      previous = entry.hash();
    }

    assertThat(ChainVerifier.verifyStream(ChainFixtures.ORIGIN, STREAM, stream, ring)).isEmpty();
  }

  @Test
  void batchedSignatureChecksReportWhatSingleChecksReportEntryByEntry() {
    Ed25519Signer signer = ChainFixtures.testSigner();
    Ed25519Signer stranger = new Ed25519Signer(ChainFixtures.ORIGIN, ChainFixtures.seed(77));
    KeyRing ring = ChainFixtures.ringOf(signer);
    List<SignedEntry> entries = new ArrayList<>();
    for (ChainVerifier.LoggedEntry logged : ChainFixtures.stream(STREAM, 300, 0, signer)) {
      entries.add(logged.signed());
    }
    SignedEntry forged = entries.get(130);
    byte[] badSignature = forged.signature().clone();
    badSignature[50] ^= 4;
    entries.set(
        130, new SignedEntry(forged.entry(), forged.entryHash(), forged.keyId(), badSignature));
    entries.set(131, SignedEntry.sign(entries.get(131).entry(), stranger));
    SignedEntry last = entries.get(299);
    byte[] lastBad = last.signature().clone();
    lastBad[1] ^= 1;
    entries.set(299, new SignedEntry(last.entry(), last.entryHash(), last.keyId(), lastBad));

    List<java.util.Optional<ChainFailure>> batched =
        ChainVerifier.verifySignatures(entries, ring, new Ed25519Batch());

    assertThat(batched).hasSize(300);
    for (int i = 0; i < entries.size(); i++) {
      assertThat(batched.get(i))
          .as("entry %d", i)
          .isEqualTo(ChainVerifier.verifySignature(entries.get(i), ring));
    }
    assertThat(batched.get(130))
        .contains(new ChainFailure.BadSignature(STREAM, 130, signer.keyId()));
    assertThat(batched.get(131))
        .contains(new ChainFailure.UnknownKey(STREAM, 131, stranger.keyId()));
    assertThat(batched.get(299)).isPresent();
    assertThat(batched.stream().filter(java.util.Optional::isPresent)).hasSize(3);
  }

  @Test
  void verifyEntryChecksOneEntryAgainstItsPredecessorsHash() {
    Ed25519Signer signer = ChainFixtures.testSigner();
    List<ChainVerifier.LoggedEntry> stream = ChainFixtures.stream(STREAM, 3, 40, signer);
    byte[] hashOfSecond = stream.get(1).signed().entryHash();
    KeyRing ring = ChainFixtures.ringOf(signer);

    assertThat(ChainVerifier.verifyEntry(stream.get(2), hashOfSecond, ring)).isEmpty();
    assertThat(ChainVerifier.verifyEntry(stream.get(2), Hashing.zeroHash(), ring))
        .contains(
            new ChainFailure.BrokenLink(
                STREAM, 2, Hashing.hex(Hashing.zeroHash()), Hashing.hex(hashOfSecond)));
  }

  @Test
  void theFirstEntryMustLinkToZeros() {
    Ed25519Signer signer = ChainFixtures.testSigner();
    byte[] notZero = Hashing.sha256(new byte[] {7});
    Entry first = ChainFixtures.entry(STREAM, 0, notZero);
    List<ChainVerifier.LoggedEntry> stream =
        List.of(new ChainVerifier.LoggedEntry(0, SignedEntry.sign(first, signer)));

    assertThat(
            ChainVerifier.verifyStream(
                ChainFixtures.ORIGIN, STREAM, stream, ChainFixtures.ringOf(signer)))
        .containsExactly(
            new ChainFailure.BrokenLink(
                STREAM, 0, Hashing.hex(Hashing.zeroHash()), Hashing.hex(notZero)));
  }

  @Test
  void entriesOfAnotherStreamOrLedgerAreReportedAndSkipped() {
    Ed25519Signer signer = ChainFixtures.testSigner();
    List<ChainVerifier.LoggedEntry> stream =
        new ArrayList<>(ChainFixtures.stream(STREAM, 3, 0, signer));
    stream.add(1, ChainFixtures.stream("batch:P-B2", 1, 9, signer).get(0));

    assertThat(
            ChainVerifier.verifyStream(
                ChainFixtures.ORIGIN, STREAM, stream, ChainFixtures.ringOf(signer)))
        .containsExactly(
            new ChainFailure.ForeignEntry(STREAM, 0, "stream id", STREAM, "batch:P-B2"));
    assertThat(
            ChainVerifier.verifyStream(
                "shanghai.example/v1",
                STREAM,
                ChainFixtures.stream(STREAM, 1, 0, signer),
                ChainFixtures.ringOf(signer)))
        .containsExactly(
            new ChainFailure.ForeignEntry(
                STREAM, 0, "origin", "shanghai.example/v1", ChainFixtures.ORIGIN));
  }

  @Test
  void leafDataRoundTripsAndReportsOffsetsWithinTheLeaf() {
    SignedEntry signed = SignedEntry.sign(ChainFixtures.specEntry1(), ChainFixtures.testSigner());
    assertThat(SignedEntry.fromLeafData(signed.leafData())).isEqualTo(signed);

    byte[] leaf = signed.leafData();
    int entryAt = SignedEntry.LEAF_PREFIX.length + 5;
    leaf[entryAt] ^= 1; // The first byte of the entry's prefix.
    try {
      SignedEntry.fromLeafData(leaf);
    } catch (ChainException e) {
      assertThat(e.failure())
          .isEqualTo(
              new ChainFailure.MalformedEntry(entryAt, "does not start with the entry prefix"));
      return;
    }
    throw new AssertionError("altered leaf data was accepted");
  }

  @Test
  void signatureMessagesCannotBeNoteText() {
    byte[] message = SignedEntry.signatureMessage(Hashing.zeroHash());
    assertThat(message).startsWith("carbon-ledger/entry-signature/v1".getBytes());
    assertThat(message[32]).isZero();
    assertThat(message).hasSize(65);
  }
}
