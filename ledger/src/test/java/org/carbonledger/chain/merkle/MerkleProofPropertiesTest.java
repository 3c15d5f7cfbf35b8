package org.carbonledger.chain.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Proofs generated from stored nodes verify for every leaf and every pair of sizes of random trees,
 * agree with a naive RFC 9162 MTH, and stop verifying when any single bit of a proof or a root is
 * flipped.
 */
class MerkleProofPropertiesTest {

  @Property(tries = 60)
  void everyLeafOfARandomTreeHasAVerifyingInclusionProof(
      @ForAll @IntRange(min = 1, max = 300) int size, @ForAll long seed) {
    InMemoryNodeStore store = randomTree(size, seed);
    byte[] root = MerkleProofs.root(store, size);
    assertThat(root).isEqualTo(naiveRoot(leafHashes(size, seed)));
    for (long leaf = 0; leaf < size; leaf++) {
      List<byte[]> proof = MerkleProofs.inclusionProof(store, leaf, size);
      assertThat(MerkleVerifier.verifyInclusion(leaf, size, store.hash(0, leaf), proof, root))
          .isEmpty();
    }
  }

  @Property(tries = 300)
  void consistencyProofsBetweenRandomSizesVerify(
      @ForAll @IntRange(min = 1, max = 600) int size2,
      @ForAll @IntRange(min = 1, max = 600) int size1Candidate,
      @ForAll long seed) {
    int size1 = Math.min(size1Candidate, size2);
    InMemoryNodeStore store = randomTree(size2, seed);
    List<byte[]> proof = MerkleProofs.consistencyProof(store, size1, size2);
    assertThat(
            MerkleVerifier.verifyConsistency(
                size1,
                size2,
                MerkleProofs.root(store, size1),
                MerkleProofs.root(store, size2),
                proof))
        .isEmpty();
  }

  @Property(tries = 1000)
  void flippingAnyBitOfAnInclusionProofOrItsRootMakesItFail(
      @ForAll @IntRange(min = 1, max = 200) int size,
      @ForAll @IntRange(min = 0, max = 199) int leafCandidate,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bitChoice,
      @ForAll long seed) {
    int leaf = leafCandidate % size;
    InMemoryNodeStore store = randomTree(size, seed);
    byte[] root = MerkleProofs.root(store, size);
    List<byte[]> proof = MerkleProofs.inclusionProof(store, leaf, size);
    byte[] leafHash = store.hash(0, leaf);

    // Choose one bit among the leaf hash, the proof hashes and the root.
    List<byte[]> targets = new ArrayList<>(proof);
    targets.add(root);
    targets.add(leafHash);
    long bits = 256L * targets.size();
    int bit = (int) (bitChoice % bits);
    flip(targets.get(bit / 256), bit % 256);

    assertThat(MerkleVerifier.verifyInclusion(leaf, size, leafHash, proof, root)).isPresent();
  }

  @Property(tries = 1000)
  void flippingAnyBitOfAConsistencyProofOrARootMakesItFail(
      @ForAll @IntRange(min = 1, max = 300) int size2,
      @ForAll @IntRange(min = 1, max = 300) int size1Candidate,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bitChoice,
      @ForAll long seed) {
    int size1 = Math.min(size1Candidate, size2);
    InMemoryNodeStore store = randomTree(size2, seed);
    byte[] root1 = MerkleProofs.root(store, size1);
    byte[] root2 = MerkleProofs.root(store, size2);
    List<byte[]> proof = MerkleProofs.consistencyProof(store, size1, size2);

    List<byte[]> targets = new ArrayList<>(proof);
    targets.add(root1);
    targets.add(root2);
    int bit = (int) (bitChoice % (256L * targets.size()));
    flip(targets.get(bit / 256), bit % 256);

    assertThat(MerkleVerifier.verifyConsistency(size1, size2, root1, root2, proof)).isPresent();
  }

  private static void flip(byte[] hash, int bit) {
    hash[bit / 8] ^= (byte) (1 << (bit % 8));
  }

  private static InMemoryNodeStore randomTree(int size, long seed) {
    InMemoryNodeStore store = new InMemoryNodeStore();
    leafHashes(size, seed).forEach(store::appendLeafHash);
    return store;
  }

  private static List<byte[]> leafHashes(int size, long seed) {
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      hashes.add(
          Rfc6962.leafHash(
              new byte[] {(byte) seed, (byte) (seed >> 8), (byte) i, (byte) (i >> 8)}));
    }
    return hashes;
  }

  /** RFC 9162 §2.1.1 MTH, straight from the definition, over leaf hashes. */
  private static byte[] naiveRoot(List<byte[]> leafHashes) {
    if (leafHashes.size() == 1) {
      return leafHashes.get(0);
    }
    int k = Integer.highestOneBit(leafHashes.size() - 1);
    return Rfc6962.nodeHash(
        naiveRoot(leafHashes.subList(0, k)), naiveRoot(leafHashes.subList(k, leafHashes.size())));
  }
}
