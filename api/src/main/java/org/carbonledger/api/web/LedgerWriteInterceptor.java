package org.carbonledger.api.web;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.carbonledger.auditlog.AuditMetadata;
import org.carbonledger.auditlog.ChainingEventStorageEngine;

/**
 * Runs in the transaction of a command that {@link LedgerWrites} sends, just after its handler and
 * the event store's own prepare-commit step, and learns where the write ended in the event store:
 * the position a later read waits for (read-your-writes): the global index of the last event its
 * transaction appended. That is the command's own last event, or, for a command committed in a
 * group with others (ADR 0012), the group's last: every event of the group becomes readable at the
 * same moment, so a read that waits for it waits for nothing the write did not need. On PostgreSQL
 * the append itself reports it; elsewhere it is found by that event's identifier, inside the
 * write's transaction, which costs one indexed lookup, where asking afterwards cost a pool
 * connection, a query and a commit more.
 *
 * <p>With an Idempotency-Key it also records the command's key in that transaction, just after its
 * events, so that a write and its record commit together or not at all. If two requests with one
 * key race, the second's record collides with the first's on the primary key and its whole
 * transaction, events included, rolls back: no second event is ever written.
 */
public final class LedgerWriteInterceptor implements MessageHandlerInterceptor<CommandMessage<?>> {

  static final String CLIENT = "idempotency.client";
  static final String REQUEST_HASH = "idempotency.requestHash";
  static final String RESULT = "idempotency.result";

  /**
   * The positions awaited, by the identifier of the command whose write fills them once its
   * transaction is about to commit. A command may run on another thread than its sender's (a
   * committer of {@code GroupCommitCommandBus}), so the slot is found by the command, not the
   * thread. A command that nobody awaits leaves no entry.
   */
  private static final Map<String, long[]> AWAITED = new ConcurrentHashMap<>();

  private final IdempotencyRecords records;

  public LedgerWriteInterceptor(IdempotencyRecords records) {
    this.records = records;
  }

  /**
   * A slot that the command with this identifier fills with its position, or leaves at -1 if it
   * runs on a bus that does not call this interceptor.
   */
  static long[] awaitPosition(String commandIdentifier) {
    long[] slot = {-1};
    AWAITED.put(commandIdentifier, slot);
    return slot;
  }

  static void stopAwaiting(String commandIdentifier) {
    AWAITED.remove(commandIdentifier);
  }

  @Override
  public Object handle(
      UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain interceptorChain)
      throws Exception {
    Object result = interceptorChain.proceed();
    long[] awaited = AWAITED.get(unitOfWork.getMessage().getIdentifier());
    var metaData = unitOfWork.getMessage().getMetaData();
    Object key = metaData.get(AuditMetadata.IDEMPOTENCY_KEY);
    boolean idempotent = key != null && metaData.get(CLIENT) != null;
    if (awaited == null && !idempotent) {
      return result;
    }
    String stored =
        metaData.get(RESULT) != null
            ? metaData.get(RESULT).toString()
            : result == null ? null : result.toString();
    // Registered after the handler ran, so it runs after the event store's own prepare-commit
    // step and the position includes this command's events. A command committed with others
    // (GroupCommitCommandBus) runs in a nested unit of work whose events are appended only when the
    // group's root commits; there the record waits for the root's prepare-commit, behind the
    // append, which the event bus registered while this unit's events were handed to the root.
    unitOfWork.onPrepareCommit(
        u -> {
          if (u.parent().isPresent()) {
            u.root()
                .onPrepareCommit(
                    root -> recordWrite(root, awaited, idempotent, metaData, key, stored));
          } else {
            recordWrite(u, awaited, idempotent, metaData, key, stored);
          }
        });
    return result;
  }

  /**
   * Records where the write ended, once its events are appended: in the Idempotency-Key's record,
   * and in the slot of a sender that awaits it.
   */
  private void recordWrite(
      UnitOfWork<?> unitOfWork,
      long[] awaited,
      boolean idempotent,
      MetaData metaData,
      Object key,
      String stored) {
    long position = position(unitOfWork);
    if (idempotent) {
      // A key that another request recorded meanwhile fails here on the primary key, and this
      // command rolls back whole (with its group, which then runs each command alone);
      // LedgerWrites then answers with that request's record.
      records.record(
          metaData.get(CLIENT).toString(),
          key.toString(),
          HexFormat.of().parseHex(metaData.get(REQUEST_HASH).toString()),
          stored,
          position);
    }
    if (awaited != null) {
      awaited[0] = position;
    }
  }

  /**
   * Where the command's write ended: the global index the append reported (PostgreSQL), else that
   * of its last event found by identifier (H2), else, for a command that appended nothing, the
   * highest index this transaction sees.
   */
  private long position(UnitOfWork<?> unitOfWork) {
    Object reported =
        unitOfWork.root().getResource(ChainingEventStorageEngine.LAST_APPENDED_POSITION);
    if (reported != null) {
      return (Long) reported;
    }
    Object last = unitOfWork.root().getResource(ChainingEventStorageEngine.LAST_APPENDED);
    return last != null ? records.positionOf(last.toString()) : records.latestPosition();
  }
}
