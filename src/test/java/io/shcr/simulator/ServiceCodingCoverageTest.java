package io.shcr.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.privacy.SensitiveDataConfig;
import io.shcr.privacy.ServiceCodings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code sensitive-data.yaml} covers every code system the simulated network and GP Connect write
 * in a service coding: the test walks everything the network can serve (every patient of the population at
 * every organisation holding them, GP Connect Bundles with their Lists, Organizations and Practitioners) and
 * fails on a service coding in a system not known there, which the filter would withhold (and with it an
 * ordinary clinic visit). It also names every other code system the network writes, so a new one is a
 * decision, not an accident.
 */
class ServiceCodingCoverageTest {

  /**
   * Systems the network writes outside service codings that no category lists: what they code is not
   * sensitive in itself (a status, a category, a unit), or is judged by its links (dm+d medicines: an
   * antiretroviral is withheld for its reason, a withheld HIV problem).
   */
  static final Set<String> NOT_JUDGED_BY_CODE = Set.of(
      "https://dmd.nhs.uk",
      "http://unitsofmeasure.org",
      "http://loinc.org",
      "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
      "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
      "http://terminology.hl7.org/CodeSystem/condition-category",
      "http://terminology.hl7.org/CodeSystem/condition-clinical",
      "http://terminology.hl7.org/CodeSystem/condition-ver-status",
      "http://terminology.hl7.org/CodeSystem/flag-category",
      "http://terminology.hl7.org/CodeSystem/observation-category",
      "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-ListEmptyReasonCode-1",
      "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1");

  /**
   * What GP Connect Access Record: Structured itself writes in service codings (nhsconnect/gpconnect, the
   * CareConnect-GPC-ReferralRequest-1 guidance: serviceRequested in SNOMED CT, specialty from the HL7
   * practitioner specialty example; consultation types in SNOMED CT).
   */
  static final Set<String> GP_CONNECT_SERVICE_SYSTEMS = Set.of("http://snomed.info/sct", "http://hl7.org/fhir/practitioner-specialty");

  static SensitiveDataConfig config;
  static Set<String> knownServiceUris;
  static Set<String> configuredUris;
  static Map<String, Set<String>> serviceSystemsByField;
  static Set<String> allSystems;
  static int resources;

  @BeforeAll
  static void walkTheWholeNetwork() {
    config = SensitiveDataConfig.load(Fixture.CONF);
    knownServiceUris = expand(config.serviceCodings().knownSystems());
    configuredUris = expand(List.copyOf(config.codeSystems().keySet()));
    config.securityLabels().forEach(label -> configuredUris.addAll(withAliases(label.system())));
    SimulatorConfig simulator = SimulatorConfig.load(Fixture.CONF);
    Network network = Network.of(Fixture.sources(), simulator);
    GroundTruth truth = new GroundTruth(network, simulator);
    serviceSystemsByField = new TreeMap<>();
    allSystems = new TreeSet<>();
    Set<String> framed = new HashSet<>();
    for (SyntheticPatient patient : network.population().all()) {
      for (GroundTruth.Item item : truth.servedAnywhere(patient)) {
        walk(item.resource());
      }
      // What a GP Connect Bundle adds around the record (Lists, Organization, Practitioner, OperationOutcome
      // for a disabled area) is the same for every patient of a practice: walk one Bundle per practice.
      for (String ods : patient.holders()) {
        network.practice(ods).filter(practice -> framed.add(ods)).ifPresent(practice ->
            network.records().servedAt(patient, practice).ifPresent(record ->
                StructuredRecord.bundle("http://127.0.0.1/" + ods, practice, patient, record, Set.of(GpArea.values()),
                    simulator.disabledAreasOf(ods)).getJsonArray("entry")
                    .forEach(entry -> walk(((JsonObject) entry).getJsonObject("resource")))));
      }
    }
  }

  @Test
  void everyServiceCodingTheNetworkServesIsInAKnownSystem() {
    assertThat(resources).as("resources walked").isGreaterThan(50_000);
    assertThat(serviceSystemsByField.keySet()).as("the walk met service codings")
        .contains("Encounter.serviceType", "Encounter.type", "DocumentReference.context.practiceSetting", "ServiceRequest.category",
            "DiagnosticReport.category");
    Map<String, Set<String>> unknown = new TreeMap<>();
    serviceSystemsByField.forEach((field, systems) -> systems.stream()
        .filter(system -> !knownServiceUris.contains(SensitiveDataConfig.normalizeUri(system)))
        .forEach(system -> unknown.computeIfAbsent(system, k -> new TreeSet<>()).add(field)));
    assertThat(unknown).as("service coding systems the filter would not recognise (add them to serviceCodings.knownSystems"
        + " once their sensitive codes are listed)").isEmpty();
  }

  @Test
  void gpConnectsOwnServiceCodeSystemsAreKnown() {
    assertThat(GP_CONNECT_SERVICE_SYSTEMS).allSatisfy(system ->
        assertThat(knownServiceUris).contains(SensitiveDataConfig.normalizeUri(system)));
  }

  @Test
  void everyOtherCodeSystemTheNetworkWritesIsConfiguredOrNamedHere() {
    Set<String> unexplained = new TreeSet<>();
    for (String system : allSystems) {
      if (!configuredUris.contains(SensitiveDataConfig.normalizeUri(system)) && !NOT_JUDGED_BY_CODE.contains(system)) {
        unexplained.add(system);
      }
    }
    assertThat(unexplained).as("code systems neither in sensitive-data.yaml nor in NOT_JUDGED_BY_CODE").isEmpty();
  }

  private static void walk(Object node) {
    if (node instanceof JsonObject json) {
      if (json.getValue("resourceType") instanceof String type) {
        resources++;
        serviceFields(type, json);
      }
      if (json.getValue("system") instanceof String system && json.containsKey("code")) {
        allSystems.add(system);
      }
      json.forEach(entry -> walk(entry.getValue()));
    } else if (node instanceof JsonArray array) {
      array.forEach(ServiceCodingCoverageTest::walk);
    }
  }

  /** The systems of every Coding below each governed field (an independent reading of serviceCodings.fields). */
  private static void serviceFields(String type, JsonObject resource) {
    ServiceCodings services = config.serviceCodings();
    for (String path : services.fields().getOrDefault(type, List.of())) {
      Set<String> systems = new HashSet<>();
      collect(resource, path.split("\\."), 0, systems);
      if (!systems.isEmpty()) {
        serviceSystemsByField.computeIfAbsent(type + "." + path, k -> new TreeSet<>()).addAll(systems);
      }
    }
  }

  private static void collect(Object node, String[] path, int depth, Set<String> systems) {
    if (node instanceof JsonArray array) {
      array.forEach(item -> collect(item, path, depth, systems));
    } else if (node instanceof JsonObject json) {
      if (depth < path.length) {
        collect(json.getValue(path[depth]), path, depth + 1, systems);
      } else {
        codings(json, systems);
      }
    }
  }

  private static void codings(Object node, Set<String> systems) {
    if (node instanceof JsonObject json) {
      if (json.containsKey("code") || json.containsKey("system")) {
        systems.add(json.getValue("system") instanceof String s ? s : "(no system)");
      }
      json.forEach(entry -> codings(entry.getValue(), systems));
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> codings(item, systems));
    }
  }

  private static Set<String> expand(List<String> names) {
    Set<String> uris = new HashSet<>();
    for (String name : names) {
      config.codeSystems().get(name).uris().forEach(uri -> uris.addAll(withAliases(uri)));
    }
    return uris;
  }

  private static Set<String> withAliases(String uri) {
    String normal = SensitiveDataConfig.normalizeUri(uri);
    Set<String> out = new HashSet<>(Set.of(normal));
    config.aliases().stream().filter(group -> group.contains(normal)).forEach(out::addAll);
    return out;
  }
}
