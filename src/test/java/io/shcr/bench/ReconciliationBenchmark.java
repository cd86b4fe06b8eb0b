package io.shcr.bench;

import io.shcr.core.Section;
import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.privacy.RuleBasedPrivacyFilter;
import io.shcr.reconcile.Reconciliation;
import io.shcr.reconcile.Timeline;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What reconciling costs against what the view already spends on the same record: a 1,000-item record
 * from 10 sources (each 20 medicine statements and the 20 requests they are based on, 20 allergies,
 * 20 problems, 10 immunisations, 10 encounters; codes drawn from shared lists so that most items group
 * across sources, with doses and statuses that disagree). {@code reconcile} feeds every section to a
 * fresh {@link Reconciliation} and {@link Timeline} and encodes every group event it returns, as the view
 * does; {@code view} is the view's own work on the same record per section: parsing the source's JSON,
 * the privacy filter with the shipped rules, and encoding what is released. Run from the project root
 * (it reads conf/); command and figures in docs/performance.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReconciliationBenchmark {

  private static final String[] MEDICINES = {"319283006", "325278007", "321987003", "320000009", "322236009",
      "320176004", "321196004", "39990001000001101", "318135009", "317972000", "324357002", "323509004",
      "322280009", "319740004", "326218009", "318422008", "317248006", "321208006", "330198003", "319996000",
      "322503009", "325242002", "320029005", "330765001", "317361009"};
  private static final String[] SUBSTANCES = {"260147004", "91936005", "227493005", "256259004", "300916003",
      "762952008", "294505008", "418689008", "91935009", "293586001", "419199007", "424213003"};
  private static final String[] PROBLEMS = {"38341003", "44054006", "195967001", "13645005", "35489007",
      "197480006", "13644009", "396275006", "49436004", "73211009", "22298006", "399211009", "230690007",
      "69896004", "40930008", "414916001", "271737000", "363346000", "59621000", "84114007"};
  private static final String[] VACCINES = {"955691000001108", "1037451000000107", "13767011000001103"};

  private PrivacyFilter filter;
  /** Per source, per section: the released items, and the same as the JSON text a source sends. */
  private final List<Batch> batches = new ArrayList<>();

  private record Batch(String source, Section section, List<JsonObject> items, Buffer wire) {}

  /**
   * {@code synthetic}: the 1,000 small items described above. {@code demo}: the simulated network's own
   * records (full-sized resources as the simulator writes them), 999 000 0018's at every organisation
   * that holds them, then the next patients' until there are at least 1,000 items in the reconciled and
   * timeline sections.
   */
  @org.openjdk.jmh.annotations.Param({"synthetic", "demo"})
  public String record = "synthetic";

  @Setup
  public void setUp() {
    filter = RuleBasedPrivacyFilter.load(Path.of("conf"));
    if ("demo".equals(record)) {
      demoRecord();
      return;
    }
    for (int s = 0; s < 10; s++) {
      String source = "S" + s;
      List<JsonObject> medicines = new ArrayList<>();
      List<JsonObject> allergies = new ArrayList<>();
      List<JsonObject> problems = new ArrayList<>();
      List<JsonObject> immunisations = new ArrayList<>();
      List<JsonObject> encounters = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String code = MEDICINES[(i + s) % MEDICINES.length];
        JsonObject concept = coded("https://dmd.nhs.uk", code, "Medicine " + code);
        String dose = (s % 3 == 0 ? "Two" : "One") + " tablet(s) once a day";
        medicines.add(new JsonObject().put("resourceType", "MedicationRequest").put("id", "r" + i).put("status", "active")
            .put("intent", "plan").put("authoredOn", "2024-0" + (1 + i % 9) + "-1" + s % 10).put("medicationCodeableConcept", concept)
            .put("dosageInstruction", new JsonArray().add(new JsonObject().put("text", dose))));
        medicines.add(new JsonObject().put("resourceType", "MedicationStatement").put("id", "m" + i)
            .put("status", s % 4 == 0 ? "stopped" : "active").put("medicationCodeableConcept", concept.copy())
            .put("basedOn", new JsonArray().add(new JsonObject().put("reference", "MedicationRequest/r" + i)))
            .put("effectivePeriod", new JsonObject().put("start", "2024-0" + (1 + i % 9) + "-1" + s % 10))
            .put("dosage", new JsonArray().add(new JsonObject().put("text", dose))));
        allergies.add(new JsonObject().put("resourceType", "AllergyIntolerance").put("id", "a" + i)
            .put("code", coded("http://snomed.info/sct", SUBSTANCES[(i + s) % SUBSTANCES.length], "Substance"))
            .put("clinicalStatus", coded("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"))
            .put("recordedDate", "2019-05-0" + (1 + i % 9)));
        problems.add(new JsonObject().put("resourceType", "Condition").put("id", "c" + i)
            .put("code", coded("http://snomed.info/sct", PROBLEMS[(i * 3 + s) % PROBLEMS.length], "Problem"))
            .put("clinicalStatus", coded("http://terminology.hl7.org/CodeSystem/condition-clinical", i % 5 == 0 ? "resolved" : "active", "x"))
            .put("onsetDateTime", "201" + (i % 10) + "-03-0" + (1 + s % 9)));
        if (i < 10) {
          immunisations.add(new JsonObject().put("resourceType", "Immunization").put("id", "i" + i).put("status", "completed")
              .put("vaccineCode", coded("http://snomed.info/sct", VACCINES[i % VACCINES.length], "Vaccine"))
              .put("occurrenceDateTime", "202" + (i % 5) + "-10-0" + (1 + i % 3)));
          encounters.add(new JsonObject().put("resourceType", "Encounter").put("id", "e" + i).put("status", "finished")
              .put("class", new JsonObject().put("code", i % 3 == 0 ? "IMP" : "AMB"))
              .put("period", new JsonObject().put("start", "2025-0" + (1 + i % 9) + "-0" + (1 + s % 9))));
        }
      }
      add(source, Section.MEDICATIONS, medicines);
      add(source, Section.ALLERGIES, allergies);
      add(source, Section.PROBLEMS, problems);
      add(source, Section.IMMUNISATIONS, immunisations);
      add(source, Section.ENCOUNTERS, encounters);
    }
    if (batches.stream().mapToInt(b -> b.items().size()).sum() != 1_000) {
      throw new IllegalStateException("the record must hold 1,000 items");
    }
  }

  private void demoRecord() {
    io.shcr.simulator.Network network = io.shcr.simulator.Network.of(
        io.shcr.sources.SourceRegistry.load(Path.of("conf/sources.yaml")), io.shcr.simulator.SimulatorConfig.load(Path.of("conf")));
    int items = 0;
    for (int p = 0; items < 1_000; p++) {
      io.shcr.simulator.SyntheticPatient patient = network.population().at(p).orElseThrow();
      for (String ods : patient.holders()) {
        var org = network.organisation(ods).orElse(null);
        var held = org == null ? null : network.records().recordAt(patient, org).orElse(null);
        if (held == null) {
          continue;
        }
        java.util.Map<Section, List<JsonObject>> bySection = new java.util.EnumMap<>(Section.class);
        for (JsonObject resource : held.resources()) {
          Section.forResourceType(resource.getString("resourceType")).ifPresent(section ->
              bySection.computeIfAbsent(section, x -> new ArrayList<>()).add(resource));
        }
        for (var entry : bySection.entrySet()) {
          batches.add(new Batch(ods, entry.getKey(), entry.getValue(), new JsonArray(entry.getValue()).toBuffer()));
          items += entry.getValue().size();
        }
      }
    }
  }

  private void add(String source, Section section, List<JsonObject> items) {
    for (JsonObject item : items) {
      item.put("subject", new JsonObject().put("reference", "Patient/p"));
    }
    batches.add(new Batch(source, section, items, new JsonArray(items).toBuffer()));
  }

  private static JsonObject coded(String system, String code, String display) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", system).put("code", code)
        .put("display", display))).put("text", display);
  }

  /** Grouping every released section and encoding each group event it returns, as an SSE view does. */
  @Benchmark
  public int reconcile() {
    Reconciliation reconciliation = new Reconciliation();
    int bytes = 0;
    for (Batch batch : batches) {
      for (io.shcr.reconcile.GroupEvent group : reconciliation.accept(batch.source(), batch.section(), batch.items())) {
        bytes += group.json().length();
      }
    }
    return bytes;
  }

  /** The timeline, built only for the JSON document (an SSE view does not build one). */
  @Benchmark
  public int timeline() {
    Timeline timeline = new Timeline();
    for (Batch batch : batches) {
      timeline.accept(batch.source(), batch.section(), batch.items());
    }
    return timeline.entries().toBuffer().length();
  }

  @Benchmark
  public int view() {
    int bytes = 0;
    for (Batch batch : batches) {
      List<JsonObject> parsed = new JsonArray(batch.wire().copy()).stream().map(JsonObject.class::cast).toList();
      ResourceIndex index = ResourceIndex.of(parsed);
      filter.referencesToResolve(parsed, index);
      bytes += new JsonArray(filter.filter(parsed, index).released()).toBuffer().length();
    }
    return bytes;
  }

  /**
   * On a shared machine, where JMH's error bars swallow its scores: the least thread CPU time one call
   * of each method took over {@code args[0]} seconds (default 8) of calls, the methods taking turns in
   * rounds of a second so that the machine's load falls on each alike, and their ratios.
   */
  public static void main(String[] args) {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 8;
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    ReconciliationBenchmark benchmark = new ReconciliationBenchmark();
    benchmark.record = args.length > 1 ? args[1] : "synthetic";
    benchmark.setUp();
    Reconciliation counted = new Reconciliation();
    int events = 0;
    long bytes = 0;
    for (Batch batch : benchmark.batches) {
      for (io.shcr.reconcile.GroupEvent group : counted.accept(batch.source(), batch.section(), batch.items())) {
        events++;
        bytes += group.json().length();
      }
    }
    System.out.printf("%s record: %d items in %d sections; %d groups, %d group events, %d bytes of them%n", benchmark.record,
        benchmark.batches.stream().mapToInt(b -> b.items().size()).sum(), benchmark.batches.size(), counted.groupCount(), events, bytes);
    String[] names = {"reconcile", "timeline", "view"};
    java.util.function.IntSupplier[] methods = {benchmark::reconcile, benchmark::timeline, benchmark::view};
    long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
    int[] calls = new int[3];
    for (long round = 0; round < seconds; round++) {
      for (int m = 0; m < methods.length; m++) {
        long end = System.nanoTime() + 1_000_000_000L / methods.length;
        while (System.nanoTime() < end) {
          long start = threads.getCurrentThreadCpuTime();
          int result = methods[m].getAsInt();
          best[m] = Math.min(best[m], threads.getCurrentThreadCpuTime() - start);
          calls[m] += result > 0 ? 1 : 0;
        }
      }
    }
    for (int m = 0; m < methods.length; m++) {
      System.out.printf("%s: least CPU time %.0f us per call (%d calls)%n", names[m], best[m] / 1000.0, calls[m]);
    }
    System.out.printf("reconcile / view: %.1f %%; timeline / view: %.1f %%%n", 100.0 * best[0] / best[2], 100.0 * best[1] / best[2]);
  }
}
