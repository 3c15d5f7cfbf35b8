package org.carbonledger.chain.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Proof generation reads O(log n) stored nodes and checks its preconditions. */
class MerkleProofsTest {

  /** A store that counts the nodes read through it. */
  private static final class CountingStore implements NodeStore {
    private final NodeStore inner;
    private int reads;

    CountingStore(NodeStore inner) {
      this.inner = inner;
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public byte[] hash(int level, long index) {
      reads++;
      return inner.hash(level, index);
    }
  }

  @Test
  void rootsAndProofsReadLogarithmicallyManyNodes() {
    InMemoryNodeStore log = new InMemoryNodeStore();
    for (int i = 0; i < 100_000; i++) {
      log.appendLeafData(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)});
    }
    CountingStore counting = new CountingStore(log);
    // 100,000 leaves need 17 levels; rebuilding would read 100,000 leaves.
    for (long size : new long[] {1, 2, 3, 65_536, 99_999, 100_000}) {
      counting.reads = 0;
      MerkleProofs.root(counting, size);
      assertThat(counting.reads).isLessThanOrEqualTo(17);

      counting.reads = 0;
      MerkleProofs.inclusionProof(counting, size / 2, size);
      assertThat(counting.reads).isLessThanOrEqualTo(2 * 17);

      counting.reads = 0;
      MerkleProofs.consistencyProof(counting, (size + 1) / 2, size);
      assertThat(counting.reads).isLessThanOrEqualTo(2 * 17);
    }
  }

  @Test
  void aTreeOfOneLeafHasAnEmptyProofAndItsLeafHashAsRoot() {
    InMemoryNodeStore log = new InMemoryNodeStore();
    log.appendLeafData(new byte[] {42});
    assertThat(MerkleProofs.inclusionProof(log, 0, 1)).isEmpty();
    assertThat(MerkleProofs.root(log, 1)).isEqualTo(Rfc6962.leafHash(new byte[] {42}));
    assertThat(MerkleProofs.consistencyProof(log, 1, 1)).isEmpty();
  }

  @Test
  void preconditionsAreChecked() {
    InMemoryNodeStore log = new InMemoryNodeStore();
    log.appendLeafData(new byte[] {1});
    log.appendLeafData(new byte[] {2});
    assertThatThrownBy(() -> MerkleProofs.root(log, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleProofs.inclusionProof(log, 2, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleProofs.consistencyProof(log, 0, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MerkleProofs.consistencyProof(log, 2, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.hash(1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.appendLeafHash(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(MerkleProofs.root(new InMemoryNodeStore(), 0)).isEqualTo(Rfc6962.emptyRoot());
    assertThat(List.of(log.size())).containsExactly(2L);
  }
}
