package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact Ed25519 verification rule the chain uses against C2SP/CCTV's edge-case vectors, so
 * that a verifier in another language can match it (spec section 3.4) and a Bouncy Castle upgrade
 * that changes it fails here instead of silently.
 *
 * <p>The rule: a signature is rejected exactly when the public key A has small order or either A or
 * R is not canonically encoded; small-order R, mixed-order points and low-order residues (the
 * cofactored equation) are accepted.
 */
class CctvEd25519Test {

  private static final Set<String> REJECTING_FLAGS =
      Set.of("low_order_A", "non_canonical_A", "non_canonical_R");

  @Test
  void verificationRejectsExactlySmallOrderKeysAndNonCanonicalPoints() {
    JsonNode vectors = TestVectors.json("cctv-ed25519/ed25519vectors.json");
    int accepted = 0;
    int rejected = 0;
    List<String> wrong = new ArrayList<>();
    for (JsonNode vector : vectors) {
      Set<String> flags = new HashSet<>();
      vector.path("flags").forEach(flag -> flags.add(flag.asText()));
      boolean expected = flags.stream().noneMatch(REJECTING_FLAGS::contains);
      boolean verified =
          Ed25519Primitives.verify(
              TestVectors.hex(vector.get("key").asText()),
              vector.get("msg").asText().getBytes(StandardCharsets.UTF_8),
              TestVectors.hex(vector.get("sig").asText()));
      if (verified != expected) {
        wrong.add("vector " + vector.get("number") + " " + flags + " verified=" + verified);
      }
      if (verified) {
        accepted++;
      } else {
        rejected++;
      }
    }

    assertThat(wrong).isEmpty();
    assertThat(vectors).hasSize(914);
    assertThat(accepted).isEqualTo(212);
    assertThat(rejected).isEqualTo(702);
  }
}
