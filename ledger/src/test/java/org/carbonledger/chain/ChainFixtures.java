package org.carbonledger.chain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Keys, entries and streams shared by the chain tests. */
public final class ChainFixtures {

  /** The ledger origin, which is also the name of the ledger key. */
  public static final String ORIGIN = "wuhan.carbon-ledger.example/v1";

  /** The spec's test key seed: bytes 0x00, 0x01, ..., 0x1f. */
  public static final byte[] TEST_SEED = seed(0);

  private ChainFixtures() {}

  /** A seed of 32 consecutive bytes starting at a value. */
  public static byte[] seed(int first) {
    byte[] seed = new byte[32];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = (byte) (first + i);
    }
    return seed;
  }

  /** The spec's test signer. */
  public static Ed25519Signer testSigner() {
    return new Ed25519Signer(ORIGIN, TEST_SEED);
  }

  /** A key ring trusting one signer for every leaf. */
  public static KeyRing ringOf(Ed25519Signer signer) {
    return KeyRing.of(KeyRing.LedgerKey.openEnded(signer.keyName(), signer.publicKey(), 0));
  }

  /** An entry of a batch stream with a payload naming its sequence number. */
  public static Entry entry(String streamId, long sequence, byte[] previousHash) {
    String payload = "{\"batchId\":\"P-B1\",\"step\":" + sequence + "}";
    return new Entry(
        ORIGIN,
        "Batch",
        streamId,
        sequence,
        sequence == 0 ? "BatchIssued" : "CreditsTransferred",
        payload.getBytes(StandardCharsets.UTF_8),
        1_767_225_600_000_000L + sequence * 1_000_000L,
        "operator:alice",
        "req-" + sequence,
        previousHash);
  }

  /**
   * A correctly linked and signed stream of entries 0..count-1, at leaf indexes firstLeaf,
   * firstLeaf + 1, ...
   */
  public static List<ChainVerifier.LoggedEntry> stream(
      String streamId, int count, long firstLeaf, EntrySigner signer) {
    List<ChainVerifier.LoggedEntry> entries = new ArrayList<>();
    byte[] previous = Hashing.zeroHash();
    for (int sequence = 0; sequence < count; sequence++) {
      Entry entry = entry(streamId, sequence, previous);
      entries.add(
          new ChainVerifier.LoggedEntry(firstLeaf + sequence, SignedEntry.sign(entry, signer)));
      previous = entry.hash();
    }
    return entries;
  }

  /** The first entry of the spec's test vectors (section 3.10). */
  public static Entry specEntry0() {
    return new Entry(
        ORIGIN,
        "Batch",
        "batch:P-B1",
        0,
        "BatchIssued",
        "{\"batchId\":\"P-B1\",\"projectId\":\"WH-CYCLING\",\"quantity\":100}"
            .getBytes(StandardCharsets.UTF_8),
        1_767_225_600_000_000L,
        "operator:alice",
        "issue-P-B1",
        Hashing.zeroHash());
  }

  /** The second entry of the spec's test vectors, linked to the first. */
  public static Entry specEntry1() {
    return new Entry(
        ORIGIN,
        "Batch",
        "batch:P-B1",
        1,
        "CreditsRetired",
        "{\"batchId\":\"P-B1\",\"quantity\":30,\"beneficiary\":\"\u6b66\u6c49\u9a6c\u62c9\u677e 2026\"}"
            .getBytes(StandardCharsets.UTF_8),
        1_767_229_200_123_456L,
        "",
        "retire-\u6b66\u6c49-0001",
        specEntry0().hash());
  }

  /** The third entry of the spec's test vectors, the first of another stream. */
  public static Entry specEntry2() {
    return new Entry(
        ORIGIN,
        "Account",
        "account:ACC-1",
        0,
        "AccountOpened",
        "{\"accountId\":\"ACC-1\"}".getBytes(StandardCharsets.UTF_8),
        1_767_232_800_000_000L,
        "operator:alice",
        "",
        Hashing.zeroHash());
  }
}
