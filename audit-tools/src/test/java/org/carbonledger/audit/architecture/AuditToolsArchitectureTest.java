package org.carbonledger.audit.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The verifier must not trust, or even load, the framework that wrote the ledger: a regulator
 * checks the data with the spec, the published keys and this small program alone.
 */
@AnalyzeClasses(
    packages = "org.carbonledger.audit",
    importOptions = ImportOption.DoNotIncludeTests.class)
class AuditToolsArchitectureTest {

  @ArchTest
  static final ArchRule theVerifierUsesNeitherAxonNorSpring =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.axonframework..", "org.springframework..");

  @ArchTest
  static final ArchRule theVerifierUsesNoneOfTheLedgersDomainOrWiring =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.carbonledger.accounts..", "org.carbonledger.store..", "org.carbonledger.api..");

  @Test
  void neitherAxonNorSpringIsOnTheVerifiersClassPath() {
    assertThatThrownBy(() -> Class.forName("org.axonframework.messaging.Message"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("org.springframework.context.ApplicationContext"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
