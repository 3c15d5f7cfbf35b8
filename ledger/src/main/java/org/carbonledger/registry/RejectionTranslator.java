package org.carbonledger.registry;

import java.util.Map;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AggregateNotFoundException;

/**
 * Turns Axon's "aggregate not found" into the registry's named rejection for that kind of aggregate
 * ({@code BATCH_NOT_FOUND}, {@code ACCOUNT_NOT_FOUND}, ...), so that a caller never has to know
 * which framework stores the ledger.
 *
 * <p>The kind is read from the stream id's prefix (see {@link StreamIds}).
 */
public final class RejectionTranslator implements MessageHandlerInterceptor<CommandMessage<?>> {

  private static final Map<String, RejectionCode> NOT_FOUND =
      Map.of(
          StreamIds.ACCOUNT, RejectionCode.ACCOUNT_NOT_FOUND,
          StreamIds.METHODOLOGY, RejectionCode.METHODOLOGY_NOT_FOUND,
          StreamIds.PROJECT, RejectionCode.PROJECT_NOT_FOUND,
          StreamIds.BATCH, RejectionCode.BATCH_NOT_FOUND,
          StreamIds.FOOTPRINT, RejectionCode.FOOTPRINT_NOT_FOUND);

  @Override
  public Object handle(
      UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain interceptorChain)
      throws Exception {
    try {
      return interceptorChain.proceed();
    } catch (AggregateNotFoundException notFound) {
      String streamId = String.valueOf(notFound.getAggregateIdentifier());
      RejectionCode code = NOT_FOUND.get(StreamIds.kindOf(streamId));
      if (code == null) {
        throw notFound;
      }
      throw LedgerRejection.of(
          code, StreamIds.kindOf(streamId) + " " + StreamIds.idOf(streamId) + " does not exist");
    }
  }
}
