package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.carbonledger.chain.merkle.InMemoryNodeStore;
import org.carbonledger.chain.merkle.MerkleProofs;
import org.carbonledger.chain.merkle.MerkleVerifier;
import org.carbonledger.chain.merkle.Rfc6962;
import org.carbonledger.chain.note.Checkpoint;
import org.carbonledger.chain.note.NoteSigner;
import org.carbonledger.chain.note.NoteVerifierKey;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of docs/spec/03-chain-format.md section 3.10, asserted byte for byte. They were
 * computed once with this code, reproduced independently from the spec text with Python (hashlib
 * and pyca/cryptography), and copied into the spec; if this test fails, the format changed and the
 * spec and every verifier built from it are now wrong.
 */
class ChainSpecVectorsTest {

  private static final String PUBLIC_KEY =
      "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
  private static final String KEY_ID = "45289de0";
  private static final String VKEY =
      "wuhan.carbon-ledger.example/v1+45289de0+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
  private static final String PRIVATE_KEY_PEM =
      """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f
      -----END PRIVATE KEY-----
      """;
  private static final String PUBLIC_KEY_PEM =
      """
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAA6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=
      -----END PUBLIC KEY-----
      """;

  /** Entry 0, one line per field: tag, length, value. */
  private static final String CANONICAL_0 =
      """
      636172626f6e2d6c65646765722f656e7472792f763100
      01 0000001e 777568616e2e636172626f6e2d6c65646765722e6578616d706c652f7631
      02 00000005 4261746368
      03 0000000a 62617463683a502d4231
      04 00000008 0000000000000000
      05 0000000b 4261746368497373756564
      06 0000003a 7b2262617463684964223a22502d4231222c2270726f6a6563744964223a
                  2257482d4359434c494e47222c227175616e74697479223a3130307d
      07 00000008 0006474846204000
      08 0000000e 6f70657261746f723a616c696365
      09 0000000a 69737375652d502d4231
      0a 00000020 0000000000000000000000000000000000000000000000000000000000000000
      """;

  private static final String HASH_0 =
      "7de1ec2fb3cfdc0dc827786e6a229b8a8d915f50ef2c14312d0346dbe8c5abf5";
  private static final String SIGNATURE_0 =
      "8b71d5c5af71d0df2bfa9fb95556bf635bb66e1647be35ba06fdeae6078d1a69"
          + "757c93ffcb5cc8fb669f868443f5740096a1f2cf5bba1013c22009f2809c990c";
  private static final String LEAF_HASH_0 =
      "cca213abbf0c36a4386bbea1384680a10604187e68a01cfa3c3773b93707ca8c";

  /** Entry 1, linked to entry 0, with UTF-8 beyond ASCII and an empty actor. */
  private static final String CANONICAL_1 =
      """
      636172626f6e2d6c65646765722f656e7472792f763100
      01 0000001e 777568616e2e636172626f6e2d6c65646765722e6578616d706c652f7631
      02 00000005 4261746368
      03 0000000a 62617463683a502d4231
      04 00000008 0000000000000001
      05 0000000e 4372656469747352657469726564
      06 00000045 7b2262617463684964223a22502d4231222c227175616e74697479223a33302c
                  2262656e6566696369617279223a22e6ada6e6b189e9a9ace68b89e69dbe2032
                  303236227d
      07 00000008 000647491cb5c640
      08 00000000
      09 00000012 7265746972652de6ada6e6b1892d30303031
      0a 00000020 7de1ec2fb3cfdc0dc827786e6a229b8a8d915f50ef2c14312d0346dbe8c5abf5
      """;

  private static final String HASH_1 =
      "dbf02011a2adb017c3201d1fdc4e483ce16489093a18da2a8f0ccaa8f49e964e";
  private static final String SIGNATURE_1 =
      "b1eb39acc6d274a5ee2e18f84a0783527fd3d36dc97a2b85b2365f5050a947e9"
          + "ef2e618f9294dfe1099700eb524ac42b34001ceb9709ff2869ab15f58de3d405";
  private static final String LEAF_HASH_1 =
      "595272d982b980f50f1045d0a5eccaa5f745284c4edc17fb0c9acb16ce6b3b4f";

  /** Entry 2: the first entry of another stream. */
  private static final String CANONICAL_2 =
      """
      636172626f6e2d6c65646765722f656e7472792f763100
      01 0000001e 777568616e2e636172626f6e2d6c65646765722e6578616d706c652f7631
      02 00000007 4163636f756e74
      03 0000000d 6163636f756e743a4143432d31
      04 00000008 0000000000000000
      05 0000000d 4163636f756e744f70656e6564
      06 00000015 7b226163636f756e744964223a224143432d31227d
      07 00000008 00064749f3478800
      08 0000000e 6f70657261746f723a616c696365
      09 00000000
      0a 00000020 0000000000000000000000000000000000000000000000000000000000000000
      """;

  private static final String HASH_2 =
      "5b1a47ec44dc4ce84c970e039498cdfc562afe08b8275e452410ff883eceece5";
  private static final String SIGNATURE_2 =
      "a703034812f32948d04ac4ae1e5d7a8a78b9b5cd04857f8c36a4d805bf3e003c"
          + "5305cdda8b0278fb0cebc8ffe0f334d8808a5786f82c89772db1c63aaba97403";
  private static final String LEAF_HASH_2 =
      "df138cc5fddfcd60fee6e8faf8979de46b24cf5d816f9df2563f75c314d43146";

  private static final String ROOT_2 =
      "deeaed2e9ca3b448a99107e2cf6217d05d7af8cebe36881303b28ad95a4b4172";
  private static final String ROOT_3 =
      "85a83ae8d4c3f696c878e561793b760ed7b4b862efdbf2323a7cb317d202d7de";

  private static final String CHECKPOINT_NOTE =
      """
      wuhan.carbon-ledger.example/v1
      3
      hag66NTD9pbIeOVheTt2Dte0uGLv2/IyOnyzF9IC194=

      \u2014 wuhan.carbon-ledger.example/v1 \
      RSid4MLwJMY5Zq3GAZYpyWfcU6Rdpk+/9EbJmognfy/tEEFFUldvt3lstlKsES35r8tvUfrpkNl8obOCr8xxoR7uYg0=
      """;

  private final Ed25519Signer signer = ChainFixtures.testSigner();

  @Test
  void theTestKey() {
    assertThat(Hashing.hex(signer.publicKey())).isEqualTo(PUBLIC_KEY);
    assertThat(signer.keyId()).isEqualTo(KEY_ID);
    assertThat(NoteVerifierKey.of(ChainFixtures.ringOf(signer).keys().get(0)).vkey())
        .isEqualTo(VKEY);
    assertThat(signer.privateKeyPem()).isEqualTo(PRIVATE_KEY_PEM);
    assertThat(signer.publicKeyPem()).isEqualTo(PUBLIC_KEY_PEM);
  }

  @Test
  void theEntries() {
    assertEntry(ChainFixtures.specEntry0(), CANONICAL_0, HASH_0, SIGNATURE_0, LEAF_HASH_0);
    assertEntry(ChainFixtures.specEntry1(), CANONICAL_1, HASH_1, SIGNATURE_1, LEAF_HASH_1);
    assertEntry(ChainFixtures.specEntry2(), CANONICAL_2, HASH_2, SIGNATURE_2, LEAF_HASH_2);
    assertThat(ChainFixtures.specEntry1().previousHash()).isEqualTo(TestVectors.hex(HASH_0));
  }

  @Test
  void theEntriesVerifyAsAStream() {
    List<ChainVerifier.LoggedEntry> stream =
        List.of(
            new ChainVerifier.LoggedEntry(0, SignedEntry.sign(ChainFixtures.specEntry0(), signer)),
            new ChainVerifier.LoggedEntry(1, SignedEntry.sign(ChainFixtures.specEntry1(), signer)));
    assertThat(
            ChainVerifier.verifyStream(
                ChainFixtures.ORIGIN, "batch:P-B1", stream, ChainFixtures.ringOf(signer)))
        .isEmpty();
  }

  @Test
  void theLogOfThreeLeavesAndItsCheckpoint() {
    InMemoryNodeStore log = new InMemoryNodeStore();
    for (Entry entry :
        List.of(
            ChainFixtures.specEntry0(), ChainFixtures.specEntry1(), ChainFixtures.specEntry2())) {
      log.appendLeafData(SignedEntry.sign(entry, signer).leafData());
    }

    assertThat(Hashing.hex(MerkleProofs.root(log, 2))).isEqualTo(ROOT_2);
    assertThat(Hashing.hex(MerkleProofs.root(log, 3))).isEqualTo(ROOT_3);
    assertThat(MerkleProofs.inclusionProof(log, 1, 3))
        .extracting(Hashing::hex)
        .containsExactly(LEAF_HASH_0, LEAF_HASH_2);
    assertThat(MerkleProofs.consistencyProof(log, 2, 3))
        .extracting(Hashing::hex)
        .containsExactly(LEAF_HASH_2);
    assertThat(
            MerkleVerifier.verifyInclusion(
                1,
                3,
                TestVectors.hex(LEAF_HASH_1),
                List.of(TestVectors.hex(LEAF_HASH_0), TestVectors.hex(LEAF_HASH_2)),
                TestVectors.hex(ROOT_3)))
        .isEmpty();
    assertThat(
            MerkleVerifier.verifyConsistency(
                2,
                3,
                TestVectors.hex(ROOT_2),
                TestVectors.hex(ROOT_3),
                List.of(TestVectors.hex(LEAF_HASH_2))))
        .isEmpty();

    String note =
        Checkpoint.of(ChainFixtures.ORIGIN, 3, MerkleProofs.root(log, 3))
            .sign(List.of(NoteSigner.of(signer)))
            .encode();
    assertThat(note).isEqualTo(CHECKPOINT_NOTE);
    Checkpoint opened =
        Checkpoint.open(
            CHECKPOINT_NOTE, ChainFixtures.ORIGIN, List.of(NoteVerifierKey.parse(VKEY)));
    assertThat(Hashing.hex(opened.rootHash())).isEqualTo(ROOT_3);
  }

  private void assertEntry(
      Entry entry, String canonical, String hash, String signature, String leafHash) {
    byte[] canonicalBytes = hexBlock(canonical);
    assertThat(entry.canonicalBytes()).isEqualTo(canonicalBytes);
    assertThat(EntryCodec.decode(canonicalBytes)).isEqualTo(entry);
    assertThat(Hashing.hex(entry.hash())).isEqualTo(hash);

    SignedEntry signed = SignedEntry.sign(entry, signer);
    assertThat(Hashing.hex(signed.signature())).isEqualTo(signature);
    assertThat(SignedEntry.signatureMessage(entry.hash()))
        .isEqualTo(
            hexBlock("636172626f6e2d6c65646765722f656e7472792d7369676e61747572652f763100" + hash));

    // Leaf data: prefix, then the canonical bytes, the 4-byte key id and the signature.
    ByteArrayOutputStream leaf = new ByteArrayOutputStream();
    leaf.writeBytes(hexBlock("636172626f6e2d6c65646765722f7369676e65642d656e7472792f763100"));
    leaf.writeBytes(hexBlock(String.format("01 %08x", canonicalBytes.length)));
    leaf.writeBytes(canonicalBytes);
    leaf.writeBytes(hexBlock("02 00000004 " + KEY_ID + " 03 00000040 " + signature));
    assertThat(signed.leafData()).isEqualTo(leaf.toByteArray());
    assertThat(Hashing.hex(Rfc6962.leafHash(signed.leafData()))).isEqualTo(leafHash);
  }

  private static byte[] hexBlock(String text) {
    return TestVectors.hex(text.replaceAll("\\s", ""));
  }
}
