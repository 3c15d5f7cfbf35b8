package org.carbonledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every failure describes itself on one line that names its location. */
class ChainFailureTest {

  private static final String HASH_A = "aa".repeat(32);
  private static final String HASH_B = "bb".repeat(32);

  private static final List<ChainFailure> ONE_OF_EACH =
      List.of(
          new ChainFailure.MalformedEntry(17, "trailing bytes"),
          new ChainFailure.ForeignEntry("batch:P-B1", 3, "origin", "a/v1", "b/v1"),
          new ChainFailure.SequenceGap("batch:P-B1", 3, 5),
          new ChainFailure.HashMismatch("batch:P-B1", 3, HASH_A, HASH_B),
          new ChainFailure.BrokenLink("batch:P-B1", 3, HASH_A, HASH_B),
          new ChainFailure.UnknownKey("batch:P-B1", 3, "0badc0de"),
          new ChainFailure.KeyOutsideValidity("batch:P-B1", 3, "45289de0", 104, 0, 100),
          new ChainFailure.BadSignature("batch:P-B1", 3, "45289de0"),
          new ChainFailure.MalformedKey("not base64"),
          new ChainFailure.InclusionProofFailed(5, 8, "the proof has too few hashes"),
          new ChainFailure.ConsistencyProofFailed(6, 4, "the log was truncated"),
          new ChainFailure.MalformedNote("no blank line"),
          new ChainFailure.NoteUnknownKey(List.of("w.example/1+01020304")),
          new ChainFailure.NoteBadSignature("w.example/1", "01020304"),
          new ChainFailure.MalformedCheckpoint("fewer than three lines"),
          new ChainFailure.WrongOrigin("a/v1", "b/v1"));

  @Test
  void oneOfEachFailureTypeIsListedHere() {
    Set<Class<?>> permitted = Set.of(ChainFailure.class.getPermittedSubclasses());
    Set<Class<?>> listed = ONE_OF_EACH.stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(listed).isEqualTo(permitted);
  }

  @Test
  void descriptionsAreSingleNonEmptyLines() {
    for (ChainFailure failure : ONE_OF_EACH) {
      assertThat(failure.describe()).isNotBlank().doesNotContain("\n");
    }
  }

  @Test
  void streamFailuresNameTheStreamAndSequence() {
    ONE_OF_EACH.stream()
        .filter(failure -> failure.describe().startsWith("batch:P-B1"))
        .forEach(failure -> assertThat(failure.describe()).containsPattern("batch:P-B1( #3|:)"));
    assertThat(new ChainFailure.KeyOutsideValidity("s", 3, "45289de0", 104, 0, 100).describe())
        .isEqualTo("s #3: key 45289de0 signed leaf 104 but is valid only for leaves [0, 100)");
    assertThat(new ChainFailure.SequenceGap("s", 3, 5).describe())
        .isEqualTo("s: expected sequence 3 but found 5");
  }

  @Test
  void anExceptionCarriesItsFailure() {
    ChainFailure failure = new ChainFailure.BadSignature("s", 1, "45289de0");
    ChainException exception = new ChainException(failure);
    assertThat(exception.failure()).isSameAs(failure);
    assertThat(exception.getMessage()).isEqualTo(failure.describe());
    assertThat(Arrays.asList(ChainFailure.class.getPermittedSubclasses())).hasSize(16);
  }
}
