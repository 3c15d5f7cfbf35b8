package org.carbonledger.testsupport;

import java.util.List;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.carbonledger.accounts.Account;
import org.carbonledger.accounts.AccountCheck;
import org.carbonledger.accounts.EventSourcedAccountCheck;
import org.carbonledger.credits.Batch;
import org.carbonledger.footprints.Footprint;
import org.carbonledger.footprints.FootprintCoverage;
import org.carbonledger.footprints.RepositoryFootprintCoverage;
import org.carbonledger.methodologies.EventSourcedMethodologyCheck;
import org.carbonledger.methodologies.Methodology;
import org.carbonledger.methodologies.MethodologyCheck;
import org.carbonledger.projects.Project;
import org.carbonledger.registry.RejectionTranslator;

/**
 * The whole ledger on Axon's in-memory event store: the real aggregates, the real checks between
 * them and the real command bus, wired as the service wires them, without Spring or a database.
 */
public final class InMemoryLedger implements AutoCloseable {

  private final Configuration configuration;

  public InMemoryLedger() {
    configuration =
        DefaultConfigurer.defaultConfiguration()
            .configureEmbeddedEventStore(c -> new InMemoryEventStorageEngine())
            .configureAggregate(Account.class)
            .configureAggregate(Methodology.class)
            .configureAggregate(Project.class)
            .configureAggregate(Batch.class)
            .configureAggregate(Footprint.class)
            .registerComponent(
                AccountCheck.class, c -> new EventSourcedAccountCheck(c.eventStore()))
            .registerComponent(
                MethodologyCheck.class, c -> new EventSourcedMethodologyCheck(c.eventStore()))
            .registerComponent(
                FootprintCoverage.class,
                c -> new RepositoryFootprintCoverage(c.repository(Footprint.class)))
            .buildConfiguration();
    configuration.start();
    configuration.commandBus().registerHandlerInterceptor(new RejectionTranslator());
  }

  /** Sends a command and waits for its result; a rejection is thrown as it was raised. */
  @SuppressWarnings("unchecked")
  public <R> R send(Object command) {
    return (R) configuration.commandGateway().sendAndWait(command);
  }

  /** Every payload stored so far, in global order. */
  public List<Object> events() {
    return StoredEvents.payloads(configuration.eventStore());
  }

  @Override
  public void close() {
    configuration.shutdown();
  }
}
