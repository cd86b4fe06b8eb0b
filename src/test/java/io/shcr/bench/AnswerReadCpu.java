package io.shcr.bench;

import io.shcr.core.Section;
import io.shcr.fhir.PatientGuard;
import io.shcr.fhir.ResourceIndex;
import io.shcr.nhs.NhsNumber;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.privacy.RuleBasedPrivacyFilter;
import io.shcr.sources.FhirSearchAdapter;
import io.shcr.sources.ResponseRead;
import io.shcr.sources.SourceCall;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceHttpResponse;
import io.shcr.sources.SourceKind;
import io.shcr.sources.SourceQuery;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The way in of one source's answer in the side-by-side bench (issue 17), in-process and alone: the
 * Patient search planned, its answer (the bench's searchset: one Patient with an NHS number and a local
 * MRN, bench/src/shcr/bench/FakeNetwork) read by the FHIR adapter, put in the source's index, the Patient
 * proven as a view proves it (four times, and checked for another patient's number three times), checked
 * by the patient guard before and after its links, and filtered. Prints the least thread CPU time per
 * answer over batches of answers; compare two builds by alternating runs (the machine is shared: the
 * least is what the code costs when nothing gets in the way). Uses only what both builds of issue 17
 * have, so it compiles against either jar:
 *
 * <pre>
 * javac -d /tmp/arc -cp JAR src/test/java/io/shcr/bench/AnswerReadCpu.java
 * java -cp /tmp/arc:JAR io.shcr.bench.AnswerReadCpu [SECONDS=10]     (from the project root: it reads conf/)
 * </pre>
 */
public final class AnswerReadCpu {

  private static final String NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
  private static final int BATCH = 200;

  private AnswerReadCpu() {}

  public static void main(String[] args) {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
    NhsNumber nhs = NhsNumber.of("9990000018");
    SourceConfig source = new SourceConfig("B00", "Bench source B00", SourceKind.ACUTE, "http://127.0.0.1:18720/B00", "fhir-r4",
        Set.of(Section.DEMOGRAPHICS), true, 2_500, 200, 100, 5_242_880, 10, SourceConfig.BreakerConfig.DEFAULT);
    PrivacyFilter privacy = RuleBasedPrivacyFilter.load(Path.of("conf"));
    FhirSearchAdapter adapter = new FhirSearchAdapter();
    Buffer body = searchset(nhs.value()).toBuffer();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long best = Long.MAX_VALUE;
    long answers = 0;
    int released = 0;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < BATCH; i++) {
        released += oneAnswer(source, nhs, adapter, privacy, body);
      }
      best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
      answers += BATCH;
    }
    if (released != answers) {
      throw new IllegalStateException("the bench's Patient was not released every time: " + released + " of " + answers);
    }
    System.out.printf("answer read, guarded and filtered: least CPU time %.2f us per answer (%d answers)%n",
        best / 1000.0 / BATCH, answers);
  }

  private static int oneAnswer(SourceConfig source, NhsNumber nhs, FhirSearchAdapter adapter, PrivacyFilter privacy, Buffer body) {
    ResourceIndex index = new ResourceIndex(source.baseUrl());
    PatientGuard guard = new PatientGuard(nhs);
    SourceCall call = new SourceCall(source, nhs, Set.of(Section.DEMOGRAPHICS), index);
    SourceQuery query = adapter.plan(call).get(0);
    ResponseRead read = adapter.read(call, query, new SourceHttpResponse(200, "application/fhir+json", body));
    index.addAll(read.received());
    boolean proven = false;
    for (int i = 0; i < 4; i++) {
      for (JsonObject patient : index.patients()) {
        proven |= guard.proves(patient, index);
      }
    }
    for (int i = 0; i < 3; i++) {
      for (JsonObject patient : index.patients()) {
        proven &= !guard.namesAnotherPatient(patient);
      }
    }
    List<JsonObject> kept = guard.check(read.sections().get(Section.DEMOGRAPHICS), index).kept();
    privacy.referencesToResolve(kept, index);
    kept = guard.check(kept, index).kept();
    return proven ? privacy.filter(kept, index).released().size() : 0;
  }

  /** The bench's answer to a Patient search (as FakeNetwork builds it). */
  private static JsonObject searchset(String nhsNumber) {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", "p0")
        .put("identifier", new JsonArray().add(new JsonObject().put("system", NHS_SYSTEM).put("value", nhsNumber))
            .add(new JsonObject().put("system", "https://b00.bench.invalid/Id/mrn").put("value", "B00-1000")))
        .put("active", true)
        .put("name", new JsonArray().add(new JsonObject().put("use", "official").put("family", "Bench0")
            .put("given", new JsonArray().add("Pat"))))
        .put("gender", "female")
        .put("birthDate", "1940-01-10");
    return new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("total", 1)
        .put("link", new JsonArray().add(new JsonObject().put("relation", "self").put("url", "http://bench.invalid/B00")))
        .put("entry", new JsonArray().add(new JsonObject().put("fullUrl", "http://bench.invalid/B00/Patient/p0")
            .put("resource", patient).put("search", new JsonObject().put("mode", "match"))));
  }
}
