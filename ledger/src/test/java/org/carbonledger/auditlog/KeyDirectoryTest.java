package org.carbonledger.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.carbonledger.chain.Ed25519Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyDirectoryTest {

  private static final String ORIGIN = "carbonledger.example/wuhan";

  @TempDir Path directory;

  @Test
  void aNewLedgerGetsFreshKeysNamedAfterItsOrigin() {
    LedgerIdentity identity = KeyDirectory.at(directory, ORIGIN).open(Map.of());

    assertThat(identity.entryKey().keyName()).isEqualTo(ORIGIN + "/entries");
    assertThat(identity.logKey().keyName()).isEqualTo(ORIGIN);
    assertThat(directory.resolve("entry-signing.pem")).exists();
    assertThat(directory.resolve("checkpoint-signing.pub.pem")).exists();
  }

  @Test
  void aLedgerThatHasKeysLoadsExactlyThoseKeys() {
    LedgerIdentity first = KeyDirectory.at(directory, ORIGIN).open(Map.of());

    LedgerIdentity again = KeyDirectory.at(directory, ORIGIN).open(current(first));

    assertThat(again.entryKey().keyId()).isEqualTo(first.entryKey().keyId());
    assertThat(again.logKey().keyId()).isEqualTo(first.logKey().keyId());
  }

  @Test
  void anotherLedgersKeysDirectoryStopsTheStartInsteadOfStartingASecondKeyHistory() {
    LedgerIdentity ours = KeyDirectory.at(directory, ORIGIN).open(Map.of());
    Path other = directory.resolve("other");

    assertThatThrownBy(() -> KeyDirectory.at(other, ORIGIN).open(current(ours)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("current entry key is " + ours.entryKey().keyId())
        .hasMessageContaining("does not exist");
    assertThat(other.resolve("entry-signing.pem")).doesNotExist();
  }

  @Test
  void promotingAStagedKeyRetiresTheCurrentOne() throws IOException {
    KeyDirectory keys = KeyDirectory.at(directory, ORIGIN);
    LedgerIdentity first = keys.open(Map.of());
    Ed25519Signer next = stage(KeyPurpose.ENTRY);

    assertThat(keys.staged(KeyPurpose.ENTRY).orElseThrow().keyId()).isEqualTo(next.keyId());
    keys.promote(KeyPurpose.ENTRY);

    assertThat(keys.staged(KeyPurpose.ENTRY)).isEmpty();
    assertThat(
            keys.open(
                    Map.of(
                        KeyPurpose.ENTRY,
                        next.keyId(),
                        KeyPurpose.CHECKPOINT,
                        first.logKey().keyId()))
                .entryKey()
                .keyId())
        .isEqualTo(next.keyId());
    assertThat(directory.resolve("retired/entry-signing-" + first.entryKey().keyId() + ".pem"))
        .exists();
  }

  @Test
  void aRotationThatCommittedBeforeItsFilesMovedIsFinishedAtTheNextStart() throws IOException {
    KeyDirectory keys = KeyDirectory.at(directory, ORIGIN);
    LedgerIdentity first = keys.open(Map.of());
    Ed25519Signer next = stage(KeyPurpose.CHECKPOINT);

    LedgerIdentity restarted =
        keys.open(
            Map.of(
                KeyPurpose.ENTRY, first.entryKey().keyId(), KeyPurpose.CHECKPOINT, next.keyId()));

    assertThat(restarted.logKey().keyId()).isEqualTo(next.keyId());
    assertThat(directory.resolve("checkpoint-signing.next.pem")).doesNotExist();
    assertThat(keys.retired(KeyPurpose.CHECKPOINT))
        .extracting(Ed25519Signer::keyId)
        .containsExactly(first.logKey().keyId());
    assertThat(keys.retired(KeyPurpose.ENTRY)).isEmpty();
  }

  @Test
  void aKeyStagedWithOpensslIsReadAsIs() throws Exception {
    Path pem = directory.resolve("entry-signing.next.pem");
    Process openssl =
        new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", pem.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(openssl.waitFor()).isZero();

    assertThat(KeyDirectory.at(directory, ORIGIN).staged(KeyPurpose.ENTRY)).isPresent();
  }

  private Ed25519Signer stage(KeyPurpose purpose) throws IOException {
    Ed25519Signer key = Ed25519Signer.generate(purpose.keyName(ORIGIN), new SecureRandom());
    Files.writeString(
        directory.resolve(purpose.fileName() + ".next.pem"),
        key.privateKeyPem(),
        StandardCharsets.US_ASCII);
    return key;
  }

  private static Map<KeyPurpose, String> current(LedgerIdentity identity) {
    return Map.of(
        KeyPurpose.ENTRY, identity.entryKey().keyId(),
        KeyPurpose.CHECKPOINT, identity.logKey().keyId());
  }
}
