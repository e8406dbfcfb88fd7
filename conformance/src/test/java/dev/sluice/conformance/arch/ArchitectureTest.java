package dev.sluice.conformance.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module map of DESIGN.md true: the direction of dependencies between modules, protobuf
 * types confined to xds-client, no Netty in routing, and RE2 for every configuration regex.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importProduction() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.sluice");
  }

  private static final String[] PROXY_CORE = {
    "dev.sluice.config..", "dev.sluice.snapshot..", "dev.sluice.common..", "dev.sluice.stats..",
    "dev.sluice.upstream..", "dev.sluice.filter.."
  };

  @Test
  void proxyCoreKnowsNothingAboveIt() {
    noClasses().that().resideInAnyPackage(PROXY_CORE)
        .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.routing..", "dev.sluice.tls..",
            "dev.sluice.listener..", "dev.sluice.xds..", "dev.sluice.app..", "com.google.protobuf..",
            "io.envoyproxy..")
        .check(classes);
  }

  @Test
  void routingIsPureAndKnowsNoNetty() {
    noClasses().that().resideInAPackage("dev.sluice.routing..")
        .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "dev.sluice.listener..", "dev.sluice.tls..",
            "dev.sluice.xds..", "dev.sluice.app..", "dev.sluice.upstream..", "java.net..", "java.nio.channels..")
        .check(classes);
  }

  @Test
  void listenersDoNotParseConfigFormats() {
    noClasses().that().resideInAnyPackage("dev.sluice.listener..", "dev.sluice.tls..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.xds..", "dev.sluice.app..",
            "com.google.protobuf..", "io.envoyproxy..", "org.yaml..")
        .check(classes);
  }

  @Test
  void xdsClientDoesNotTouchTheDataPlane() {
    noClasses().that().resideInAPackage("dev.sluice.xds..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.listener..", "dev.sluice.routing..",
            "dev.sluice.app..", "dev.sluice.upstream..", "io.netty.channel..")
        .check(classes);
  }

  @Test
  void configRegexesUseRe2() {
    noClasses().that().resideInAnyPackage("dev.sluice..")
        .should().dependOnClassesThat().resideInAPackage("java.util.regex..")
        .because("configuration regexes must run in linear time (RE2 semantics, as Envoy's safe_regex)")
        .check(classes);
  }

  @Test
  void noCyclesBetweenTopLevelPackages() {
    slices().matching("dev.sluice.(*)..").should().beFreeOfCycles().check(classes);
  }
}
