package org.carbonledger.chain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The chain core is pure: it depends on the JDK, Bouncy Castle and itself, so that the regulator's
 * verifier can reuse it without Axon, Spring, Jackson or the rest of the ledger.
 */
@AnalyzeClasses(
    packages = "org.carbonledger.chain",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ChainPurityTest {

  @ArchTest
  static final ArchRule dependsOnlyOnTheJdkBouncyCastleAndItself =
      classes()
          .that()
          .resideInAPackage("org.carbonledger.chain..")
          .should()
          .onlyDependOnClassesThat(
              JavaClass.Predicates.resideInAnyPackage(
                      "java..", "org.bouncycastle..", "org.carbonledger.chain..")
                  .or(primitivesAndArraysOfThem()))
          .because("audit-tools reuses the chain core with nothing but the JDK and Bouncy Castle");

  @ArchTest
  static final ArchRule knowsNothingOfTheFrameworksOrTheRestOfTheLedger =
      noClasses()
          .that()
          .resideInAPackage("org.carbonledger.chain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.axonframework..",
              "org.springframework..",
              "com.fasterxml..",
              "javax..",
              "jakarta..",
              "java.sql..")
          .orShould()
          .dependOnClassesThat(otherLedgerPackages())
          .because("the chain core is a pure library");

  @ArchTest
  static final ArchRule subPackagesAreFreeOfCycles =
      slices().matching("org.carbonledger.chain.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule theRootPackageDoesNotDependOnItsSubPackages =
      noClasses()
          .that()
          .resideInAPackage("org.carbonledger.chain")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.carbonledger.chain.merkle..", "org.carbonledger.chain.note..")
          .because("entries, keys and failures are the base the log and the notes build on");

  private static DescribedPredicate<JavaClass> primitivesAndArraysOfThem() {
    return DescribedPredicate.describe(
        "are primitive types or arrays of primitives",
        javaClass ->
            javaClass.isPrimitive()
                || (javaClass.isArray() && javaClass.getBaseComponentType().isPrimitive()));
  }

  private static DescribedPredicate<JavaClass> otherLedgerPackages() {
    return DescribedPredicate.describe(
        "belong to org.carbonledger outside org.carbonledger.chain",
        javaClass ->
            javaClass.getPackageName().startsWith("org.carbonledger")
                && !javaClass.getPackageName().equals("org.carbonledger.chain")
                && !javaClass.getPackageName().startsWith("org.carbonledger.chain."));
  }
}
