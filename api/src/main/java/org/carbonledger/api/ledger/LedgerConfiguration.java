package org.carbonledger.api.ledger;

import java.util.List;
import javax.sql.DataSource;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandBusSpanFactory;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.DuplicateCommandHandlerResolver;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.Repository;
import org.carbonledger.accounts.Account;
import org.carbonledger.accounts.AccountCheck;
import org.carbonledger.accounts.CachedAccountCheck;
import org.carbonledger.credits.Batch;
import org.carbonledger.credits.BatchCommand;
import org.carbonledger.credits.BatchCommand.RetireCredits;
import org.carbonledger.credits.BatchCommand.TransferCredits;
import org.carbonledger.footprints.Footprint;
import org.carbonledger.footprints.FootprintCoverage;
import org.carbonledger.footprints.RepositoryFootprintCoverage;
import org.carbonledger.methodologies.EventSourcedMethodologyCheck;
import org.carbonledger.methodologies.MethodologyCheck;
import org.carbonledger.registry.RejectionTranslator;
import org.carbonledger.store.AggregateCache;
import org.carbonledger.store.CommandTargets;
import org.carbonledger.store.GroupCommitCommandBus;
import org.carbonledger.store.GroupedLastEvents;
import org.carbonledger.store.LastEvents;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires what aggregates ask of each other. Axon resolves these beans as extra parameters of command
 * handlers, such as {@code Batch.handle(TransferCredits, AccountCheck)}.
 */
@Configuration(proxyBeanMethods = false)
class LedgerConfiguration {

  /**
   * The batches most recently used, kept between commands (ADR 0008). A batch holds its holdings by
   * serial block, a few kilobytes for most batches, so a few thousand fit in little memory.
   */
  @Bean(Batch.CACHE)
  AggregateCache batchCache(@Value("${ledger.batch-cache-size:4096}") int size) {
    return new AggregateCache(size);
  }

  /**
   * Accounts are checked twice per transfer; the most recently checked are remembered with the last
   * event they were folded from, and folded again only when the account has a newer event.
   */
  @Bean
  AccountCheck accountCheck(
      EventStore eventStore,
      DataSource dataSource,
      @Value("${ledger.account-cache-size:16384}") int size) {
    return new CachedAccountCheck(
        eventStore,
        new GroupedLastEvents(
            new LastEvents(dataSource)::identifiersOf, LedgerConfiguration::checkedAccountStreams),
        size);
  }

  /**
   * The account streams a movement's handler checks (Batch), read ahead for its whole group. A
   * stream left out here is still read when its check asks for it, one query later.
   */
  private static List<String> checkedAccountStreams(CommandMessage<?> command) {
    Object payload = command.getPayload();
    if (payload instanceof TransferCredits transfer) {
      return List.of(
          Account.streamId(transfer.fromAccountId()), Account.streamId(transfer.toAccountId()));
    }
    if (payload instanceof RetireCredits retirement) {
      return List.of(Account.streamId(retirement.accountId()));
    }
    return List.of();
  }

  /**
   * Axon's simple command bus, which Axon's auto-configuration then leaves out, except that credit
   * movements are committed several to a transaction (ADR 0012): each batch's movements go to one
   * committer by the batch. Every other command runs on the caller's thread as before.
   */
  @Bean
  @Qualifier("localSegment")
  GroupCommitCommandBus commandBus(
      TransactionManager transactions,
      org.axonframework.config.Configuration axon,
      DuplicateCommandHandlerResolver duplicates,
      @Value("${ledger.command-group.size:32}") int groupSize,
      @Value("${ledger.command-group.committers:2}") int committers) {
    GroupCommitCommandBus bus =
        new GroupCommitCommandBus(
            SimpleCommandBus.builder()
                .duplicateCommandHandlerResolver(duplicates)
                .spanFactory(axon.getComponent(CommandBusSpanFactory.class))
                .messageMonitor(axon.messageMonitor(CommandBus.class, "commandBus")),
            transactions,
            command ->
                command.getPayload() instanceof BatchCommand movement ? movement.streamId() : null,
            groupSize,
            committers);
    // As Axon's auto-configured bus: events carry the correlation data of the command.
    bus.registerHandlerInterceptor(
        new CorrelationDataInterceptor<>(axon.correlationDataProviders()));
    return bus;
  }

  /**
   * How every aggregate finds the instance a command is for: Axon's annotation rules, with each
   * command class's annotated member looked up once instead of on every command.
   */
  @Bean
  CommandTargetResolver commandTargetResolver() {
    return new CommandTargets();
  }

  @Bean
  MethodologyCheck methodologyCheck(EventStore eventStore) {
    return new EventSourcedMethodologyCheck(eventStore);
  }

  @Bean
  FootprintCoverage footprintCoverage(Repository<Footprint> footprintRepository) {
    return new RepositoryFootprintCoverage(footprintRepository);
  }

  /**
   * Names "not found" by the kind of aggregate, for every command. Axon's auto-configuration
   * registers handler-interceptor beans with the command bus.
   */
  @Bean
  RejectionTranslator rejectionTranslator() {
    return new RejectionTranslator();
  }
}
