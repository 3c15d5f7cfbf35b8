package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.carbonledger.accounts.AccountCommand.FreezeAccount;
import org.carbonledger.credits.Batch;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.junit.jupiter.api.Test;

/**
 * The cached resolver must answer every command exactly as Axon's own resolver does, failures
 * included: each case here is resolved by both.
 */
class CommandTargetsTest {

  private final CommandTargets cached = new CommandTargets();
  private final AnnotationCommandTargetResolver axons =
      AnnotationCommandTargetResolver.builder().build();

  @Test
  void aBatchCommandTargetsItsBatchsStreamThroughTheInterfacesDefaultMethod() {
    TransferCredits transfer = new TransferCredits("b-1", "t-1", "from", "to", 5, null);

    VersionedAggregateIdentifier target = resolvedAlikeBy(transfer);

    assertThat(target.getIdentifier()).isEqualTo(Batch.streamId("b-1"));
    assertThat(target.getVersion()).isNull();
  }

  @Test
  void aRecordComponentAnnotatedAsTheTargetIsRead() {
    assertThat(resolvedAlikeBy(new FreezeAccount("acc-1", "a court order")).getIdentifier())
        .isNotBlank();
  }

  @Test
  void anAnnotatedFieldAndAVersionGivenAsTextAreRead() {
    VersionedAggregateIdentifier target = resolvedAlikeBy(new FieldTarget("f-1", "7"));

    assertThat(target.getIdentifier()).isEqualTo("f-1");
    assertThat(target.getVersion()).isEqualTo(7L);
  }

  @Test
  void aNumericVersionOfAMethodIsRead() {
    VersionedAggregateIdentifier target = resolvedAlikeBy(new MethodTarget(42, 3));

    assertThat(target.getIdentifier()).isEqualTo("42");
    assertThat(target.getVersion()).isEqualTo(3L);
  }

  @Test
  void aClassWithTheSameShapeAsAnotherIsResolvedByItsOwnMembers() {
    resolvedAlikeBy(new FieldTarget("f-2", null));
    resolvedAlikeBy(new MethodTarget(43, 4));

    assertThat(resolvedAlikeBy(new FieldTarget("f-3", null)).getIdentifier()).isEqualTo("f-3");
  }

  @Test
  void aCommandWithoutATargetIsRefusedWithAxonsMessage() {
    assertThat(refusedAlikeBy(new NoTarget("x"))).contains("[NoTarget]");
  }

  @Test
  void aNullTargetIsRefusedWithAxonsMessage() {
    assertThat(refusedAlikeBy(new FieldTarget(null, null))).contains("non-null");
  }

  @Test
  void aVersionThatIsNotANumberIsRefusedWithAxonsMessage() {
    assertThat(refusedAlikeBy(new FieldTarget("f-1", "seven"))).contains("not a number");
  }

  @Test
  void aTargetMethodThatThrowsIsRefusedWithAxonsMessage() {
    assertThat(refusedAlikeBy(new ThrowingTarget())).contains("extracting aggregate information");
  }

  private VersionedAggregateIdentifier resolvedAlikeBy(Object payload) {
    GenericCommandMessage<Object> command = new GenericCommandMessage<>(payload);
    VersionedAggregateIdentifier axon = axons.resolveTarget(command);
    VersionedAggregateIdentifier ours = cached.resolveTarget(command);
    assertThat(ours.getIdentifier()).isEqualTo(axon.getIdentifier());
    assertThat(ours.getIdentifierValue()).isEqualTo(axon.getIdentifierValue());
    assertThat(ours.getVersion()).isEqualTo(axon.getVersion());
    // Twice: the second answer comes from what the first one remembered.
    assertThat(cached.resolveTarget(command).getIdentifier()).isEqualTo(axon.getIdentifier());
    return ours;
  }

  private String refusedAlikeBy(Object payload) {
    GenericCommandMessage<Object> command = new GenericCommandMessage<>(payload);
    Throwable axon = catchThrowable(() -> axons.resolveTarget(command));
    Throwable ours = catchThrowable(() -> cached.resolveTarget(command));
    assertThat(axon).isInstanceOf(IllegalArgumentException.class);
    assertThat(ours).isInstanceOf(IllegalArgumentException.class).hasMessage(axon.getMessage());
    assertThat(catchThrowable(() -> cached.resolveTarget(command))).hasMessage(axon.getMessage());
    return ours.getMessage();
  }

  static final class FieldTarget {
    @TargetAggregateIdentifier private final String id;
    @TargetAggregateVersion private final String version;

    FieldTarget(String id, String version) {
      this.id = id;
      this.version = version;
    }
  }

  static final class MethodTarget {
    private final long id;
    private final int version;

    MethodTarget(long id, int version) {
      this.id = id;
      this.version = version;
    }

    @TargetAggregateIdentifier
    long id() {
      return id;
    }

    @TargetAggregateVersion
    int version() {
      return version;
    }
  }

  record NoTarget(String id) {}

  static final class ThrowingTarget {
    @TargetAggregateIdentifier
    String id() {
      throw new IllegalStateException("no identifier today");
    }
  }
}
