package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every case of Wycheproof's ed25519_test.json. "valid" cases must verify and "invalid" ones must
 * be rejected. The chain's policy for "acceptable" cases is to assert nothing about them and to
 * require that there are none, so that a future vector file with such cases forces a reviewed
 * decision rather than silently passing.
 */
class WycheproofEd25519Test {

  private static final String FILE = "wycheproof-ed25519/ed25519_test.json";

  @Test
  void everyValidCaseVerifiesAndEveryInvalidCaseIsRejected() {
    JsonNode root = TestVectors.json(FILE);
    int validAccepted = 0;
    int invalidRejected = 0;
    int acceptable = 0;
    List<String> wrong = new ArrayList<>();
    for (JsonNode group : root.get("testGroups")) {
      byte[] publicKey = TestVectors.hex(group.get("publicKey").get("pk").asText());
      for (JsonNode test : group.get("tests")) {
        byte[] message = TestVectors.hex(test.get("msg").asText());
        byte[] signature = TestVectors.hex(test.get("sig").asText());
        boolean verified = Ed25519Primitives.verify(publicKey, message, signature);
        String result = test.get("result").asText();
        switch (result) {
          case "valid" -> {
            if (verified) {
              validAccepted++;
            } else {
              wrong.add("tcId " + test.get("tcId") + " valid but rejected");
            }
          }
          case "invalid" -> {
            if (!verified) {
              invalidRejected++;
            } else {
              wrong.add("tcId " + test.get("tcId") + " invalid but accepted");
            }
          }
          case "acceptable" -> acceptable++;
          default -> wrong.add("tcId " + test.get("tcId") + " has unknown result " + result);
        }
      }
    }

    assertThat(wrong).isEmpty();
    assertThat(validAccepted).isEqualTo(88);
    assertThat(invalidRejected).isEqualTo(63);
    assertThat(acceptable).isZero();
    assertThat(validAccepted + invalidRejected + acceptable)
        .isEqualTo(root.get("numberOfTests").asInt())
        .isEqualTo(151);
  }
}
