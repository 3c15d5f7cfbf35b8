package org.carbonledger.chain.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.carbonledger.chain.ChainFailure;
import org.carbonledger.chain.Hashing;
import org.carbonledger.chain.TestVectors;
import org.junit.jupiter.api.Test;

/**
 * transparency-dev/merkle's proof vectors and RFC 6962 reference tree: each inclusion and
 * consistency case passes or fails exactly as its file says, and the proofs this code generates
 * from stored nodes are the ones the happy-path files hold.
 *
 * <p>The files hold sizes and indexes as unsigned 64-bit numbers; one of them is 2^64 - 1 (an index
 * of 0 minus 1). It is passed on as the same 64 bits, a negative {@code long}, which the verifier
 * rejects as it would any size beyond 2^63.
 */
class TransparencyDevVectorsTest {

  private static final String BASE = "transparency-dev-merkle/";

  @Test
  void everyInclusionCaseHasTheExpectedOutcome() {
    List<Path> files = TestVectors.jsonFiles(BASE + "testdata/inclusion");
    int passed = 0;
    int failed = 0;
    List<String> wrong = new ArrayList<>();
    for (Path file : files) {
      JsonNode test = TestVectors.json(file);
      Optional<ChainFailure> failure =
          MerkleVerifier.verifyInclusion(
              uint64(test.get("leafIdx")),
              uint64(test.get("treeSize")),
              bytes(test.get("leafHash")),
              hashes(test.get("proof")),
              bytes(test.get("root")));
      if (failure.isPresent() != test.get("wantErr").asBoolean()) {
        wrong.add(file + ": " + failure);
      }
      if (failure.isPresent()) {
        assertThat(failure.get()).isInstanceOf(ChainFailure.InclusionProofFailed.class);
        failed++;
      } else {
        passed++;
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(files).hasSize(98);
    assertThat(passed).isEqualTo(6);
    assertThat(failed).isEqualTo(92);
  }

  @Test
  void everyConsistencyCaseHasTheExpectedOutcome() {
    List<Path> files = TestVectors.jsonFiles(BASE + "testdata/consistency");
    int passed = 0;
    int failed = 0;
    List<String> wrong = new ArrayList<>();
    for (Path file : files) {
      JsonNode test = TestVectors.json(file);
      Optional<ChainFailure> failure =
          MerkleVerifier.verifyConsistency(
              uint64(test.get("size1")),
              uint64(test.get("size2")),
              bytes(test.get("root1")),
              bytes(test.get("root2")),
              hashes(test.get("proof")));
      if (failure.isPresent() != test.get("wantErr").asBoolean()) {
        wrong.add(file + ": " + failure);
      }
      if (failure.isPresent()) {
        assertThat(failure.get()).isInstanceOf(ChainFailure.ConsistencyProofFailed.class);
        failed++;
      } else {
        passed++;
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(files).hasSize(98);
    assertThat(passed).isEqualTo(6);
    assertThat(failed).isEqualTo(92);
  }

  @Test
  void generatedProofsEqualTheHappyPathProofsOfTheReferenceTree() {
    InMemoryNodeStore store = referenceTree();
    int compared = 0;
    for (Path file : TestVectors.jsonFiles(BASE + "testdata/inclusion")) {
      JsonNode test = TestVectors.json(file);
      long size = test.get("treeSize").asLong();
      if (file.endsWith("happy-path.json") && size <= store.size()) {
        assertThat(MerkleProofs.inclusionProof(store, test.get("leafIdx").asLong(), size))
            .as(file.toString())
            .containsExactlyElementsOf(hashes(test.get("proof")));
        assertThat(MerkleProofs.root(store, size)).isEqualTo(bytes(test.get("root")));
        compared++;
      }
    }
    for (Path file : TestVectors.jsonFiles(BASE + "testdata/consistency")) {
      JsonNode test = TestVectors.json(file);
      if (file.endsWith("happy-path.json")) {
        long size1 = test.get("size1").asLong();
        long size2 = test.get("size2").asLong();
        assertThat(MerkleProofs.consistencyProof(store, size1, size2))
            .as(file.toString())
            .containsExactlyElementsOf(hashes(test.get("proof")));
        compared++;
      }
    }
    // Inclusion: (0,1), (0,8), (5,8), (2,3), (1,5); consistency: 1-1, 1-8, 6-8, 2-5, 6-7.
    assertThat(compared).isEqualTo(10);
  }

  @Test
  void rootsOfTheReferenceTreeForEverySize() {
    JsonNode reference = TestVectors.json(BASE + "rfc6962-reference-tree.derived.json");
    InMemoryNodeStore store = referenceTree();
    JsonNode roots = reference.get("root_hashes_by_tree_size_hex");
    for (int size = 0; size <= 8; size++) {
      assertThat(Hashing.hex(MerkleProofs.root(store, size)))
          .as("root of size %d", size)
          .isEqualTo(roots.get(Integer.toString(size)).asText());
    }
    assertThat(roots).hasSize(9);
  }

  @Test
  void theStoredNodesAreTheReferenceNodes() {
    JsonNode levels =
        TestVectors.json(BASE + "rfc6962-reference-tree.derived.json")
            .get("node_hashes_by_level_hex");
    InMemoryNodeStore store = referenceTree();
    for (int level = 0; level < levels.size(); level++) {
      for (int index = 0; index < levels.get(level).size(); index++) {
        assertThat(Hashing.hex(store.hash(level, index)))
            .isEqualTo(levels.get(level).get(index).asText());
      }
    }
  }

  @Test
  void theHasherVectors() {
    JsonNode vectors =
        TestVectors.json(BASE + "rfc6962-reference-tree.derived.json")
            .get("rfc6962_hasher_vectors");
    assertThat(Hashing.hex(Rfc6962.emptyRoot())).isEqualTo(vectors.get(0).get("want").asText());
    assertThat(Hashing.hex(Rfc6962.leafHash(new byte[0])))
        .isEqualTo(vectors.get(1).get("want").asText());
    assertThat(Hashing.hex(Rfc6962.leafHash("L123456".getBytes())))
        .isEqualTo(vectors.get(2).get("want").asText());
    assertThat(Hashing.hex(Rfc6962.nodeHash("N123".getBytes(), "N456".getBytes())))
        .isEqualTo(vectors.get(3).get("want").asText());
  }

  /** The 8-leaf tree of transparency-dev's test constants. */
  static InMemoryNodeStore referenceTree() {
    InMemoryNodeStore store = new InMemoryNodeStore();
    TestVectors.json(BASE + "rfc6962-reference-tree.derived.json")
        .get("leaf_inputs_hex")
        .forEach(leaf -> store.appendLeafData(TestVectors.hex(leaf.asText())));
    return store;
  }

  private static long uint64(JsonNode number) {
    // The same 64 bits: values of 2^63 and more become negative and are rejected as sizes.
    return number.bigIntegerValue().longValue();
  }

  private static byte[] bytes(JsonNode base64) {
    return base64 == null || base64.isNull()
        ? new byte[0]
        : Base64.getDecoder().decode(base64.asText());
  }

  private static List<byte[]> hashes(JsonNode array) {
    List<byte[]> hashes = new ArrayList<>();
    if (array != null && !array.isNull()) {
      array.forEach(element -> hashes.add(bytes(element)));
    }
    return hashes;
  }
}
