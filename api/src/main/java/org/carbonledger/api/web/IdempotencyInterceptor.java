package org.carbonledger.api.web;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Records a command's Idempotency-Key in the transaction that stores its events, just after them,
 * so that a write and its record commit together or not at all. If two requests with one key race,
 * the second's record collides with the first's on the primary key and its whole transaction,
 * events included, rolls back: no second event is ever written.
 */
public final class IdempotencyInterceptor implements MessageHandlerInterceptor<CommandMessage<?>> {

  static final String CLIENT = "idempotency.client";
  static final String REQUEST_HASH = "idempotency.requestHash";
  static final String RESULT = "idempotency.result";

  private final IdempotencyRecords records;

  public IdempotencyInterceptor(IdempotencyRecords records) {
    this.records = records;
  }

  @Override
  public Object handle(
      UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain interceptorChain)
      throws Exception {
    Object result = interceptorChain.proceed();
    var metaData = unitOfWork.getMessage().getMetaData();
    Object key = metaData.get(org.carbonledger.auditlog.AuditMetadata.IDEMPOTENCY_KEY);
    if (key != null && metaData.get(CLIENT) != null) {
      String stored =
          metaData.get(RESULT) != null
              ? metaData.get(RESULT).toString()
              : result == null ? null : result.toString();
      byte[] hash = java.util.HexFormat.of().parseHex(metaData.get(REQUEST_HASH).toString());
      // Registered after the handler ran, so it runs after the event store's own prepare-commit
      // step and the position it records includes this command's events.
      // A key that another request recorded meanwhile fails here on the primary key, and this
      // command rolls back whole; LedgerWrites then answers with that request's record.
      unitOfWork.onPrepareCommit(
          u -> records.record(metaData.get(CLIENT).toString(), key.toString(), hash, stored));
    }
    return result;
  }
}
