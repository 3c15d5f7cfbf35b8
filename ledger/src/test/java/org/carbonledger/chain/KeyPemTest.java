package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** PKCS#8 and SubjectPublicKeyInfo PEM files of Ed25519 keys (RFC 8410). */
class KeyPemTest {

  /** RFC 8410 §10.3, the private key example. */
  private static final String RFC8410_PRIVATE =
      """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
      -----END PRIVATE KEY-----
      """;

  /** RFC 8410 §10.3, the same key as a version 1 OneAsymmetricKey with an attribute. */
  private static final String RFC8410_PRIVATE_V1 =
      """
      -----BEGIN PRIVATE KEY-----
      MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
      oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB
      Z9w7lshQhqowtrbLDFw4rXAxZuE=
      -----END PRIVATE KEY-----
      """;

  /** RFC 8410 §10.1, the public key of the examples. */
  private static final String RFC8410_PUBLIC =
      """
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
      -----END PUBLIC KEY-----
      """;

  private static final String RFC8410_SEED =
      "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842";
  private static final String RFC8410_PUBLIC_KEY =
      "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

  @Test
  void readsAndWritesTheRfc8410Examples() {
    byte[] seed = KeyPem.decodePrivateKey(RFC8410_PRIVATE);
    assertThat(Hashing.hex(seed)).isEqualTo(RFC8410_SEED);
    assertThat(Hashing.hex(Ed25519Primitives.publicKey(seed))).isEqualTo(RFC8410_PUBLIC_KEY);
    assertThat(Hashing.hex(KeyPem.decodePublicKey(RFC8410_PUBLIC))).isEqualTo(RFC8410_PUBLIC_KEY);

    assertThat(KeyPem.encodePrivateKey(seed)).isEqualTo(RFC8410_PRIVATE);
    assertThat(KeyPem.encodePublicKey(TestVectors.hex(RFC8410_PUBLIC_KEY)))
        .isEqualTo(RFC8410_PUBLIC);
  }

  @Test
  void readsVersion1FilesWhoseEmbeddedPublicKeyMatches() {
    assertThat(Hashing.hex(KeyPem.decodePrivateKey(RFC8410_PRIVATE_V1))).isEqualTo(RFC8410_SEED);
  }

  @Test
  void generatedKeysRoundTripThroughPem() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 20; i++) {
      Ed25519Signer signer = Ed25519Signer.generate("test.example/key", random);
      Ed25519Signer reread = Ed25519Signer.fromPem("test.example/key", signer.privateKeyPem());
      assertThat(reread.publicKey()).isEqualTo(signer.publicKey());
      assertThat(reread.keyId()).isEqualTo(signer.keyId());
      assertThat(KeyPem.decodePublicKey(signer.publicKeyPem())).isEqualTo(signer.publicKey());

      byte[] message = {1, 2, 3};
      assertThat(
              Ed25519Primitives.verify(
                  KeyPem.decodePublicKey(signer.publicKeyPem()), message, reread.sign(message)))
          .isTrue();
    }
  }

  @Test
  void ignoresTextAroundTheArmourAndCarriageReturns() {
    String pem = "key for the test ledger\r\n" + RFC8410_PRIVATE.replace("\n", "\r\n") + "\r\n";
    assertThat(Hashing.hex(KeyPem.decodePrivateKey(pem))).isEqualTo(RFC8410_SEED);
  }

  @Test
  void rejectsWhatIsNotAnEd25519Key() {
    assertMalformedKey(() -> KeyPem.decodePrivateKey(RFC8410_PUBLIC), "BEGIN PRIVATE KEY");
    assertMalformedKey(() -> KeyPem.decodePublicKey(RFC8410_PRIVATE), "BEGIN PUBLIC KEY");
    assertMalformedKey(
        () -> KeyPem.decodePrivateKey(RFC8410_PRIVATE.replace("MC4C", "MC4D")), "PKCS#8");
    // An X25519 key (OID 1.3.101.110) is not an Ed25519 key.
    String x25519 =
        """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VuAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
        -----END PUBLIC KEY-----
        """;
    assertMalformedKey(() -> KeyPem.decodePublicKey(x25519), "1.3.101.110");
    assertMalformedKey(
        () -> KeyPem.decodePublicKey(RFC8410_PUBLIC.replace("MCow", "MCo!")), "base64");
    // The all-zero public key encodes a point of small order.
    assertMalformedKey(() -> KeyPem.checkPublicKey(new byte[32]), "prime order");
    assertMalformedKey(() -> KeyPem.checkPublicKey(new byte[31]), "31 bytes");
  }

  @Test
  void rejectsAVersion1FileWhoseEmbeddedPublicKeyDiffers() {
    // Change one bit of the embedded public key (the last base64 characters before "=").
    String tampered = RFC8410_PRIVATE_V1.replace("rXAxZuE=", "rXAxZuA=");
    assertMalformedKey(() -> KeyPem.decodePrivateKey(tampered), "embedded public key");
  }

  private static void assertMalformedKey(Runnable call, String reasonFragment) {
    assertThatThrownBy(call::run)
        .isInstanceOf(ChainException.class)
        .extracting(e -> ((ChainException) e).failure())
        .isInstanceOfSatisfying(
            ChainFailure.MalformedKey.class,
            failure -> assertThat(failure.reason()).contains(reasonFragment));
  }
}
