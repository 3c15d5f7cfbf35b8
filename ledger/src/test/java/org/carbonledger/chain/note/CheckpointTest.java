package org.carbonledger.chain.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.carbonledger.chain.ChainException;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.ChainFixtures;
import org.carbonledger.chain.Ed25519Signer;
import org.carbonledger.chain.merkle.Rfc6962;
import org.junit.jupiter.api.Test;

/** C2SP tlog checkpoints: their text, parsing and opening. */
class CheckpointTest {

  private final Ed25519Signer signer = ChainFixtures.testSigner();
  private final List<NoteVerifierKey> trusted =
      List.of(new NoteVerifierKey(signer.keyName(), signer.publicKey()));

  @Test
  void theTextIsOriginSizeAndRootOnThreeLines() {
    Checkpoint checkpoint = Checkpoint.of("example.com/behind-the-sofa", 20852163, root());
    assertThat(checkpoint.text())
        .isEqualTo(
            "example.com/behind-the-sofa\n20852163\n"
                + Base64.getEncoder().encodeToString(root())
                + "\n");
    assertThat(Checkpoint.parse(checkpoint.text())).isEqualTo(checkpoint);
  }

  @Test
  void parsesTheCheckpointOfTheC2spSpecification() {
    // The note text of c2sp.org/tlog-checkpoint's example, whose key is not published.
    Checkpoint checkpoint =
        Checkpoint.parse(
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
    assertThat(checkpoint.origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(checkpoint.size()).isEqualTo(20852163);
    assertThat(checkpoint.extensions()).isEmpty();
  }

  @Test
  void extensionLinesAreKept() {
    Checkpoint checkpoint =
        Checkpoint.parse("o\n0\n" + Base64.getEncoder().encodeToString(root()) + "\nextra\n");
    assertThat(checkpoint.extensions()).containsExactly("extra");
    assertThat(checkpoint.text()).endsWith("\nextra\n");
  }

  @Test
  void opensASignedCheckpointOfTheExpectedLog() {
    String note =
        Checkpoint.of(ChainFixtures.ORIGIN, 3, root())
            .sign(List.of(NoteSigner.of(signer)))
            .encode();
    Checkpoint opened = Checkpoint.open(note, ChainFixtures.ORIGIN, trusted);
    assertThat(opened.size()).isEqualTo(3);
    assertThat(opened.rootHash()).isEqualTo(root());

    assertThatThrownBy(() -> Checkpoint.open(note, "shanghai.example/v1", trusted))
        .extracting(e -> ((ChainException) e).failure())
        .isEqualTo(new ChainFailure.WrongOrigin("shanghai.example/v1", ChainFixtures.ORIGIN));
  }

  @Test
  void aSignedNoteThatIsNotACheckpointIsMalformed() {
    String note =
        SignedNote.sign(ChainFixtures.ORIGIN + "\n3\n", List.of(NoteSigner.of(signer))).encode();
    assertThatThrownBy(() -> Checkpoint.open(note, ChainFixtures.ORIGIN, trusted))
        .extracting(e -> ((ChainException) e).failure())
        .isEqualTo(new ChainFailure.MalformedCheckpoint("fewer than three lines"));
  }

  @Test
  void malformedCheckpointTextIsRejectedWithAReason() {
    String root = Base64.getEncoder().encodeToString(root());
    assertMalformed("o\n3\n" + root, "newline");
    assertMalformed("o\n03\n" + root + "\n", "leading zeros");
    assertMalformed("o\n-3\n" + root + "\n", "decimal");
    assertMalformed("o\n+3\n" + root + "\n", "decimal");
    assertMalformed("o\n99999999999999999999\n" + root + "\n", "decimal");
    assertMalformed("o\n9999999999999999999\n" + root + "\n", "too large");
    assertMalformed("o\n3\n" + root.replace("=", "") + "\n", "base64");
    assertMalformed("o\n3\nAAAA\n", "32 bytes");
    assertMalformed("\n3\n" + root + "\n", "line 1 is empty");
    assertMalformed("o\n3\n" + root + "\n\nextra\n", "line 4 is empty");
  }

  private static byte[] root() {
    return Rfc6962.leafHash(new byte[] {1, 2, 3});
  }

  private static void assertMalformed(String text, String reasonFragment) {
    assertThatThrownBy(() -> Checkpoint.parse(text))
        .isInstanceOf(ChainException.class)
        .extracting(e -> ((ChainException) e).failure())
        .isInstanceOfSatisfying(
            ChainFailure.MalformedCheckpoint.class,
            failure -> assertThat(failure.reason()).contains(reasonFragment));
  }
}
