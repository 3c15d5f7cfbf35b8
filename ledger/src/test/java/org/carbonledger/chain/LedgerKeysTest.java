package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Signers, key ids and key rings. */
class LedgerKeysTest {

  @Test
  void theKeyIdIsTheSignedNoteKeyIdOfNameAndPublicKey() {
    Ed25519Signer signer = ChainFixtures.testSigner();
    byte[] expected =
        Arrays.copyOf(
            Hashing.sha256(
                ChainFixtures.ORIGIN.getBytes(StandardCharsets.UTF_8),
                new byte[] {0x0A, 0x01},
                signer.publicKey()),
            4);
    assertThat(signer.keyId()).isEqualTo(Hashing.hex(expected)).isEqualTo("45289de0");
    assertThat(ChainFixtures.ringOf(signer).find("45289de0")).isPresent();
  }

  @Test
  void generatedKeysAreRandomAndUsable() {
    SecureRandom random = new SecureRandom();
    Ed25519Signer one = Ed25519Signer.generate("a.example/k", random);
    Ed25519Signer two = Ed25519Signer.generate("a.example/k", random);
    assertThat(one.publicKey()).isNotEqualTo(two.publicKey());
    byte[] message = "m".getBytes(StandardCharsets.UTF_8);
    assertThat(Ed25519Primitives.verify(one.publicKey(), message, one.sign(message))).isTrue();
    assertThat(Ed25519Primitives.verify(two.publicKey(), message, one.sign(message))).isFalse();
  }

  @Test
  void aSignerDoesNotPrintItsSeed() {
    assertThat(ChainFixtures.testSigner().toString())
        .isEqualTo("Ed25519Signer[wuhan.carbon-ledger.example/v1+45289de0]");
  }

  @Test
  void keyNamesFollowSignedNote() {
    assertThat(KeyIds.keyNameProblem("example.com/log42")).isNull();
    assertThat(KeyIds.keyNameProblem("")).contains("empty");
    assertThat(KeyIds.keyNameProblem("a+b")).contains("'+'");
    assertThat(KeyIds.keyNameProblem("a b")).contains("space");
    assertThat(KeyIds.keyNameProblem("a\u3000b")).contains("space");
    assertThat(KeyIds.keyNameProblem("a\u00a0b")).contains("space");
    assertThatThrownBy(() -> new Ed25519Signer("a b", ChainFixtures.TEST_SEED))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRingRefusesTwoKeysWithOneId() {
    Ed25519Signer signer = ChainFixtures.testSigner();
    KeyRing.LedgerKey first = new KeyRing.LedgerKey(signer.keyName(), signer.publicKey(), 0, 10);
    KeyRing.LedgerKey again = KeyRing.LedgerKey.openEnded(signer.keyName(), signer.publicKey(), 10);
    assertThatThrownBy(() -> KeyRing.of(first, again)).hasMessageContaining(signer.keyId());
  }

  @Test
  void validityIsHalfOpen() {
    Ed25519Signer signer = ChainFixtures.testSigner();
    KeyRing.LedgerKey key = new KeyRing.LedgerKey(signer.keyName(), signer.publicKey(), 5, 10);
    assertThat(key.validAt(4)).isFalse();
    assertThat(key.validAt(5)).isTrue();
    assertThat(key.validAt(9)).isTrue();
    assertThat(key.validAt(10)).isFalse();
    assertThatThrownBy(() -> new KeyRing.LedgerKey(signer.keyName(), signer.publicKey(), 5, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
