package org.carbonledger.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.axonframework.commandhandling.CommandCallback;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandResultMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Axon's simple command bus, except that commands of one kind (the credit movements) are committed
 * several to a transaction (ADR 0012): one durable commit and one append of the events for a whole
 * group of concurrent commands, where a commit per command capped the ledger below PostgreSQL's
 * single-row commit rate, and a hot batch at one movement per WAL flush.
 *
 * <p>A groupable command goes to one of a few committer threads, chosen by its group key (the
 * batch), so that commands on one batch always meet on the same thread. A committer takes what is
 * waiting, up to the group size, and runs each command in a unit of work nested in one root unit of
 * work and one transaction; it never waits for a group to fill. Every command's answer is held back
 * until the group has committed, so no caller ever hears of a write that could still be lost.
 *
 * <p>If a command of a group fails, the group is rolled back whole, the others are tried again as a
 * group without it, and it runs alone afterwards, in its own transaction, exactly as it would have
 * run without grouping. So a refusal answers with the refusal the command gets alone, and one
 * command's failure never becomes another's. A group that fails before its commit for any other
 * reason, or for the fourth time, runs command by command. Only a failure of the commit itself,
 * whose outcome PostgreSQL may not have reported, is answered as it is to every command of the
 * group, as a single command's would be: running them again could write them twice.
 *
 * <p>Any other command, and every command when the group size is 1, runs on the caller's thread
 * exactly as in {@link SimpleCommandBus}.
 */
public final class GroupCommitCommandBus extends SimpleCommandBus {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitCommandBus.class);

  /** How often a group is tried before what is left of it runs command by command. */
  static final int MAX_ATTEMPTS = 4;

  /** The root unit of work's resource that holds its group's commands, in order. */
  static final String GROUP_COMMANDS = GroupCommitCommandBus.class.getName() + ".group";

  private static final int COMMITTED_OR_ANSWERED = -1;
  private static final int BEFORE_COMMIT = -2;

  private final TransactionManager transactions;
  private final Function<CommandMessage<?>, String> groupKey;
  private final int maxGroup;
  private final List<Committer> committers = new ArrayList<>();
  private final AtomicLong groups = new AtomicLong();
  private final AtomicLong groupedCommands = new AtomicLong();
  private final AtomicLong groupsRolledBack = new AtomicLong();
  private final ReadWriteLock open = new ReentrantReadWriteLock();
  private volatile boolean closed;

  /**
   * @param builder Axon's builder of the simple command bus, with the same transaction manager
   * @param transactions the transaction manager that each group's root unit of work attaches
   * @param groupKey the key of a command that may share a transaction with others (commands with
   *     one key always go to the same committer), or null for a command that must run alone on the
   *     caller's thread
   * @param maxGroup the most commands in one transaction; 1 turns grouping off
   * @param committerCount the committer threads: while one group waits on the database (its
   *     statements' round trips, its commit), the others run theirs
   */
  public GroupCommitCommandBus(
      Builder builder,
      TransactionManager transactions,
      Function<CommandMessage<?>, String> groupKey,
      int maxGroup,
      int committerCount) {
    super(builder.transactionManager(transactions));
    if (maxGroup < 1 || committerCount < 1) {
      throw new IllegalArgumentException(
          "a group holds at least 1 command and there is at least 1 committer, not "
              + maxGroup
              + " and "
              + committerCount);
    }
    this.transactions = transactions;
    this.groupKey = groupKey;
    this.maxGroup = maxGroup;
    if (maxGroup > 1) {
      for (int i = 0; i < committerCount; i++) {
        Committer committer = new Committer("command-committer-" + (i + 1));
        committers.add(committer);
        committer.thread.start();
      }
    }
  }

  @Override
  protected <C, R> void doDispatch(
      CommandMessage<C> command, CommandCallback<? super C, ? super R> callback) {
    String key = committers.isEmpty() ? null : groupKey.apply(command);
    if (key == null) {
      super.doDispatch(command, callback);
      return;
    }
    Committer committer = committers.get(Math.floorMod(key.hashCode(), committers.size()));
    // Held while queueing, so that close() cannot slip between the check and the queueing and
    // leave a command that no committer will ever answer.
    open.readLock().lock();
    try {
      if (closed) {
        callback.onResult(
            command,
            GenericCommandResultMessage.asCommandResultMessage(
                new IllegalStateException(
                    "the ledger is shutting down and takes no more commands")));
        return;
      }
      // A full queue makes the caller wait: the committers set the pace.
      committer.queue.put(new Pending<>(command, callback));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callback.onResult(
          command,
          GenericCommandResultMessage.asCommandResultMessage(
              new IllegalStateException("interrupted before the command was queued", e)));
    } finally {
      open.readLock().unlock();
    }
  }

  /**
   * Counts since start, for the benchmarks and the operator: how well commands are grouped.
   *
   * @param groups groups of two or more commands committed
   * @param groupedCommands the commands in those groups
   * @param groupsRolledBack attempts at a group that failed before their commit and were rolled
   *     back, to be tried again without the command that failed, or command by command
   */
  public record Statistics(long groups, long groupedCommands, long groupsRolledBack) {}

  public Statistics statistics() {
    return new Statistics(groups.get(), groupedCommands.get(), groupsRolledBack.get());
  }

  /** {@link #close(long)} with half a minute for the queued commands. */
  public void close() {
    try {
      close(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops taking groupable commands and lets the committers finish what is queued, waiting up to
   * {@code timeoutMillis}. Spring calls this when the context closes, before the data source goes.
   */
  public void close(long timeoutMillis) throws InterruptedException {
    open.writeLock().lock();
    try {
      closed = true;
    } finally {
      open.writeLock().unlock();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (Committer committer : committers) {
      committer.queue.put(Pending.STOP);
    }
    for (Committer committer : committers) {
      committer.thread.join(
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
  }

  /**
   * The commands of the group that the current unit of work belongs to, in the order they run, so
   * that a participant which reads the database for each command can read for all of them at once,
   * as the projections read ahead for a processor batch. Every command of the list runs in the
   * current transaction, unless the group fails and is tried again (in a new transaction, with its
   * own list).
   *
   * @return the group's commands, or an empty list outside a group: no unit of work, a command
   *     running alone (in a group of one, or as any other command does)
   */
  public static List<CommandMessage<?>> groupOfCurrentUnitOfWork() {
    if (!CurrentUnitOfWork.isStarted()) {
      return List.of();
    }
    List<CommandMessage<?>> group = CurrentUnitOfWork.get().root().getResource(GROUP_COMMANDS);
    return group == null ? List.of() : group;
  }

  /** A command waiting for its committer, with whom to tell the outcome. */
  private record Pending<C, R>(
      CommandMessage<C> command, CommandCallback<? super C, ? super R> callback) {

    static final Pending<?, ?> STOP = new Pending<>(null, null);

    void answer(CommandResultMessage<?> result) {
      @SuppressWarnings("unchecked")
      CommandResultMessage<? extends R> typed = (CommandResultMessage<? extends R>) result;
      callback.onResult(command, typed);
    }
  }

  private final class Committer implements Runnable {
    private final BlockingQueue<Pending<?, ?>> queue = new ArrayBlockingQueue<>(16 * maxGroup);
    private final Thread thread;

    Committer(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      List<Pending<?, ?>> group = new ArrayList<>(maxGroup);
      while (true) {
        group.clear();
        try {
          group.add(queue.take());
        } catch (InterruptedException e) {
          return;
        }
        queue.drainTo(group, maxGroup - 1);
        boolean stop = group.remove(Pending.STOP);
        try {
          if (group.size() == 1) {
            runAlone(group.get(0));
          } else if (!group.isEmpty()) {
            runGroup(group);
          }
        } catch (RuntimeException | Error e) {
          // runGroup and runAlone answer every command themselves; this is a last resort that
          // keeps the committer alive.
          log.error("a command group failed outside its commands", e);
        }
        if (stop) {
          // Nothing is queued behind the stop: close() sets the flag, which every sender checks
          // under the same lock as it queues, before it queues the stop.
          return;
        }
      }
    }

    /** The command in its own transaction, exactly as the simple command bus runs it. */
    private void runAlone(Pending<?, ?> pending) {
      if (pending == Pending.STOP) {
        return;
      }
      dispatchHere(pending, pending.callback());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void dispatchHere(Pending pending, CommandCallback callback) {
      GroupCommitCommandBus.super.doDispatch(pending.command(), callback);
    }

    /**
     * The commands in one transaction if they can all be committed together. A command that fails
     * is taken out and the others are tried again as a group, at most {@link #MAX_ATTEMPTS} times;
     * each command taken out then runs alone, after them.
     */
    private void runGroup(List<Pending<?, ?>> group) {
      List<Pending<?, ?>> remaining = new ArrayList<>(group);
      List<Pending<?, ?>> failed = new ArrayList<>();
      for (int attempt = 1; ; attempt++) {
        int failedAt = attempt(remaining);
        if (failedAt == COMMITTED_OR_ANSWERED) {
          break;
        }
        groupsRolledBack.incrementAndGet();
        if (failedAt == BEFORE_COMMIT || attempt == MAX_ATTEMPTS) {
          remaining.forEach(this::runAlone);
          break;
        }
        failed.add(remaining.remove(failedAt));
        if (remaining.size() == 1) {
          runAlone(remaining.get(0));
          break;
        }
      }
      // Alone, after the others: a refusal answers as the command's own, never as the group's.
      failed.forEach(this::runAlone);
    }

    /**
     * Runs the commands in one transaction, each in a unit of work nested in the group's, and
     * answers them once it has committed.
     *
     * @return {@link #COMMITTED_OR_ANSWERED} if every command was answered (committed, or a commit
     *     whose outcome is unknown), the index of the command that failed, or {@link
     *     #BEFORE_COMMIT} if the group failed to commit before the commit itself; in the last two
     *     cases the group is rolled back and nothing is answered
     */
    private int attempt(List<Pending<?, ?>> group) {
      WatchedTransactions watched = new WatchedTransactions(transactions);
      List<CommandResultMessage<?>> results = new ArrayList<>(group.size());
      UnitOfWork<Message<?>> root =
          DefaultUnitOfWork.startAndGet(
              new GenericMessage<>("a group of " + group.size() + " commands"));
      Throwable failure = null;
      int failedAt = BEFORE_COMMIT;
      try {
        root.attachTransaction(watched);
        root.resources()
            .put(GROUP_COMMANDS, group.stream().<CommandMessage<?>>map(Pending::command).toList());
        for (int i = 0; i < group.size(); i++) {
          CommandResultMessage<?>[] result = new CommandResultMessage<?>[1];
          dispatchHere(group.get(i), (command, outcome) -> result[0] = outcome);
          if (result[0] == null || result[0].isExceptional()) {
            // The command's nested unit of work has rolled back its own events, but it may have
            // changed an aggregate that the group shares before it failed: only a rollback of
            // the whole group is sure to forget that.
            failure =
                result[0] == null
                    ? new IllegalStateException("a command of the group was not answered")
                    : result[0].exceptionResult();
            failedAt = i;
            break;
          }
          results.add(result[0]);
        }
      } catch (RuntimeException | Error e) {
        failure = e;
      }
      if (failure != null) {
        if (CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get() == root) {
          root.rollback(failure);
        }
        return failedAt;
      }
      try {
        root.commit();
      } catch (RuntimeException | Error e) {
        if (!watched.commitStarted) {
          // Rolled back before the commit: nothing of the group is stored.
          return BEFORE_COMMIT;
        }
        // The database may have committed the group or not; only a caller that tries again with
        // its Idempotency-Key can find out safely.
        group.forEach(
            pending -> pending.answer(GenericCommandResultMessage.asCommandResultMessage(e)));
        return COMMITTED_OR_ANSWERED;
      }
      groups.incrementAndGet();
      groupedCommands.addAndGet(group.size());
      for (int i = 0; i < group.size(); i++) {
        group.get(i).answer(results.get(i));
      }
      return COMMITTED_OR_ANSWERED;
    }
  }

  /** Remembers whether a transaction's commit was attempted, whatever its outcome. */
  private static final class WatchedTransactions implements TransactionManager {
    private final TransactionManager delegate;
    private volatile boolean commitStarted;

    WatchedTransactions(TransactionManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public Transaction startTransaction() {
      Transaction transaction = delegate.startTransaction();
      return new Transaction() {
        @Override
        public void commit() {
          commitStarted = true;
          transaction.commit();
        }

        @Override
        public void rollback() {
          transaction.rollback();
        }
      };
    }
  }
}
