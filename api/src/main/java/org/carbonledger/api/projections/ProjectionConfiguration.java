package org.carbonledger.api.projections;

import javax.sql.DataSource;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.carbonledger.api.web.ReadYourWrites;
import org.carbonledger.projections.ProjectionProgress;
import org.carbonledger.projections.Projections;
import org.carbonledger.projections.accounts.AccountProjection;
import org.carbonledger.projections.accounts.AccountQueries;
import org.carbonledger.projections.credits.CreditQueries;
import org.carbonledger.projections.credits.CreditsProjection;
import org.carbonledger.projections.credits.RetirementRegisterQueries;
import org.carbonledger.projections.credits.StatementQueries;
import org.carbonledger.projections.footprints.FootprintProjection;
import org.carbonledger.projections.footprints.FootprintQueries;
import org.carbonledger.projections.methodologies.MethodologyProjection;
import org.carbonledger.projections.methodologies.MethodologyQueries;
import org.carbonledger.projections.projects.ProjectProjection;
import org.carbonledger.projections.projects.ProjectQueries;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The read models (docs/spec/04-projections.md), fed by one tracking processor, {@value
 * Projections#PROCESSING_GROUP}, with one segment so that events of all aggregates arrive in one
 * order; and the queries the API reads them with.
 */
@Configuration(proxyBeanMethods = false)
class ProjectionConfiguration {

  @Bean
  AccountProjection accountProjection(DataSource dataSource) {
    return new AccountProjection(dataSource);
  }

  @Bean
  MethodologyProjection methodologyProjection(DataSource dataSource) {
    return new MethodologyProjection(dataSource);
  }

  @Bean
  ProjectProjection projectProjection(DataSource dataSource) {
    return new ProjectProjection(dataSource);
  }

  @Bean
  CreditsProjection creditsProjection(DataSource dataSource) {
    return new CreditsProjection(dataSource);
  }

  @Bean
  FootprintProjection footprintProjection(DataSource dataSource) {
    return new FootprintProjection(dataSource);
  }

  @Bean
  ProjectionProgress projectionProgress(DataSource dataSource) {
    return new ProjectionProgress(dataSource);
  }

  /**
   * A projection that fails on an event must stop and retry, never skip it: Axon's default logs the
   * failure and goes on, which would leave the read models silently wrong.
   */
  @Bean
  ConfigurerModule projectionFailuresPropagate() {
    return configurer ->
        configurer
            .eventProcessing()
            .registerListenerInvocationErrorHandler(
                Projections.PROCESSING_GROUP, c -> PropagatingErrorHandler.instance());
  }

  @Bean
  AccountQueries accountQueries(DataSource dataSource) {
    return new AccountQueries(dataSource);
  }

  @Bean
  MethodologyQueries methodologyQueries(DataSource dataSource) {
    return new MethodologyQueries(dataSource);
  }

  @Bean
  ProjectQueries projectQueries(DataSource dataSource) {
    return new ProjectQueries(dataSource);
  }

  @Bean
  CreditQueries creditQueries(DataSource dataSource) {
    return new CreditQueries(dataSource);
  }

  @Bean
  StatementQueries statementQueries(DataSource dataSource) {
    return new StatementQueries(dataSource);
  }

  @Bean
  RetirementRegisterQueries retirementRegisterQueries(DataSource dataSource) {
    return new RetirementRegisterQueries(dataSource);
  }

  @Bean
  FootprintQueries footprintQueries(DataSource dataSource) {
    return new FootprintQueries(dataSource);
  }

  @Bean
  LostProjectionCommits lostProjectionCommits(
      EventProcessingConfiguration processing, ProjectionProgress progress) {
    return new LostProjectionCommits(processing, progress);
  }

  @Bean
  SuspendedIndexBuilds suspendedIndexBuilds(ProjectionProgress progress) {
    return new SuspendedIndexBuilds(progress);
  }

  @Bean
  ReadYourWrites readYourWrites(
      EventProcessingConfiguration processing, ProjectionProgress progress) {
    return new ReadYourWrites(processing, progress);
  }
}
