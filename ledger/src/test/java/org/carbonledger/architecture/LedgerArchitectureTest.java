package org.carbonledger.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/** The boundaries of the ledger module. */
@AnalyzeClasses(packages = "org.carbonledger", importOptions = ImportOption.DoNotIncludeTests.class)
class LedgerArchitectureTest {

  /** The domain's feature packages: aggregates, their commands and events, and their rules. */
  private static final String[] DOMAIN = {
    "org.carbonledger.accounts..",
    "org.carbonledger.methodologies..",
    "org.carbonledger.projects..",
    "org.carbonledger.credits..",
    "org.carbonledger.footprints..",
    "org.carbonledger.registry..",
  };

  @ArchTest
  static final ArchRule amountsAreNeverFloatingPoint =
      noFields()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage("org.carbonledger..")
          .should()
          .haveRawType(double.class)
          .orShould()
          .haveRawType(float.class)
          .orShould()
          .haveRawType(Double.class)
          .orShould()
          .haveRawType(Float.class)
          .because("credits are whole tCO2e and footprints whole grams or kilograms");

  @ArchTest
  static final ArchRule theDomainKnowsNothingOfSpringOrSql =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.springframework..", "java.sql..", "javax.sql..")
          .because(
              "aggregates decide from their own state; storage and wiring belong to the"
                  + " store, the projections and the api");

  @ArchTest
  static final ArchRule commandsAndEventsAreRecords =
      classes()
          .that(implementAnInterfaceNamedLike("Command", "Event"))
          .should(beRecords())
          .because("commands and events are immutable values");

  private static DescribedPredicate<JavaClass> implementAnInterfaceNamedLike(String... suffixes) {
    return new DescribedPredicate<>("implement a *Command or *Event interface") {
      @Override
      public boolean test(JavaClass javaClass) {
        return javaClass.getAllRawInterfaces().stream()
            .filter(i -> i.getPackageName().startsWith("org.carbonledger"))
            .anyMatch(
                i ->
                    java.util.Arrays.stream(suffixes).anyMatch(s -> i.getSimpleName().endsWith(s)));
      }
    };
  }

  private static ArchCondition<JavaClass> beRecords() {
    return new ArchCondition<>("be records") {
      @Override
      public void check(JavaClass javaClass, ConditionEvents events) {
        boolean record = javaClass.reflect().isRecord();
        events.add(
            new SimpleConditionEvent(
                javaClass,
                record,
                javaClass.getName() + (record ? " is" : " is not") + " a record"));
      }
    };
  }
}
