package io.shcr.simulator;

import io.shcr.fhir.FhirVersions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What reading GP Connect's STU3 costs: every practice's full structured record for its patients, as the
 * simulator sends it, converted to R4 the way the GP Connect adapter does (per entry, with the loss
 * check). Prints resources, bytes and milliseconds, first pass (class loading) and warm. Not a test:
 * run it by hand (docs/performance.md):
 * {@code mvn -B -q -o test-compile exec:java} is not available offline, so
 * {@code java -cp target/test-classes:target/classes:$(cat cp) io.shcr.simulator.Stu3ConversionProbe}.
 */
public final class Stu3ConversionProbe {

  public static void main(String[] args) throws Exception {
    Network network = Fixture.network(Fixture.quietConfig());
    List<JsonObject> answers = new ArrayList<>();
    for (SyntheticPatient patient : network.population().all()) {
      for (String ods : patient.holders()) {
        network.practice(ods).ifPresent(practice -> network.records().servedAt(patient, practice).ifPresent(record ->
            answers.add(FhirVersions.structuredRecordAsStu3(StructuredRecord.bundle("http://127.0.0.1/" + ods, practice, patient,
                record, Set.of(GpArea.values()), Set.of())))));
      }
    }
    long bytes = answers.stream().mapToLong(a -> a.encode().length()).sum();
    long resources = answers.stream().mapToLong(a -> a.getJsonArray("entry").size()).sum();
    for (int pass = 1; pass <= 3; pass++) {
      long started = System.nanoTime();
      long lossy = 0;
      for (JsonObject answer : answers) {
        lossy += FhirVersions.stu3BundleToR4(answer).lossy().size();
      }
      double ms = (System.nanoTime() - started) / 1e6;
      System.out.printf("pass %d: %d answers, %d resources, %d bytes, %.0f ms (%.1f us per resource), %d lossy%n",
          pass, answers.size(), resources, bytes, ms, ms * 1000 / resources, lossy);
    }
  }
}
