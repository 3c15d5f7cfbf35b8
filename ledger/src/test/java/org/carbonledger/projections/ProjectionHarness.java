package org.carbonledger.projections;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
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
import org.carbonledger.projections.accounts.AccountProjection;
import org.carbonledger.projections.credits.CreditsProjection;
import org.carbonledger.projections.footprints.FootprintProjection;
import org.carbonledger.projections.methodologies.MethodologyProjection;
import org.carbonledger.projections.projects.ProjectProjection;
import org.carbonledger.projects.Project;
import org.carbonledger.registry.RejectionTranslator;
import org.carbonledger.testsupport.TestPostgres;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The whole ledger on Axon's in-memory event store (the real aggregates and command bus, as {@code
 * InMemoryLedger} wires them) with the projections writing to a real PostgreSQL schema.
 *
 * <p>Two ways to feed the projections: {@link #synchronous} dispatches each new event to the
 * projections through Axon's annotation adapters (the same handler resolution a processor uses,
 * with the event's tracking token) when {@link #catchUp()} is called; {@link #tracking} runs the
 * real tracking event processor {@value Projections#PROCESSING_GROUP} with one segment, and {@link
 * #catchUp()} waits until it has handled every stored event.
 */
final class ProjectionHarness implements AutoCloseable {

  private final DataSource dataSource;
  private final Configuration configuration;
  private final List<Object> projections;
  private final List<AnnotationEventHandlerAdapter> adapters = new ArrayList<>();
  private final boolean tracking;
  private final BatchSizes batchSizes = new BatchSizes();
  private TrackingToken fed;

  private ProjectionHarness(
      DataSource dataSource,
      boolean tracking,
      List<? extends EventMessage<?>> history,
      int earlyCopyRows) {
    this.dataSource = dataSource;
    this.tracking = tracking;
    this.projections = projections(dataSource, earlyCopyRows);
    InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine();
    if (!history.isEmpty()) {
      storage.appendEvents(history);
    }
    Configurer configurer =
        DefaultConfigurer.defaultConfiguration()
            .configureEmbeddedEventStore(c -> storage)
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
                c -> new RepositoryFootprintCoverage(c.repository(Footprint.class)));
    if (tracking) {
      configurer
          .eventProcessing()
          .registerTokenStore(c -> new InMemoryTokenStore())
          .registerTrackingEventProcessor(
              Projections.PROCESSING_GROUP,
              Configuration::eventStore,
              c ->
                  TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                      .andInitialSegmentsCount(1)
                      .andBatchSize(20))
          .registerListenerInvocationErrorHandler(
              Projections.PROCESSING_GROUP, c -> PropagatingErrorHandler.instance())
          // One database transaction per processor batch, as the service's Spring transaction
          // manager gives it: the projections defer writes to the batch's commit.
          .registerTransactionManager(
              Projections.PROCESSING_GROUP,
              c -> new SpringTransactionManager(new DataSourceTransactionManager(dataSource)));
      projections.forEach(
          projection -> configurer.eventProcessing().registerEventHandler(c -> projection));
      configurer.eventProcessing().registerEventHandler(c -> batchSizes);
    } else {
      projections.forEach(
          projection -> adapters.add(new AnnotationEventHandlerAdapter(projection)));
    }
    configuration = configurer.buildConfiguration();
    configuration.start();
    configuration.commandBus().registerHandlerInterceptor(new RejectionTranslator());
  }

  /** A fresh PostgreSQL schema with every migration applied. */
  static DataSource migratedSchema(String hint) {
    TestPostgres postgres = TestPostgres.get();
    String url = postgres.newMigratedSchema(hint);
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(url);
    dataSource.setUser(postgres.user());
    dataSource.setPassword(postgres.password());
    return dataSource;
  }

  /**
   * The projections, in the order the api registers them, the credits copying early from {@code
   * earlyCopyRows} rows.
   */
  static List<Object> projections(DataSource dataSource, int earlyCopyRows) {
    return List.of(
        new AccountProjection(dataSource),
        new MethodologyProjection(dataSource),
        new ProjectProjection(dataSource),
        new CreditsProjection(dataSource, earlyCopyRows),
        new FootprintProjection(dataSource),
        new ProjectionProgress(dataSource));
  }

  static ProjectionHarness synchronous(DataSource dataSource) {
    return new ProjectionHarness(dataSource, false, List.of(), CreditsProjection.EARLY_COPY_ROWS);
  }

  static ProjectionHarness tracking(DataSource dataSource) {
    return new ProjectionHarness(dataSource, true, List.of(), CreditsProjection.EARLY_COPY_ROWS);
  }

  /**
   * A tracking harness whose store already holds {@code history} when its processor starts, so that
   * the processor takes those events in batches as large as its batch size allows (20), as a replay
   * does.
   */
  static ProjectionHarness trackingOver(
      DataSource dataSource, List<? extends EventMessage<?>> history) {
    return trackingOver(dataSource, history, CreditsProjection.EARLY_COPY_ROWS);
  }

  /**
   * {@link #trackingOver(DataSource, List)}, with the credits projection copying its new account
   * movements and register entries early from {@code earlyCopyRows} rows on.
   */
  static ProjectionHarness trackingOver(
      DataSource dataSource, List<? extends EventMessage<?>> history, int earlyCopyRows) {
    return new ProjectionHarness(dataSource, true, history, earlyCopyRows);
  }

  /** Sends a command and waits for its result; a rejection is thrown as it was raised. */
  @SuppressWarnings("unchecked")
  <R> R send(Object command) {
    return (R) configuration.commandGateway().sendAndWait(command);
  }

  /**
   * Appends events to the store as they are, past the aggregates and their rules, as a forger with
   * write access to the database would.
   */
  void publish(Object... payloads) {
    configuration
        .eventStore()
        .publish(
            java.util.Arrays.stream(payloads)
                .map(org.axonframework.eventhandling.GenericEventMessage::asEventMessage)
                .toList());
  }

  /** Brings the projections up to every event stored so far. */
  void catchUp() throws Exception {
    if (tracking) {
      TrackingToken head = configuration.eventStore().createHeadToken();
      long target = head == null ? ProjectionProgress.NOTHING : Projections.position(head);
      ProjectionProgress progress = new ProjectionProgress(dataSource);
      if (!progress.awaitPosition(target, Duration.ofSeconds(30))) {
        throw new AssertionError(
            "the projections reached " + progress.position() + ", not " + target);
      }
      return;
    }
    for (TrackedEventMessage<?> event : eventsAfter(fed)) {
      deliver(event);
      fed = event.trackingToken();
    }
  }

  /** Delivers one event to every projection, as the processor would. */
  void deliver(EventMessage<?> event) throws Exception {
    for (AnnotationEventHandlerAdapter adapter : adapters) {
      if (adapter.canHandle(event)) {
        adapter.handle(event);
      }
    }
  }

  /** Runs every projection's reset handler, as a processor's token reset does. */
  void resetProjections() {
    adapters.forEach(AnnotationEventHandlerAdapter::prepareReset);
  }

  /** The most events the tracking processor has handled in one batch (one unit of work). */
  int largestBatch() {
    return batchSizes.largest.get();
  }

  /** Records the size of each processor batch; writes nothing. */
  @ProcessingGroup(Projections.PROCESSING_GROUP)
  static final class BatchSizes {
    private final AtomicInteger largest = new AtomicInteger();

    @EventHandler(payloadType = Object.class)
    void on(EventMessage<?> event) {
      if (CurrentUnitOfWork.isStarted()
          && CurrentUnitOfWork.get() instanceof BatchingUnitOfWork<?> batch) {
        largest.accumulateAndGet(batch.getMessages().size(), Math::max);
      }
    }
  }

  /** The tracking processor; only with {@link #tracking}. */
  TrackingEventProcessor processor() {
    return configuration
        .eventProcessingConfiguration()
        .eventProcessor(Projections.PROCESSING_GROUP, TrackingEventProcessor.class)
        .orElseThrow();
  }

  /**
   * Waits until the tracking processor has stopped on an error, and returns the error; only with
   * {@link #tracking}.
   */
  Throwable awaitProcessorError(Duration timeout) throws InterruptedException {
    TrackingEventProcessor processor = processor();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Throwable> error =
          processor.processingStatus().values().stream()
              .filter(EventTrackerStatus::isErrorState)
              .map(EventTrackerStatus::getError)
              .findFirst();
      if (error.isPresent()) {
        return error.get();
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("the processor did not fail within " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /** Every stored event, in global order. */
  List<TrackedEventMessage<?>> events() {
    return eventsAfter(null);
  }

  /** Every stored payload, in global order. */
  List<Object> payloads() {
    return events().stream().map(event -> (Object) event.getPayload()).toList();
  }

  private List<TrackedEventMessage<?>> eventsAfter(TrackingToken token) {
    List<TrackedEventMessage<?>> events = new ArrayList<>();
    try (BlockingStream<TrackedEventMessage<?>> stream =
        configuration.eventStore().openStream(token)) {
      while (stream.hasNextAvailable()) {
        events.add(stream.nextAvailable());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return events;
  }

  DataSource dataSource() {
    return dataSource;
  }

  /** Every row of every projection table, each row as text, sorted. */
  static Map<String, List<String>> snapshot(DataSource dataSource) throws SQLException {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      for (String table : Projections.TABLES) {
        List<String> rows = new ArrayList<>();
        try (ResultSet row = statement.executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData meta = row.getMetaData();
          while (row.next()) {
            StringBuilder text = new StringBuilder();
            for (int column = 1; column <= meta.getColumnCount(); column++) {
              text.append(meta.getColumnName(column))
                  .append('=')
                  .append(row.getString(column))
                  .append(column < meta.getColumnCount() ? ", " : "");
            }
            rows.add(text.toString());
          }
        }
        rows.sort(null);
        tables.put(table, rows);
      }
    }
    return tables;
  }

  @Override
  public void close() {
    configuration.shutdown();
  }
}
