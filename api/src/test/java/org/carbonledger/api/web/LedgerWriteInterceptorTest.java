package org.carbonledger.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.carbonledger.auditlog.ChainingEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A write learns its position inside its own transaction, from the last event it appended, and
 * hands it to the thread that sent it: no query of the highest global index, which on PostgreSQL
 * steps over every other writer's uncommitted entries.
 */
class LedgerWriteInterceptorTest {

  private final IdempotencyRecords records = mock(IdempotencyRecords.class);
  private final LedgerWriteInterceptor interceptor = new LedgerWriteInterceptor(records);

  @AfterEach
  void stopAwaiting() {
    LedgerWriteInterceptor.stopAwaiting();
  }

  @Test
  void theSendingThreadGetsThePositionOfTheLastEventItsWriteAppended() throws Exception {
    when(records.positionOf("event-3")).thenReturn(42L);
    when(records.latestPosition()).thenThrow(new AssertionError("asked for the highest index"));
    long[] slot = LedgerWriteInterceptor.awaitPosition();

    UnitOfWork<CommandMessage<?>> unit = command();
    Object result =
        unit.executeWithResult(
                () -> {
                  Object handled = interceptor.handle(CurrentUnit.get(), () -> "handled");
                  // As the storage engine does when it appends the command's events.
                  CurrentUnit.get()
                      .root()
                      .resources()
                      .put(ChainingEventStorageEngine.LAST_APPENDED, "event-3");
                  return handled;
                })
            .getPayload();

    assertThat(result).isEqualTo("handled");
    assertThat(slot[0]).isEqualTo(42L);
    verify(records, never()).latestPosition();
  }

  @Test
  void aPositionTheAppendReportedCostsNoQuery() throws Exception {
    long[] slot = LedgerWriteInterceptor.awaitPosition();

    command()
        .executeWithResult(
            () -> {
              Object handled = interceptor.handle(CurrentUnit.get(), () -> "handled");
              // As the storage engine does on PostgreSQL, whose append returns the index.
              var resources = CurrentUnit.get().root().resources();
              resources.put(ChainingEventStorageEngine.LAST_APPENDED, "event-3");
              resources.put(ChainingEventStorageEngine.LAST_APPENDED_POSITION, 43L);
              return handled;
            });

    assertThat(slot[0]).isEqualTo(43L);
    verify(records, never()).positionOf(anyString());
    verify(records, never()).latestPosition();
  }

  @Test
  void aWriteThatAppendedNothingAsksForTheHighestIndex() throws Exception {
    when(records.latestPosition()).thenReturn(7L);
    long[] slot = LedgerWriteInterceptor.awaitPosition();

    command().executeWithResult(() -> interceptor.handle(CurrentUnit.get(), () -> null));

    assertThat(slot[0]).isEqualTo(7L);
    verify(records, never()).positionOf(anyString());
  }

  @Test
  void aCommandNobodyWaitsForWithoutAKeyCostsNoQuery() throws Exception {
    command().executeWithResult(() -> interceptor.handle(CurrentUnit.get(), () -> "done"));

    verify(records, never()).latestPosition();
    verify(records, never()).positionOf(anyString());
    verify(records, never()).record(anyString(), anyString(), any(), any(), anyLong());
  }

  private static UnitOfWork<CommandMessage<?>> command() {
    return DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage("transfer"));
  }

  /** The unit of work the interceptor runs in, typed as the interceptor takes it. */
  private static final class CurrentUnit {
    @SuppressWarnings("unchecked")
    static UnitOfWork<? extends CommandMessage<?>> get() {
      return (UnitOfWork<? extends CommandMessage<?>>)
          org.axonframework.messaging.unitofwork.CurrentUnitOfWork.get();
    }
  }
}
