package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A group of commands reads its streams' last events once; a command outside a group reads on every
 * call, exactly as before.
 */
class GroupedLastEventsTest {

  /** A command naming the streams its handler will ask about. */
  record Checks(List<String> streams) {}

  private final Map<String, String> stored = new HashMap<>(Map.of("a", "a-7", "b", "b-2"));
  private final List<List<String>> reads = new ArrayList<>();
  private final GroupedLastEvents lastEvents =
      new GroupedLastEvents(
          streams -> {
            reads.add(List.copyOf(streams));
            Map<String, String> found = new HashMap<>();
            streams.forEach(
                stream -> {
                  if (stored.containsKey(stream)) {
                    found.put(stream, stored.get(stream));
                  }
                });
            return found;
          },
          command -> ((Checks) command.getPayload()).streams());

  @AfterEach
  void endUnitsOfWork() {
    while (CurrentUnitOfWork.isStarted()) {
      CurrentUnitOfWork.get().rollback();
    }
  }

  @Test
  void theFirstCommandOfAGroupReadsEveryStreamTheGroupWillAskAboutInOneRead() {
    inAGroupOf(new Checks(List.of("a", "b")), new Checks(List.of("c")), new Checks(List.of("a")));

    assertThat(lastEvents.apply(List.of("a", "b"))).containsExactlyInAnyOrderEntriesOf(stored);
    assertThat(lastEvents.apply(List.of("c"))).as("a stream without events").isEmpty();
    assertThat(lastEvents.apply(List.of("a"))).containsEntry("a", "a-7");

    assertThat(reads).containsExactly(List.of("a", "b", "c"));
  }

  @Test
  void aStreamNoCommandOfTheGroupNamedIsReadWhenAskedFor() {
    inAGroupOf(new Checks(List.of("a")));

    lastEvents.apply(List.of("a"));
    assertThat(lastEvents.apply(List.of("a", "b"))).containsEntry("b", "b-2");

    assertThat(reads).containsExactly(List.of("a"), List.of("b"));
  }

  @Test
  void aCommandOutsideAGroupReadsOnEveryCall() {
    DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage(new Checks(List.of("a"))));

    lastEvents.apply(List.of("a"));
    stored.put("a", "a-8");
    assertThat(lastEvents.apply(List.of("a"))).containsEntry("a", "a-8");

    assertThat(reads).containsExactly(List.of("a"), List.of("a"));
  }

  @Test
  void withoutAUnitOfWorkEveryCallReads() {
    lastEvents.apply(List.of("b"));
    lastEvents.apply(List.of("b"));

    assertThat(reads).containsExactly(List.of("b"), List.of("b"));
  }

  /** Starts a group's root unit of work as the committer does, and a command's nested in it. */
  private void inAGroupOf(Checks... commands) {
    List<CommandMessage<?>> group = new ArrayList<>();
    for (Checks command : commands) {
      group.add(GenericCommandMessage.asCommandMessage(command));
    }
    UnitOfWork<?> root = DefaultUnitOfWork.startAndGet(new GenericMessage<>("a group"));
    root.resources().put(GroupCommitCommandBus.GROUP_COMMANDS, List.copyOf(group));
    DefaultUnitOfWork.startAndGet(group.get(0));
  }
}
