package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Section;
import io.shcr.fhir.ResourceIndex;
import io.shcr.nhs.NhsNumber;
import io.shcr.support.FakeSources;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every source adapter promises, whatever its protocol, tested without a server (as
 * {@code AuditStoreContract} does for audit stores): its requests name the patient, an answer about
 * another patient fails closed, an unreadable or redirected answer is a typed failure, an empty answer
 * is empty sections, a "not held" answer says so, and no next link off the source is ever followed.
 */
abstract class SourceAdapterContract {

  static final String BASE = "http://127.0.0.1:1/SRC";

  abstract SourceAdapter adapter();

  /** The protocol's name in sources.yaml. */
  abstract String protocol();

  /** Sections this adapter is asked for in the contract. */
  Set<Section> sections() {
    return Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS);
  }

  SourceCall call() {
    SourceConfig config = new SourceConfig("SRC", "Source", SourceKind.GP, BASE, protocol(),
        Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.MEDICATIONS), true, 5_000, 5, 10, 100_000, 3,
        SourceConfig.BreakerConfig.DEFAULT);
    return new SourceCall(config, NhsNumber.of(FakeSources.NHS), sections(), new ResourceIndex(BASE));
  }

  /** The request whose answer fills the sections (the first one planned). */
  SourceQuery first(SourceCall call) {
    return adapter().plan(call).get(0);
  }

  static SourceHttpResponse fhir(int status, JsonObject body) {
    return new SourceHttpResponse(status, "application/fhir+json", body.toBuffer());
  }

  static JsonObject bundle(JsonObject... resources) {
    JsonArray entries = new JsonArray();
    for (JsonObject resource : resources) {
      entries.add(new JsonObject().put("resource", resource).put("search", new JsonObject().put("mode", "match")));
    }
    return new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("entry", entries);
  }

  static JsonObject condition(String id) {
    return new JsonObject().put("resourceType", "Condition").put("id", id)
        .put("subject", new JsonObject().put("reference", "Patient/p1"));
  }

  @Test
  void everyRequestNamesThePatientAndStaysOnTheSource() {
    List<SourceQuery> plan = adapter().plan(call());
    assertThat(plan).isNotEmpty();
    for (SourceQuery query : plan) {
      String url = query.request().url();
      String body = query.request().body() == null ? "" : query.request().body().toString();
      assertThat(url).startsWith(BASE + "/");
      assertThat(url + body).contains(FakeSources.NHS);
      assertThat(query.page()).isEqualTo(1);
    }
  }

  @Test
  void anAnswerAboutAnotherPatientFailsClosed() {
    SourceCall call = call();
    ResponseRead read = adapter().read(call, first(call), fhir(200, bundle(FakeSources.patient("p9", FakeSources.OTHER_NHS))));
    assertThat(read.failure()).isNotNull();
    assertThat(read.failure().status()).isEqualTo(SourceStatus.PATIENT_MISMATCH);
    assertThat(read.sections()).isEmpty();
    assertThat(read.received()).as("nothing of it reaches the index").isEmpty();
  }

  @Test
  void anUnreadableAnswerIsATypedFailureInOurWords() {
    SourceCall call = call();
    ResponseRead read = adapter().read(call, first(call),
        new SourceHttpResponse(200, "application/fhir+json", Buffer.buffer("{\"resourceType\": \"Bundle\", oops")));
    assertThat(read.failure()).isNotNull();
    assertThat(read.failure().status()).isEqualTo(SourceStatus.ERROR);
    assertThat(read.failure().detail()).isEqualTo("answer was not valid FHIR JSON");
  }

  @Test
  void aRedirectOrAWrongContentTypeIsAFailure() {
    SourceCall call = call();
    SourceQuery query = first(call);
    assertThat(adapter().read(call, query, new SourceHttpResponse(302, null, Buffer.buffer())).failure().detail())
        .contains("redirect");
    assertThat(adapter().read(call, query, new SourceHttpResponse(200, "text/html", bundle().toBuffer())).failure().detail())
        .isEqualTo("answer was not declared as FHIR JSON");
  }

  @Test
  void anEmptyAnswerIsEmptySections() {
    SourceCall call = call();
    SourceQuery query = first(call);
    ResponseRead read = adapter().read(call, query, fhir(200, bundle()));
    assertThat(read.failure()).isNull();
    assertThat(read.patient()).isEqualTo(ResponseRead.PatientWord.UNSAID);
    assertThat(read.next()).isNull();
    read.sections().values().forEach(resources -> assertThat(resources).isEmpty());
    assertThat(query.fills()).containsAll(read.sections().keySet());
  }

  @Test
  void aSourceThatDoesNotHoldThePatientSaysSo() {
    SourceCall call = call();
    JsonObject outcome = new JsonObject().put("resourceType", "OperationOutcome").put("issue", new JsonArray().add(
        new JsonObject().put("severity", "error").put("code", "not-found").put("details", new JsonObject().put("coding",
            new JsonArray().add(new JsonObject().put("system", "https://fhir.nhs.uk/CodeSystem/Spine-ErrorOrWarningCode")
                .put("code", "PATIENT_NOT_FOUND"))))));
    ResponseRead read = adapter().read(call, first(call), fhir(404, outcome));
    assertThat(read.failure()).isNull();
    assertThat(read.patient()).isEqualTo(ResponseRead.PatientWord.NOT_HELD);
    assertThat(read.sections().values()).allSatisfy(resources -> assertThat(resources).isEmpty());
  }

  @Test
  void aNextLinkOffTheSourceIsNeverFollowed() {
    SourceCall call = call();
    JsonObject page = bundle(FakeSources.patient("p1", FakeSources.NHS))
        .put("link", new JsonArray().add(new JsonObject().put("relation", "next").put("url", "http://attacker.example/SRC/Patient?page=2")));
    ResponseRead read = adapter().read(call, first(call), fhir(200, page));
    assertThat(read.next()).isNull();
  }
}
