package org.carbonledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.callbacks.FutureCallback;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Credit movements share transactions only where that changes nothing a caller can see: each is
 * answered after its transaction committed, a refusal is the refusal it gets alone, and a commit
 * whose outcome is unknown is never tried twice.
 */
class GroupCommitCommandBusTest {

  /** A movement of one batch's credits; {@code refuse} makes its handler throw. */
  record Move(String batch, String id, boolean refuse) {}

  /** Any other command. */
  record Other(String id) {}

  private final Transactions transactions = new Transactions();
  private final List<String> stored = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
  private final Map<String, Thread> handledOn = new ConcurrentHashMap<>();
  private final Map<String, List<String>> groupSeenBy = new ConcurrentHashMap<>();
  private volatile CountDownLatch entered = new CountDownLatch(0);
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private GroupCommitCommandBus bus;

  @AfterEach
  void close() {
    if (bus != null) {
      bus.close();
    }
  }

  @Test
  void concurrentMovementsOfABatchCommitInOneTransactionAndAreAnsweredOnlyAfterIt()
      throws Exception {
    bus = bus(32, 2);
    List<FutureCallback<Object, Object>> answers = holdTheCommitterWhileSending(6, i -> false);

    for (FutureCallback<Object, Object> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS).isExceptional()).isFalse();
    }
    // The first ran alone while the others queued behind it; those five then shared one commit.
    assertThat(transactions.commits.get()).isEqualTo(2);
    assertThat(stored).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5");
    assertThat(transactions.committedWhenAnswered)
        .as("how many commits each answer came after")
        .containsExactly(1, 2, 2, 2, 2, 2);
    assertThat(bus.statistics()).isEqualTo(new GroupCommitCommandBus.Statistics(1, 5, 0));
    assertThat(handledOn.get("m3")).isNotEqualTo(Thread.currentThread());
  }

  @Test
  void eachCommandOfAGroupCanSeeTheWholeGroupAndACommandAloneSeesNone() throws Exception {
    bus = bus(32, 2);
    List<FutureCallback<Object, Object>> answers = holdTheCommitterWhileSending(4, i -> false);
    for (FutureCallback<Object, Object> answer : answers) {
      answer.get(10, TimeUnit.SECONDS);
    }

    assertThat(groupSeenBy.get("m0")).isEmpty();
    for (String id : List.of("m1", "m2", "m3")) {
      assertThat(groupSeenBy.get(id)).as(id).containsExactly("m1", "m2", "m3");
    }
  }

  @Test
  void aGroupTriedAgainWithoutARefusedCommandSeesOnlyWhatIsLeftOfIt() throws Exception {
    bus = bus(32, 2);
    List<FutureCallback<Object, Object>> answers = holdTheCommitterWhileSending(4, i -> i == 2);
    for (FutureCallback<Object, Object> answer : answers) {
      answer.get(10, TimeUnit.SECONDS);
    }

    assertThat(groupSeenBy.get("m1")).containsExactly("m1", "m3");
    assertThat(groupSeenBy.get("m3")).containsExactly("m1", "m3");
    assertThat(groupSeenBy.get("m2")).as("refused, then run alone").isEmpty();
  }

  @Test
  void aRefusedMovementIsRefusedAloneAndTheOthersOfItsGroupStillCommitTogether() throws Exception {
    bus = bus(32, 2);
    List<FutureCallback<Object, Object>> answers = holdTheCommitterWhileSending(4, i -> i == 2);

    assertThat(answers.get(2).get(10, TimeUnit.SECONDS).exceptionResult())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("m2 refused");
    for (int i : new int[] {0, 1, 3}) {
      assertThat(answers.get(i).get(10, TimeUnit.SECONDS).isExceptional()).isFalse();
    }
    // The group of m1, m2, m3 rolled back whole; m1 and m3 then committed together, and m2 was
    // refused in its own transaction.
    assertThat(stored).containsExactlyInAnyOrder("m0", "m1", "m3");
    assertThat(handled.get("m1").get()).isEqualTo(2);
    assertThat(handled.get("m2").get()).isEqualTo(2);
    assertThat(handled.get("m3").get()).as("the first attempt stopped at the refusal").isEqualTo(1);
    assertThat(bus.statistics()).isEqualTo(new GroupCommitCommandBus.Statistics(1, 2, 1));
    assertThat(transactions.commits.get()).isEqualTo(2);
  }

  @Test
  void aGroupFullOfRefusalsEndsCommandByCommand() throws Exception {
    bus = bus(32, 2);
    List<FutureCallback<Object, Object>> answers = holdTheCommitterWhileSending(8, i -> i % 2 == 1);

    for (int i = 0; i < 8; i++) {
      assertThat(answers.get(i).get(10, TimeUnit.SECONDS).isExceptional()).isEqualTo(i % 2 == 1);
    }
    assertThat(stored).containsExactlyInAnyOrder("m0", "m2", "m4", "m6");
    assertThat(bus.statistics().groupsRolledBack()).isEqualTo(GroupCommitCommandBus.MAX_ATTEMPTS);
    assertThat(bus.statistics().groups()).isZero();
  }

  @Test
  void aGroupThatFailsBeforeItsCommitRunsEachOfItsCommandsAgainAlone() throws Exception {
    bus = bus(32, 2);
    // As a key collision on an idempotency record would, in the group's prepare-commit only.
    transactions.failPrepareOfGroups = true;
    List<FutureCallback<Object, Object>> answers = holdTheCommitterWhileSending(3, i -> false);

    for (FutureCallback<Object, Object> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS).isExceptional()).isFalse();
    }
    assertThat(stored).containsExactlyInAnyOrder("m0", "m1", "m2");
    assertThat(bus.statistics().groupsRolledBack()).isEqualTo(1);
  }

  @Test
  void aCommitThatFailedIsTheAnswerOfEveryCommandOfItsGroupAndNoneRunsTwice() throws Exception {
    bus = bus(32, 2);
    transactions.failCommitNumber = 2;
    List<FutureCallback<Object, Object>> answers = holdTheCommitterWhileSending(4, i -> false);

    assertThat(answers.get(0).get(10, TimeUnit.SECONDS).isExceptional()).isFalse();
    for (int i = 1; i < 4; i++) {
      assertThat(answers.get(i).get(10, TimeUnit.SECONDS).exceptionResult())
          .hasMessage("the connection broke during COMMIT");
      assertThat(handled.get("m" + i).get()).isEqualTo(1);
    }
  }

  @Test
  void otherCommandsRunOnTheCallersThreadInTheirOwnTransaction() {
    bus = bus(32, 2);

    bus.dispatch(GenericCommandMessage.asCommandMessage(new Other("o1")));

    assertThat(handledOn.get("o1")).isEqualTo(Thread.currentThread());
    assertThat(stored).containsExactlyInAnyOrder("o1");
    assertThat(transactions.commits.get()).isEqualTo(1);
  }

  @Test
  void aGroupSizeOfOneRunsEveryCommandOnTheCallersThread() {
    bus = bus(1, 2);

    bus.dispatch(GenericCommandMessage.asCommandMessage(new Move("b", "m1", false)));

    assertThat(handledOn.get("m1")).isEqualTo(Thread.currentThread());
    assertThat(stored).containsExactlyInAnyOrder("m1");
  }

  @Test
  void aClosedBusAnswersWhatWasQueuedAndRefusesWhatComesAfter() throws Exception {
    bus = bus(32, 1);
    List<FutureCallback<Object, Object>> queued = new ArrayList<>();
    entered = new CountDownLatch(1);
    gate = new CountDownLatch(1);
    queued.add(send(new Move("b", "m0", false)));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    queued.add(send(new Move("b", "m1", false)));
    Thread closing = new Thread(bus::close);
    closing.start();
    while (closing.getState() != Thread.State.TIMED_WAITING
        && closing.getState() != Thread.State.TERMINATED) {
      Thread.onSpinWait();
    }
    FutureCallback<Object, Object> late = send(new Move("b", "m2", false));
    gate.countDown();
    closing.join(10_000);

    for (FutureCallback<Object, Object> answer : queued) {
      assertThat(answer.get(10, TimeUnit.SECONDS).isExceptional()).isFalse();
    }
    assertThat(late.get(10, TimeUnit.SECONDS).exceptionResult())
        .hasMessageContaining("shutting down");
    assertThat(stored).containsExactlyInAnyOrder("m0", "m1");
  }

  /**
   * Sends movements m0 to m(n-1) of one batch: m0 is held in its handler until the others are
   * queued behind it, so that they form one group.
   */
  private List<FutureCallback<Object, Object>> holdTheCommitterWhileSending(
      int n, IntPredicate refuse) throws InterruptedException {
    entered = new CountDownLatch(1);
    gate = new CountDownLatch(1);
    List<FutureCallback<Object, Object>> answers = new ArrayList<>();
    answers.add(send(new Move("b", "m0", refuse.test(0))));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i < n; i++) {
      answers.add(send(new Move("b", "m" + i, refuse.test(i))));
    }
    gate.countDown();
    return answers;
  }

  private FutureCallback<Object, Object> send(Object payload) {
    FutureCallback<Object, Object> answer =
        new FutureCallback<>() {
          @Override
          public void onResult(
              CommandMessage<?> command, CommandResultMessage<?> commandResultMessage) {
            transactions.committedWhenAnswered.add(transactions.commits.get());
            super.onResult(command, commandResultMessage);
          }
        };
    bus.dispatch(GenericCommandMessage.asCommandMessage(payload), answer);
    return answer;
  }

  private GroupCommitCommandBus bus(int size, int committers) {
    GroupCommitCommandBus created =
        new GroupCommitCommandBus(
            SimpleCommandBus.builder(),
            transactions,
            command -> command.getPayload() instanceof Move move ? move.batch() : null,
            size,
            committers);
    created.subscribe(
        Move.class.getName(),
        message -> {
          Move move = (Move) message.getPayload();
          return handle(move.id(), move.refuse());
        });
    created.subscribe(
        Other.class.getName(), message -> handle(((Other) message.getPayload()).id(), false));
    return created;
  }

  private Object handle(String id, boolean refuse) throws InterruptedException {
    handled.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    handledOn.put(id, Thread.currentThread());
    groupSeenBy.put(
        id,
        GroupCommitCommandBus.groupOfCurrentUnitOfWork().stream()
            .map(command -> ((Move) command.getPayload()).id())
            .toList());
    entered.countDown();
    gate.await(10, TimeUnit.SECONDS);
    if (refuse) {
      throw new IllegalArgumentException(id + " refused");
    }
    // As the event store would: the write becomes visible only if the outermost unit commits.
    var unit = CurrentUnitOfWork.get();
    unit.root().onCommit(u -> stored.add(id));
    if (transactions.failPrepareOfGroups && unit.parent().isPresent()) {
      unit.root()
          .onPrepareCommit(
              u -> {
                throw new IllegalStateException("duplicate key");
              });
    }
    return id;
  }

  /**
   * A transaction manager with the one trait of Spring's that matters here: a transaction started
   * while one is open on the thread joins it, and only the outermost commits or rolls back.
   */
  private static final class Transactions implements TransactionManager {
    final AtomicInteger commits = new AtomicInteger();
    final List<Integer> committedWhenAnswered = Collections.synchronizedList(new ArrayList<>());
    final ThreadLocal<Boolean> open = ThreadLocal.withInitial(() -> false);
    volatile boolean failPrepareOfGroups;
    volatile int failCommitNumber = -1;
    private final AtomicInteger started = new AtomicInteger();

    @Override
    public Transaction startTransaction() {
      if (open.get()) {
        return new Transaction() {
          @Override
          public void commit() {}

          @Override
          public void rollback() {}
        };
      }
      open.set(true);
      int number = started.incrementAndGet();
      return new Transaction() {
        @Override
        public void commit() {
          open.set(false);
          if (number == failCommitNumber) {
            throw new IllegalStateException("the connection broke during COMMIT");
          }
          commits.incrementAndGet();
        }

        @Override
        public void rollback() {
          open.set(false);
        }
      };
    }
  }
}
