package io.shcr.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.Bundles;
import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter.FilterResult;
import io.shcr.simulator.Network;
import io.shcr.simulator.OrgRecord;
import io.shcr.simulator.Organisation;
import io.shcr.simulator.SimulatorConfig;
import io.shcr.simulator.SyntheticPatient;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The optimised filter (per-request memo, graph reused between {@code referencesToResolve} and
 * {@code filter}, one walk per resource) decides exactly what the straightforward one did
 * ({@link ReferenceLinkGraph}, which builds everything again on every call): the same references to
 * fetch, the same released copies, the same withheld and unjudged counts, call after call, over the
 * simulator's records for many patients and organisations and over those records damaged the ways a
 * source can damage them (sensitive codes and labels added, links broken, pointed elsewhere or made into
 * cycles, ids used twice, resources dropped or unreadable, groupings added), while the index grows between
 * calls as link look-ups and other sections arrive.
 */
class FilterEquivalenceTest {

  private static final Path CONF = Path.of("conf");
  private static final String BASE = "https://source.example/fhir";

  private final SensitiveDataConfig config = SensitiveDataConfig.load(CONF);
  private final RuleBasedPrivacyFilter optimised = new RuleBasedPrivacyFilter(config);
  private final RuleBasedPrivacyFilter another = new RuleBasedPrivacyFilter(config);
  private final StraightforwardFilter straightforward = new StraightforwardFilter(config);

  private int released;
  private int withheld;
  private int unjudged;
  private int toFetch;
  private int calls;

  @Test
  void decidesExactlyAsTheStraightforwardWalkOverSimulatedRecordsIntactAndDamaged() {
    List<List<JsonObject>> records = simulatedRecords(100);
    records.add(Bundles.resources(SampleRecord.bundle(40, true)));
    records.add(Bundles.resources(SampleRecord.bundle(12, false)));
    assertThat(records).hasSizeGreaterThan(40);
    Random random = new Random(2026_12_03L);
    for (List<JsonObject> record : records) {
      long seed = random.nextLong();
      request(record, new Random(seed), false, seed);
      request(damaged(record, new Random(seed)), new Random(seed), true, seed);
    }
    // The corpus reaches every outcome, so the comparison cannot pass by comparing nothing.
    System.out.printf("FilterEquivalenceTest: %d records, %d calls, %d released, %d withheld, %d unjudged, %d to fetch%n",
        records.size(), calls, released, withheld, unjudged, toFetch);
    assertThat(calls).isGreaterThan(1_500);
    assertThat(released).isGreaterThan(4_000);
    assertThat(withheld).isGreaterThan(800);
    assertThat(unjudged).isGreaterThan(150);
    assertThat(toFetch).isGreaterThan(400);
  }

  /** One request over one source: sections in a random order, links fetched (or not) between calls. */
  private void request(List<JsonObject> record, Random random, boolean damaged, long seed) {
    ResourceIndex index = random.nextBoolean() ? new ResourceIndex(BASE) : new ResourceIndex();
    List<JsonObject> known = new ArrayList<>();
    for (JsonObject resource : record) {
      if (random.nextInt(10) < 8) {
        index.add(resource);
      } else {
        known.add(resource); // sent later: by a link look-up, or with another section
      }
    }
    Map<Object, List<JsonObject>> byType = new LinkedHashMap<>();
    record.forEach(r -> byType.computeIfAbsent(r.getValue("resourceType"), t -> new ArrayList<>()).add(r));
    List<List<JsonObject>> sections = new ArrayList<>(byType.values());
    Collections.shuffle(sections, random);
    for (List<JsonObject> section : sections) {
      List<JsonObject> batch = new ArrayList<>(section);
      if (random.nextInt(20) == 0) {
        batch.add(null);
      }
      if (random.nextInt(10) == 0 && !batch.isEmpty()) {
        batch.add(batch.get(random.nextInt(batch.size()))); // the same resource twice in one batch
      }
      String where = "seed " + seed + (damaged ? " damaged" : "") + ", section of " + batch.size();
      Set<String> wanted = optimised.referencesToResolve(batch, index);
      assertThat(wanted).as(where).isEqualTo(straightforward.referencesToResolve(batch, index));
      toFetch += wanted.size();
      fetch(wanted, known, index, random);
      if (random.nextInt(4) == 0 && !known.isEmpty()) {
        index.add(known.remove(random.nextInt(known.size()))); // another section's resource arrives
      }
      compare(where, batch, index, optimised);
      if (random.nextInt(5) == 0) {
        compare(where + " (again)", batch, index, random.nextBoolean() ? optimised : another);
      }
    }
  }

  private void fetch(Set<String> wanted, List<JsonObject> known, ResourceIndex index, Random random) {
    List<String> sought = new ArrayList<>();
    for (String reference : new java.util.TreeSet<>(wanted)) { // in a fixed order, so a seed replays
      if (random.nextInt(3) == 0) {
        continue; // never looked up (the look-up failed or was not made in time)
      }
      sought.add(reference);
      for (JsonObject resource : List.copyOf(known)) {
        if (reference.equals(resource.getValue("resourceType") + "/" + resource.getValue("id")) && random.nextInt(4) > 0) {
          index.add(resource);
          known.remove(resource);
        }
      }
    }
    index.markSought(sought);
  }

  private void compare(String where, List<JsonObject> batch, ResourceIndex index, RuleBasedPrivacyFilter filter) {
    FilterResult expected = straightforward.filter(batch, index);
    FilterResult actual = filter.filter(batch, index);
    assertThat(actual.withheld()).as(where + ": withheld").isEqualTo(expected.withheld());
    assertThat(actual.unjudged()).as(where + ": unjudged").isEqualTo(expected.unjudged());
    assertThat(actual.released()).as(where + ": released").isEqualTo(expected.released());
    calls++;
    released += actual.released().size();
    withheld += actual.withheld();
    unjudged += actual.unjudged();
  }

  private static List<List<JsonObject>> simulatedRecords(int patients) {
    SimulatorConfig loaded = SimulatorConfig.load(CONF);
    SimulatorConfig config = new SimulatorConfig("127.0.0.1", 0, loaded.seed(), 300, loaded.areas(), Map.of(), Map.of(),
        Map.of(), loaded.disabledAreasByOrg());
    SourceRegistry sources = SourceRegistry.load(CONF.resolve("sources.yaml"));
    Network network = Network.of(sources, config);
    List<Organisation> organisations = sources.all().stream().map(Organisation::of).toList();
    List<List<JsonObject>> records = new ArrayList<>();
    for (SyntheticPatient patient : network.population().all().subList(0, patients)) {
      for (Organisation organisation : organisations) {
        network.records().recordAt(patient, organisation).ifPresent((OrgRecord record) -> {
          List<JsonObject> resources = new ArrayList<>();
          resources.add(record.patient());
          resources.addAll(record.resources());
          records.add(resources);
        });
      }
    }
    return records;
  }

  /** A deep copy of the record with a few of the things a source can get wrong, at random. */
  private static List<JsonObject> damaged(List<JsonObject> record, Random random) {
    List<JsonObject> out = new ArrayList<>();
    record.forEach(r -> out.add(r.copy()));
    for (int i = 1 + random.nextInt(Math.max(1, out.size() / 8)); i > 0 && !out.isEmpty(); i--) {
      JsonObject target = out.get(random.nextInt(out.size()));
      JsonObject other = out.get(random.nextInt(out.size()));
      String otherRef = other.getValue("resourceType") + "/" + other.getValue("id");
      switch (random.nextInt(12)) {
        case 0 -> target.put("code", concept("http://snomed.info/sct", "86406008")); // HIV
        case 1 -> target.put("meta", new JsonObject().put("security", new JsonArray().add(
            new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality").put("code", "R"))));
        case 2 -> target.put("basedOn", new JsonArray().add(ref(BROKEN[random.nextInt(BROKEN.length)])));
        case 3 -> target.put("partOf", new JsonArray().add(ref(otherRef).put("display", "x"))); // may close a cycle
        case 4 -> target.put("extension", new JsonArray().add(new JsonObject()
            .put("url", "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-RelatedClinicalContent-1")
            .put("valueReference", ref(random.nextBoolean() ? otherRef : BASE + "/" + otherRef))));
        case 5 -> out.add(target.copy().put("status", "entered-in-error")); // one id, two resources
        case 6 -> out.remove(other); // what links to it cannot be resolved
        case 7 -> target.put("code", new JsonObject().put("coding", new JsonArray().add(
            new JsonObject().put("system", 5).put("code", "1")))); // a Coding that cannot be judged
        case 8 -> out.add(new JsonObject().put("resourceType", "List").put("id", "extra-" + i)
            .put("entry", new JsonArray().add(new JsonObject().put("item", ref(otherRef)))
                .add(new JsonObject().put("item", ref("Condition/missing-" + i)))));
        case 9 -> out.add(new JsonObject().put("resourceType", "Observation").put("id", "member-" + i)
            .put("subject", ref("Patient/" + out.get(0).getValue("id")))
            .put("hasMember", new JsonArray().add(ref(otherRef))).put("derivedFrom", new JsonArray().add(ref(otherRef))));
        case 10 -> target.remove("resourceType"); // unreadable
        default -> target.put("subject", ref(BROKEN[random.nextInt(BROKEN.length)]));
      }
    }
    return out;
  }

  private static final String[] BROKEN = {
    "Condition/never-sent", "Practitioner/never-sent", "Organization/nowhere", "https://elsewhere.example/fhir/Condition/1",
    BASE + "/Encounter/never-sent", "#contained", "not a reference", "condition/1", "Condition/", "/Condition",
    "Condition/1/_history/2", "Encounter/never-sent/_history/1"
  };

  private static JsonObject ref(String reference) {
    return new JsonObject().put("reference", reference);
  }

  private static JsonObject concept(String system, String code) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", system).put("code", code)));
  }

  /** {@link RuleBasedPrivacyFilter} as it was, over {@link ReferenceLinkGraph}. */
  private static final class StraightforwardFilter {
    private final ResourceInspector inspector;
    private final ReleasedCopy copies;
    private final Set<String> notFetched;

    StraightforwardFilter(SensitiveDataConfig config) {
      CodeRules rules = new CodeRules(config);
      this.inspector = new ResourceInspector(rules, new ServiceFields(config.serviceCodings(), rules), new UnknownSystemLog());
      this.copies = new ReleasedCopy(inspector);
      this.notFetched = Set.copyOf(config.notFetched());
    }

    Set<String> referencesToResolve(List<JsonObject> resources, ResourceIndex known) {
      try {
        if (resources == null || resources.isEmpty()) {
          return Set.of();
        }
        return new LinkedHashSet<>(new ReferenceLinkGraph(inspector, notFetched, resources, known).unresolvedReferences());
      } catch (RuntimeException | StackOverflowError e) {
        return Set.of();
      }
    }

    FilterResult filter(List<JsonObject> resources, ResourceIndex context) {
      if (resources == null || resources.isEmpty()) {
        return new FilterResult(List.of(), 0);
      }
      try {
        ReferenceLinkGraph graph = new ReferenceLinkGraph(inspector, notFetched, resources, context);
        List<JsonObject> out = new ArrayList<>(resources.size());
        int withheld = 0;
        int unjudged = 0;
        for (Object item : resources) {
          JsonObject copy = graph.withheld(item) ? null : release((JsonObject) item, graph);
          if (copy != null) {
            out.add(copy);
          } else if (!isList(item)) {
            withheld++;
            unjudged += graph.unjudged(item) ? 1 : 0;
          } else if (graph.withheld(item)) {
            withheld++;
          }
        }
        return new FilterResult(List.copyOf(out), withheld, unjudged);
      } catch (RuntimeException | StackOverflowError e) {
        return new FilterResult(List.of(), resources.size(), resources.size());
      }
    }

    private JsonObject release(JsonObject resource, ReferenceLinkGraph graph) {
      if ("List".equals(resource.getValue("resourceType"))) {
        return null;
      }
      if (ReleasedCopy.isPatient(resource)) {
        return copies.ofPatient(resource, graph.inspection(resource), graph::blocks);
      }
      return copies.of(resource);
    }

    private static boolean isList(Object item) {
      return item instanceof JsonObject json && "List".equals(json.getValue("resourceType"));
    }
  }
}
