package org.carbonledger.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.json.JacksonSerializer;
import org.carbonledger.accounts.AccountEvent.AccountFrozen;
import org.carbonledger.accounts.AccountEvent.AccountOpened;
import org.carbonledger.accounts.AccountEvent.AccountUnfrozen;
import org.carbonledger.registry.LedgerRejection;
import org.carbonledger.registry.RejectionCode;
import org.carbonledger.store.LastEvents;
import org.carbonledger.store.LedgerTables;
import org.carbonledger.testsupport.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The remembered account checks against a real event store on PostgreSQL. */
class CachedAccountCheckPostgresIT {

  private DriverManagerDataSource dataSource;
  private JdbcEventStorageEngine engine;
  private EventStore eventStore;
  private final AtomicInteger folds = new AtomicInteger();

  @BeforeEach
  void emptyEventStore() {
    TestPostgres postgres = TestPostgres.get();
    String url = postgres.newMigratedSchema("account_check");
    dataSource = new DriverManagerDataSource(url, postgres.user(), postgres.password());
    JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
    ConnectionProvider connections = dataSource::getConnection;
    engine =
        JdbcEventStorageEngine.builder()
            .connectionProvider(connections)
            .transactionManager(NoTransactionManager.INSTANCE)
            .schema(LedgerTables.eventSchema())
            .persistenceExceptionResolver(LedgerTables.duplicateKeyResolver())
            .eventSerializer(serializer)
            .snapshotSerializer(serializer)
            .build();
    EventStore store = EmbeddedEventStore.builder().storageEngine(engine).build();
    // Counts the folds: every fold reads the account's stream from the store.
    eventStore =
        (EventStore)
            Proxy.newProxyInstance(
                EventStore.class.getClassLoader(),
                new Class<?>[] {EventStore.class},
                (proxy, method, arguments) -> {
                  if (method.getName().equals("readEvents")) {
                    folds.incrementAndGet();
                  }
                  return method.invoke(store, arguments);
                });
  }

  @Test
  void anOpenAccountIsFoldedOnceAndThenRemembered() {
    append("expo", 0, new AccountOpened("expo", HolderType.ORGANISER, "Wuhan Expo", "CN-HB"));
    CachedAccountCheck check =
        new CachedAccountCheck(eventStore, new LastEvents(dataSource)::identifiersOf, 16);

    assertThat(check.requireOpen("expo", "fromAccountId").status()).isEqualTo(AccountStatus.OPEN);
    assertThat(check.requireOpen("expo", "fromAccountId").status()).isEqualTo(AccountStatus.OPEN);

    assertThat(folds).hasValue(1);
  }

  @Test
  void aFreezeStoredAfterTheAccountWasRememberedIsSeenAtTheNextCheck() {
    append("expo", 0, new AccountOpened("expo", HolderType.ORGANISER, "Wuhan Expo", "CN-HB"));
    CachedAccountCheck check =
        new CachedAccountCheck(eventStore, new LastEvents(dataSource)::identifiersOf, 16);
    check.requireOpen("expo", "toAccountId");

    append("expo", 1, new AccountFrozen("expo", "audit"));
    assertThatThrownBy(() -> check.requireOpen("expo", "toAccountId"))
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> {
              assertThat(rejection.code()).isEqualTo(RejectionCode.ACCOUNT_FROZEN);
              assertThat(rejection.field()).contains("toAccountId");
            });

    append("expo", 2, new AccountUnfrozen("expo", "cleared"));
    assertThat(check.requireOpen("expo", "toAccountId").status()).isEqualTo(AccountStatus.OPEN);
    assertThat(folds).hasValue(3);
  }

  @Test
  void aStateFoldedFromAnEventThatWasTakenBackIsNotReused() {
    append("expo", 0, new AccountOpened("expo", HolderType.ORGANISER, "Wuhan Expo", "CN-HB"));
    append("expo", 1, new AccountFrozen("expo", "audit"));
    CachedAccountCheck check =
        new CachedAccountCheck(eventStore, new LastEvents(dataSource)::identifiersOf, 16);
    assertThatThrownBy(() -> check.requireOpen("expo", "fromAccountId"))
        .isInstanceOf(LedgerRejection.class);

    // As if the freeze had been rolled back and another event then took its sequence number.
    new JdbcTemplate(dataSource)
        .update(
            "DELETE FROM domain_event_entry WHERE aggregate_identifier = ? AND sequence_number = 1",
            Account.streamId("expo"));
    append("expo", 1, new AccountUnfrozen("expo", "never frozen"));

    assertThat(check.requireOpen("expo", "fromAccountId").status()).isEqualTo(AccountStatus.OPEN);
  }

  @Test
  void anAccountWithoutEventsIsNotFound() {
    CachedAccountCheck check =
        new CachedAccountCheck(eventStore, new LastEvents(dataSource)::identifiersOf, 16);

    assertThatThrownBy(() -> check.requireOpen("nobody", "toAccountId"))
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> assertThat(rejection.code()).isEqualTo(RejectionCode.ACCOUNT_NOT_FOUND));
    assertThat(check.remembered()).isZero();
  }

  @Test
  void onlyTheMostRecentlyCheckedAccountsAreRemembered() {
    CachedAccountCheck check =
        new CachedAccountCheck(eventStore, new LastEvents(dataSource)::identifiersOf, 2);
    for (String id : new String[] {"a1", "a2", "a3"}) {
      append(id, 0, new AccountOpened(id, HolderType.INDIVIDUAL, "Runner " + id, "CN-HB"));
      check.requireOpen(id, "toAccountId");
    }

    assertThat(check.remembered()).isEqualTo(2);
    check.requireOpen("a3", "toAccountId");
    check.requireOpen("a1", "toAccountId");
    assertThat(folds).hasValue(4);
  }

  @Test
  void bothAccountsOfATransferAreLookedUpInOneQuery() {
    append("expo", 0, new AccountOpened("expo", HolderType.ORGANISER, "Wuhan Expo", "CN-HB"));
    append("li-lei", 0, new AccountOpened("li-lei", HolderType.INDIVIDUAL, "Li Lei", "CN-HB"));
    LastEvents lastEvents = new LastEvents(dataSource);
    AtomicInteger lookups = new AtomicInteger();
    CachedAccountCheck check =
        new CachedAccountCheck(
            eventStore,
            streams -> {
              lookups.incrementAndGet();
              return lastEvents.identifiersOf(streams);
            },
            16);

    check.requireBothOpen("expo", "fromAccountId", "li-lei", "toAccountId");
    check.requireBothOpen("expo", "fromAccountId", "li-lei", "toAccountId");

    assertThat(lookups).hasValue(2);
    assertThat(folds).as("each account folded once, then remembered").hasValue(2);
  }

  @Test
  void whenBothAccountsAreRefusedTheFirstOnesRejectionIsGiven() {
    append("expo", 0, new AccountOpened("expo", HolderType.ORGANISER, "Wuhan Expo", "CN-HB"));
    append("expo", 1, new AccountFrozen("expo", "audit"));
    append("li-lei", 0, new AccountOpened("li-lei", HolderType.INDIVIDUAL, "Li Lei", "CN-HB"));
    CachedAccountCheck check =
        new CachedAccountCheck(eventStore, new LastEvents(dataSource)::identifiersOf, 16);

    assertThatThrownBy(
            () -> check.requireBothOpen("expo", "fromAccountId", "nobody", "toAccountId"))
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> {
              assertThat(rejection.code()).isEqualTo(RejectionCode.ACCOUNT_FROZEN);
              assertThat(rejection.field()).contains("fromAccountId");
            });
    assertThatThrownBy(
            () -> check.requireBothOpen("li-lei", "fromAccountId", "nobody", "toAccountId"))
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> {
              assertThat(rejection.code()).isEqualTo(RejectionCode.ACCOUNT_NOT_FOUND);
              assertThat(rejection.field()).contains("toAccountId");
            });
    assertThatThrownBy(
            () -> check.requireBothOpen("li-lei", "fromAccountId", "expo", "toAccountId"))
        .isInstanceOfSatisfying(
            LedgerRejection.class,
            rejection -> {
              assertThat(rejection.code()).isEqualTo(RejectionCode.ACCOUNT_FROZEN);
              assertThat(rejection.field()).contains("toAccountId");
            });
  }

  private void append(String accountId, long sequence, AccountEvent payload) {
    DomainEventMessage<?> event =
        new GenericDomainEventMessage<>("Account", Account.streamId(accountId), sequence, payload);
    engine.appendEvents(event);
  }
}
