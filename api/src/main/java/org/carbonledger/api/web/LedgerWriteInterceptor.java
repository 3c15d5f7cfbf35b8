package org.carbonledger.api.web;

import java.util.HexFormat;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.carbonledger.auditlog.AuditMetadata;
import org.carbonledger.auditlog.ChainingEventStorageEngine;

/**
 * Runs in the transaction of a command that {@link LedgerWrites} sends, just after its handler and
 * the event store's own prepare-commit step, and learns where the write ended in the event store:
 * the position a later read waits for (read-your-writes): the global index of the last event it
 * appended. On PostgreSQL the append itself reports it; elsewhere it is found by that event's
 * identifier, inside the write's transaction, which costs one indexed lookup, where asking
 * afterwards cost a pool connection, a query and a commit more.
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
   * The position the current thread's write reached, once its transaction is about to commit.
   * Axon's simple command bus runs a handler on the thread that sent the command; on any other bus
   * the slot stays empty and {@link LedgerWrites} asks the event store afterwards.
   */
  private static final ThreadLocal<long[]> AWAITED = new ThreadLocal<>();

  private final IdempotencyRecords records;

  public LedgerWriteInterceptor(IdempotencyRecords records) {
    this.records = records;
  }

  /** A slot that the next command this thread sends fills with its position, or leaves at -1. */
  static long[] awaitPosition() {
    long[] slot = {-1};
    AWAITED.set(slot);
    return slot;
  }

  static void stopAwaiting() {
    AWAITED.remove();
  }

  @Override
  public Object handle(
      UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain interceptorChain)
      throws Exception {
    Object result = interceptorChain.proceed();
    long[] awaited = AWAITED.get();
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
    // step and the position includes this command's events.
    unitOfWork.onPrepareCommit(
        u -> {
          long position = position(u);
          if (idempotent) {
            // A key that another request recorded meanwhile fails here on the primary key, and
            // this command rolls back whole; LedgerWrites then answers with that request's record.
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
        });
    return result;
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
