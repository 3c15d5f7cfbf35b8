package org.carbonledger.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.carbonledger.auditlog.AuditMetadata;
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

  private final CommandMessage<?> transfer = GenericCommandMessage.asCommandMessage("transfer");

  @AfterEach
  void stopAwaiting() {
    LedgerWriteInterceptor.stopAwaiting(transfer.getIdentifier());
  }

  @Test
  void theSendingThreadGetsThePositionOfTheLastEventItsWriteAppended() throws Exception {
    when(records.positionOf("event-3")).thenReturn(42L);
    when(records.latestPosition()).thenThrow(new AssertionError("asked for the highest index"));
    long[] slot = LedgerWriteInterceptor.awaitPosition(transfer.getIdentifier());

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
    long[] slot = LedgerWriteInterceptor.awaitPosition(transfer.getIdentifier());

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
    long[] slot = LedgerWriteInterceptor.awaitPosition(transfer.getIdentifier());

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

  @Test
  void aCommandCommittedInAGroupGetsThePositionOfTheGroupsAppendAndRecordsItsKeyAfterIt()
      throws Exception {
    long[] slot = LedgerWriteInterceptor.awaitPosition(transfer.getIdentifier());
    CommandMessage<?> keyed =
        GenericCommandMessage.asCommandMessage("retire")
            .andMetaData(
                Map.of(
                    AuditMetadata.IDEMPOTENCY_KEY, "key-1",
                    LedgerWriteInterceptor.CLIENT, "client-1",
                    LedgerWriteInterceptor.REQUEST_HASH, "00ff"));
    UnitOfWork<?> group = DefaultUnitOfWork.startAndGet(new GenericMessage<>("group"));
    boolean[] appended = {false};
    when(records.latestPosition()).thenThrow(new AssertionError("asked for the highest index"));
    doAnswer(
            call -> {
              assertThat(appended[0]).as("the events were appended before the record").isTrue();
              return null;
            })
        .when(records)
        .record(anyString(), anyString(), any(), any(), anyLong());

    for (CommandMessage<?> command : List.of(transfer, keyed)) {
      DefaultUnitOfWork.startAndGet(command)
          .executeWithResult(
              () -> {
                // As the event bus does for a nested unit: its events go to the root's queue when
                // it commits, and the root's append is registered then, once.
                CurrentUnit.get()
                    .onPrepareCommit(
                        u -> {
                          if (!u.root().resources().containsKey("append registered")) {
                            u.root().resources().put("append registered", true);
                            u.root()
                                .onPrepareCommit(
                                    root -> {
                                      appended[0] = true;
                                      root.resources()
                                          .put(
                                              ChainingEventStorageEngine.LAST_APPENDED_POSITION,
                                              51L);
                                    });
                          }
                        });
                return interceptor.handle(CurrentUnit.get(), () -> "handled");
              });
      assertThat(slot[0]).as("nothing is known before the group appends").isEqualTo(-1L);
    }
    group.commit();

    assertThat(slot[0]).isEqualTo(51L);
    verify(records).record("client-1", "key-1", new byte[] {0, (byte) 0xff}, "handled", 51L);
  }

  private UnitOfWork<CommandMessage<?>> command() {
    return DefaultUnitOfWork.startAndGet(transfer);
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
