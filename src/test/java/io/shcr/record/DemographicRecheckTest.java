package io.shcr.record;

import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.NHS;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.fhir;
import static io.shcr.support.LyingSources.matching;
import static io.shcr.support.LyingSources.patient;
import static io.shcr.support.LyingSources.encounter;
import static io.shcr.support.LyingSources.searchset;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessDecision;
import io.shcr.access.Purpose;
import io.shcr.access.ResourceTransform;
import io.shcr.core.ApiError;
import io.shcr.core.Deadline;
import io.shcr.core.RecordRequest;
import io.shcr.core.Section;
import io.shcr.fhir.Demographics;
import io.shcr.nhs.NhsNumber;
import io.shcr.sources.SourceDirectory;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.TestComponents;
import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A second Patient under our NHS number that arrives in a later section (after the first was checked
 * against PDS and a section went out) is checked too: what is still to come from that source is withheld
 * and its status says {@code patient-mismatch}.
 */
@ExtendWith(VertxExtension.class)
class DemographicRecheckTest {

  private static final class Collecting implements RecordSink {
    final List<String> sections = new CopyOnWriteArrayList<>();
    final List<JsonObject> sources = new CopyOnWriteArrayList<>();

    @Override public void meta(JsonObject meta) { }
    @Override public void section(SectionEvent section) {
      sections.add(section.section() + ":" + section.resources().toString());
    }
    @Override public void source(JsonObject source) {
      sources.add(source);
    }
    @Override public void complete(JsonObject complete) { }
    @Override public void refuse(ApiError error) { }
    @Override public void fail(ApiError error) { }
    @Override public int delivered() {
      return sections.size();
    }
  }

  @Test
  void aLaterPatientWithAnotherBirthDateWithholdsWhatIsStillToCome(Vertx vertx) {
    JsonObject encounter = encounter("e1", "Patient/SRC-patient");
    JsonObject problem = condition("c1", "Patient/SRC-patient", HYPERTENSION);
    JsonObject twin = patient("twin", NHS).put("birthDate", "1961-05-05");
    TrustBed bed = new TrustBed(vertx);
    bed.sources.with("SRC", (request, type) -> {
      if (type.equals("Encounter")) {
        // Later than the problems, so the first check has passed and a section has gone out.
        vertx.setTimer(700, t -> fhir(request, 200, searchset(encounter, twin)));
      } else {
        fhir(request, 200, searchset(new ArrayList<>(matching("SRC", request, type, List.of(problem)))));
      }
    });
    bed.startSources();
    SourceDirectory directory = new SourceDirectory(vertx, new SourceRegistry(List.of(bed.fhir("SRC", 5_000, 5))));
    try {
      Collecting sink = new Collecting();
      Demographics pds = Demographics.of(patient("pds", NHS));
      AccessDecision decision = new AccessDecision(TestComponents.DOCTOR, null, EnumSet.of(Section.ENCOUNTERS, Section.PROBLEMS),
          Purpose.DIRECT_CARE, null, null, ResourceTransform.IDENTITY, pds);
      RecordRequest request = new RecordRequest("r1", NhsNumber.of(NHS), Set.of(Section.ENCOUNTERS, Section.PROBLEMS), Set.of(),
          "127.0.0.1", "test");
      io.vertx.core.Promise<ViewSummary> ended = io.vertx.core.Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> new RecordView(vertx, directory, TrustBed.shippedFilter(), request,
          decision).start(Deadline.in(8_000), sink).onComplete(ended));
      TrustBed.await(ended.future());
      // TODO(fix14): the problems section was expected out before the encounters arrived, but no section is
      // sent before the late answer here; it is not yet shown that this test fails without the re-check.
      assertThat(String.join("\n", sink.sections)).doesNotContain("Encounter").doesNotContain("1961-05-05");
      assertThat(sink.sources).singleElement().satisfies(s -> {
        assertThat(s.getString("status")).isEqualTo("patient-mismatch");
        assertThat(s.getString("detail")).isEqualTo("demographics differ from PDS");
      });
    } finally {
      TrustBed.await(directory.close());
      bed.close();
    }
  }
}
