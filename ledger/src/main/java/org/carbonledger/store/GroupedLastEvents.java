package org.carbonledger.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

/**
 * The last stored event of streams, as {@link LastEvents} reads them, but read once for a whole
 * command group (ADR 0012): the first command of a group that asks reads the streams that every
 * command of the group will ask about, in one query, and the others find their answers there.
 *
 * <p>Why: each credit movement checks that its accounts are open, and the check reads the last
 * event of each account's stream in the command's transaction. With 32 clients that query was an
 * eighth of the service's Java CPU, most of it the round trip (docs/performance.md); a group of
 * five movements now makes one.
 *
 * <p>What a command sees is what it saw before. The answers are read in the group's transaction,
 * before its first command runs, where each command read them just before it ran. A movement never
 * appends to an account's stream (ADR 0012), so nothing in the group changes them; a freeze
 * committed elsewhere between the read and a command was missed before too, between the command's
 * read and its commit. Outside a group (a command alone, any other command, no unit of work) every
 * call reads, as {@link LastEvents} does.
 */
public final class GroupedLastEvents implements Function<List<String>, Map<String, String>> {

  private static final String READ = GroupedLastEvents.class.getName() + ".read";

  private final Function<List<String>, Map<String, String>> lastEvents;
  private final Function<CommandMessage<?>, List<String>> streamsOf;

  /**
   * @param lastEvents reads the last event of each stream in the caller's transaction, as {@link
   *     LastEvents#identifiersOf}
   * @param streamsOf the streams a command of a group will ask about, possibly none
   */
  public GroupedLastEvents(
      Function<List<String>, Map<String, String>> lastEvents,
      Function<CommandMessage<?>, List<String>> streamsOf) {
    this.lastEvents = lastEvents;
    this.streamsOf = streamsOf;
  }

  /**
   * @param streamIds stream identifiers, not empty
   * @return the identifier of each stream's last event, by stream; a stream without events is
   *     absent
   */
  @Override
  public Map<String, String> apply(List<String> streamIds) {
    List<CommandMessage<?>> group = GroupCommitCommandBus.groupOfCurrentUnitOfWork();
    if (group.isEmpty()) {
      return lastEvents.apply(streamIds);
    }
    Map<String, Optional<String>> read =
        CurrentUnitOfWork.get().root().getOrComputeResource(READ, key -> new HashMap<>());
    if (!read.keySet().containsAll(streamIds)) {
      Set<String> wanted = new LinkedHashSet<>(streamIds);
      if (read.isEmpty()) {
        group.forEach(command -> wanted.addAll(streamsOf.apply(command)));
      }
      wanted.removeAll(read.keySet());
      Map<String, String> found = lastEvents.apply(new ArrayList<>(wanted));
      wanted.forEach(stream -> read.put(stream, Optional.ofNullable(found.get(stream))));
    }
    Map<String, String> answer = new HashMap<>();
    for (String stream : streamIds) {
      read.get(stream).ifPresent(last -> answer.put(stream, last));
    }
    return answer;
  }
}
