package io.shcr;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package structure docs/architecture.md draws ("Packages and layers"): no cycles, each layer
 * using only the layers below it, HTTP routing only at the edge. Plain JUnit tests rather than
 * {@code @ArchTest} fields, which Surefire 3.5.3 silently skips (TNG/ArchUnit#1442).
 */
class ArchitectureTest {

  private static final JavaClasses SERVICE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.shcr");

  /** Top to bottom. A layer may use the layers below it and its own packages, never one above. */
  private static final List<Layer> LAYERS = List.of(
      new Layer("entry", "io.shcr", "io.shcr.cli..", "io.shcr.server.."),
      new Layer("viewer", "io.shcr.viewer.."),
      new Layer("simulator", "io.shcr.simulator.."),
      new Layer("api", "io.shcr.api.."),
      new Layer("streaming", "io.shcr.streaming.."),
      new Layer("resume", "io.shcr.resume.."),
      new Layer("record", "io.shcr.record.."),
      new Layer("reconcile", "io.shcr.reconcile.."),
      new Layer("cluster and health", "io.shcr.cluster..", "io.shcr.health.."),
      new Layer("access", "io.shcr.access.."),
      new Layer("audit", "io.shcr.audit.."),
      new Layer("sources and privacy", "io.shcr.sources..", "io.shcr.privacy.."),
      new Layer("ops and fhir", "io.shcr.ops..", "io.shcr.fhir.."),
      new Layer("core, config and tls", "io.shcr.core..", "io.shcr.config..", "io.shcr.tls.."),
      new Layer("nhs", "io.shcr.nhs.."));

  /** The capabilities: what a request passes through after the edge has routed it. */
  private static final String[] DOMAIN = {"io.shcr.streaming..", "io.shcr.resume..", "io.shcr.record..", "io.shcr.reconcile..",
      "io.shcr.cluster..",
      "io.shcr.health..", "io.shcr.access..", "io.shcr.audit..", "io.shcr.sources..", "io.shcr.privacy..",
      "io.shcr.ops..", "io.shcr.fhir..", "io.shcr.core..", "io.shcr.config..", "io.shcr.tls..", "io.shcr.nhs.."};

  @Test
  void packagesHaveNoCycles() {
    // Every package on its own, sub-packages included: api.fhir builds on api, never the other way.
    slices().matching("io.shcr.(**)").should().beFreeOfCycles().check(SERVICE);
  }

  @Test
  void eachLayerUsesOnlyTheLayersBelowIt() {
    layers().check(SERVICE);
  }

  @Test
  void capabilitiesKnowNothingOfRoutes() {
    noClasses().that().resideInAnyPackage(DOMAIN)
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web", "io.vertx.ext.web.handler..")
        .because("every HTTP route lives in api (or the viewer and simulator at the edge); capabilities take values")
        .check(SERVICE);
  }

  @Test
  void onlyTheCommandLineStartsTheSimulator() {
    noClasses().that().resideOutsideOfPackages("io.shcr.cli..", "io.shcr.simulator..")
        .should().dependOnClassesThat().resideInAPackage("io.shcr.simulator..")
        .because("the simulated region is a demo and test fixture, never part of the service")
        .check(SERVICE);
  }

  private static ArchRule layers() {
    LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (Layer layer : LAYERS) {
      architecture = architecture.layer(layer.name()).definedBy(layer.packages());
    }
    for (int i = 0; i < LAYERS.size(); i++) {
      String[] above = LAYERS.subList(0, i).stream().map(Layer::name).toArray(String[]::new);
      architecture = i == 0
          ? architecture.whereLayer(LAYERS.get(i).name()).mayNotBeAccessedByAnyLayer()
          : architecture.whereLayer(LAYERS.get(i).name()).mayOnlyBeAccessedByLayers(above);
    }
    return architecture;
  }

  private record Layer(String name, String... packages) {
    @Override
    public String toString() {
      return name + " " + Arrays.toString(packages);
    }
  }
}
