package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** RFC 8032 §7.1 Ed25519 test vectors: exact public keys and signatures, and verification. */
class Rfc8032VectorsTest {

  private static final String FILE = "rfc8032-ed25519/rfc8032-section7.1-ed25519.json";

  @Test
  void theFileHoldsTheFiveVectorsOfSection71() {
    assertThat(TestVectors.json(FILE).get("vectors")).hasSize(5);
  }

  @TestFactory
  List<DynamicTest> eachVectorSignsAndVerifiesExactly() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode vector : TestVectors.json(FILE).get("vectors")) {
      tests.add(
          DynamicTest.dynamicTest(
              vector.get("name").asText(),
              () -> {
                byte[] seed = TestVectors.hex(vector.get("secret_key_seed_hex").asText());
                byte[] publicKey = TestVectors.hex(vector.get("public_key_hex").asText());
                byte[] message = TestVectors.hex(vector.get("message_hex").asText());
                byte[] signature = TestVectors.hex(vector.get("signature_hex").asText());

                assertThat(Ed25519Primitives.publicKey(seed)).isEqualTo(publicKey);
                assertThat(Ed25519Primitives.sign(seed, message)).isEqualTo(signature);
                assertThat(Ed25519Primitives.sign(seed, publicKey, message)).isEqualTo(signature);
                assertThat(new Ed25519Signer("rfc8032", seed).sign(message)).isEqualTo(signature);
                assertThat(Ed25519Primitives.verify(publicKey, message, signature)).isTrue();

                byte[] flipped = signature.clone();
                flipped[0] ^= 1;
                assertThat(Ed25519Primitives.verify(publicKey, message, flipped)).isFalse();
              }));
    }
    return tests;
  }
}
