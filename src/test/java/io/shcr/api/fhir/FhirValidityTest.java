package io.shcr.api.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.nhs.NhsNumber;
import io.shcr.core.Section;
import io.shcr.support.DemoNetwork;
import io.shcr.support.FhirValidation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Everything the service says in FHIR, checked by the HAPI FHIR R4 validator (base R4, offline) over
 * the running demo network: every persona's {@code $everything} for every demo patient (so every
 * resource each one receives), a type search per type, the CapabilityStatement, the audit export,
 * every kind of error response, and the simulator's own answers. 0 errors; warnings are printed.
 */
class FhirValidityTest {

  static final List<String> PATIENTS = List.of("9990000018", "9990000026", "9990000034", "9990000042");
  static final List<String> PERSONAS = List.of("ed-doctor", "social-worker", "receptionist", "privacy-officer", "not-live-council");

  private static Vertx vertx;
  private static DemoNetwork demo;
  private static WebClient client;
  private static FhirValidation validation;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    demo = await(DemoNetwork.startUnhurried(vertx));
    client = WebClient.create(vertx);
    validation = new FhirValidation();
  }

  @AfterAll
  static void stop() {
    System.out.println(validation.warningReport());
    await(demo.close());
    await(vertx.close());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<Buffer> get(String persona, String pathAndQuery) {
    HttpRequest<Buffer> request = client.get(demo.service.port(), "127.0.0.1", pathAndQuery).putHeader("Accept", "application/fhir+json");
    if (persona != null) {
      request.putHeader("Authorization", "Bearer " + demo.token(persona));
    }
    return await(request.send());
  }

  private static List<String> valid(String what, HttpResponse<Buffer> response) {
    assertThat(response.getHeader("Content-Type")).as(what).startsWith("application/fhir+json");
    return validation.validate(what, response.bodyAsString());
  }

  @Test
  void everyPersonasEverythingForEveryDemoPatientValidates() {
    List<String> errors = new ArrayList<>();
    int bundles = 0;
    for (String persona : PERSONAS) {
      for (String nhs : PATIENTS) {
        HttpResponse<Buffer> response = get(persona, "/fhir/Patient/" + nhs + "/$everything");
        errors.addAll(valid(persona + " $everything " + nhs + " (" + response.statusCode() + ")", response));
        bundles += response.statusCode() == 200 ? 1 : 0;
      }
    }
    assertThat(errors).isEmpty();
    // The test can fail: the ED doctor gets every demo patient who has records and has not objected.
    assertThat(bundles).isGreaterThanOrEqualTo(2);
  }

  @Test
  void everyTypeSearchValidatesAndHoldsOnlyThatTypeAsMatches() {
    List<String> errors = new ArrayList<>();
    for (String nhs : List.of("9990000018", "9990000026")) {
      for (Section section : Section.values()) {
        for (String type : section.resourceTypes()) {
          String param = "Patient".equals(type) ? "identifier" : "patient.identifier";
          HttpResponse<Buffer> response = get("ed-doctor", "/fhir/" + type + "?" + param + "=" + NhsNumber.SYSTEM + "|" + nhs);
          assertThat(response.statusCode()).as(type).isEqualTo(200);
          errors.addAll(valid("ed-doctor " + type + " " + nhs, response));
          for (Object entry : response.bodyAsJsonObject().getJsonArray("entry")) {
            JsonObject e = (JsonObject) entry;
            if ("match".equals(e.getJsonObject("search").getString("mode"))) {
              assertThat(e.getJsonObject("resource").getString("resourceType")).isEqualTo(type);
            }
          }
        }
      }
    }
    assertThat(errors).isEmpty();
  }

  @Test
  void everyReferenceResolvesInTheBundleOrCarriesItsSourcesUrlAndOrganisationsAreNamed() {
    for (String nhs : List.of("9990000018", "9990000026")) {
      JsonObject bundle = get("ed-doctor", "/fhir/Patient/" + nhs + "/$everything").bodyAsJsonObject();
      java.util.Set<String> fullUrls = new java.util.HashSet<>();
      bundle.getJsonArray("entry").forEach(e -> fullUrls.add(((JsonObject) e).getString("fullUrl")));
      int dangling = 0;
      int named = 0;
      for (Object item : bundle.getJsonArray("entry")) {
        JsonObject entry = (JsonObject) item;
        assertThat(entry.getString("fullUrl")).matches("(https?://.+/[A-Za-z]+/[^/]+)|(urn:uuid:[0-9a-f-]{36})");
        String base = entry.getString("fullUrl").replaceFirst("/[A-Za-z]+/[^/]+$", "");
        for (String reference : io.shcr.fhir.References.allIn(entry.getJsonObject("resource"))) {
          boolean resolves = reference.startsWith("#") || fullUrls.contains(reference) || fullUrls.contains(base + "/" + reference);
          boolean absolute = reference.startsWith("http://") || reference.startsWith("https://");
          if (!resolves && !absolute) {
            dangling++;
          }
        }
        if (!"Provenance".equals(entry.getJsonObject("resource").getString("resourceType"))) {
          named += countOrganisationDisplays(entry.getJsonObject("resource")); // a Provenance names its (named) source
        }
      }
      assertThat(dangling).as("references that neither resolve in the Bundle nor are absolute, " + nhs).isZero();
      if (nhs.equals("9990000018")) {
        assertThat(named).as("organisation references with a name, ordinary patient").isPositive();
      } else {
        assertThat(named).as("organisation references with a name, restricted patient").isZero();
        assertThat(bundle.encode()).doesNotContain("ods-organization-code\",\"value\":\"P8");
      }
    }
  }

  private static int countOrganisationDisplays(Object node) {
    int count = 0;
    if (node instanceof JsonObject object) {
      if (object.getValue("identifier") instanceof JsonObject id && SearchBundle.ODS.equals(id.getString("system"))
          && object.containsKey("display") && !object.containsKey("resourceType")) {
        count++;
      }
      for (var field : object) {
        count += countOrganisationDisplays(field.getValue());
      }
    } else if (node instanceof JsonArray array) {
      for (Object item : array) {
        count += countOrganisationDisplays(item);
      }
    }
    return count;
  }

  @Test
  void capabilityStatementAndAuditExportValidate() {
    List<String> errors = new ArrayList<>(valid("metadata", get(null, "/fhir/metadata")));
    get("ed-doctor", "/fhir/Patient/9990000018/$everything");
    get("ed-doctor", "/fhir/Condition?patient.identifier=" + NhsNumber.SYSTEM + "|9990000018");
    get("ed-doctor", "/api/v1/patients/9990000018/record");
    get(null, "/fhir/Condition?patient.identifier=" + NhsNumber.SYSTEM + "|9990000018");
    assertThat(await(client.post(demo.service.port(), "127.0.0.1", "/api/v1/patients/9990000042/break-glass")
        .putHeader("Authorization", "Bearer " + demo.token("ed-doctor"))
        .sendJsonObject(new JsonObject().put("reasonCode", "emergency-treatment")
            .put("justification", "Unconscious patient brought in by ambulance, no history available."))).statusCode()).isEqualTo(201);
    get("ed-doctor", "/fhir/Patient/9990000042/$everything");
    for (String query : List.of("patient=9990000018&pageSize=2", "patient=9990000018&pageSize=2&page=2", "patient=9990000042", "")) {
      HttpResponse<Buffer> export = get("privacy-officer", "/api/v1/audit/AuditEvent?" + query);
      assertThat(export.statusCode()).isEqualTo(200);
      JsonObject bundle = export.bodyAsJsonObject();
      assertThat(bundle.getJsonArray("entry")).isNotEmpty();
      assertThat(bundle.getJsonArray("link").getJsonObject(0).getString("relation")).isEqualTo("self");
      errors.addAll(valid("audit export " + query, export));
      if (query.contains("pageSize=2")) {
        assertThat(bundle.getJsonArray("link").stream().map(l -> ((JsonObject) l).getString("relation"))).contains("next");
      }
    }
    String all = get("privacy-officer", "/api/v1/audit/AuditEvent?patient=9990000042").bodyAsString();
    assertThat(all).contains("\"110113\"", "\"110127\"", "\"ETREAT\"", "\"operation\"", "XrequestId");
    String rich = get("privacy-officer", "/api/v1/audit/AuditEvent?patient=9990000018&pageSize=100").bodyAsString();
    assertThat(rich).contains("\"search-type\"", "\"read\"", "\"operation\"", "\"110101\"", "\"HOPERAT\"");
    assertThat(errors).isEmpty();
  }

  @Test
  void everyKindOfErrorResponseValidates() {
    String rich = "patient.identifier=" + NhsNumber.SYSTEM + "|9990000018";
    List<String> errors = new ArrayList<>();
    List<String[]> cases = List.of(
        new String[] {"ed-doctor", "/fhir/Patient/1234567890/$everything", "400"},
        new String[] {"ed-doctor", "/fhir/Condition?" + rich + "&_sort=date", "400"},
        new String[] {"ed-doctor", "/fhir/Condition?" + rich + "&_count=0", "400"},
        new String[] {"ed-doctor", "/fhir/Condition", "400"},
        new String[] {"ed-doctor", "/fhir/Procedure?" + rich, "404"},
        new String[] {"ed-doctor", "/fhir/Condition?" + rich + "&_format=xml", "406"},
        new String[] {null, "/fhir/Condition?" + rich, "401"},
        new String[] {"privacy-officer", "/fhir/Condition?" + rich, "403"},
        new String[] {"not-live-council", "/fhir/Patient/9990000018/$everything", "403"},
        new String[] {"ed-doctor", "/fhir/Patient/9990000034/$everything", "403"},
        new String[] {"ed-doctor", "/fhir/Patient/9990000018/$everything?_type=Condition", "400"},
        new String[] {"ed-doctor", "/fhir/Patient/9990000018", "404"});
    for (String[] c : cases) {
      HttpResponse<Buffer> response = get(c[0], c[1]);
      assertThat(response.statusCode()).as(c[1]).isEqualTo(Integer.parseInt(c[2]));
      assertThat(response.bodyAsJsonObject().getString("resourceType")).isEqualTo("OperationOutcome");
      errors.addAll(valid(c[2] + " " + c[1], response));
    }
    assertThat(errors).isEmpty();
  }

  @Test
  void theSimulatorsOwnAnswersValidate() {
    List<String> errors = new ArrayList<>();
    var registry = io.shcr.sources.SourceRegistry.load(demo.configDir.resolve("sources.yaml"));
    for (var source : registry.all()) {
      // A practice's endpoint is the simulated SDS's: beside it, under the practice's code.
      String url = source.baseUrl() != null ? source.baseUrl() : registry.gpConnect().sds().baseUrl().replace("/sds", "/" + source.id());
      String base = url.replace("http://127.0.0.1:", "");
      int port = Integer.parseInt(base.substring(0, base.indexOf('/')));
      String path = base.substring(base.indexOf('/'));
      if ("gp-connect".equals(source.adapter())) {
        JsonObject body = new JsonObject().put("resourceType", "Parameters").put("parameter", new JsonArray()
            .add(new JsonObject().put("name", "patientNHSNumber").put("valueIdentifier",
                new JsonObject().put("system", NhsNumber.SYSTEM).put("value", "9990000018")))
            .add(new JsonObject().put("name", "includeAllergies").put("part", new JsonArray().add(new JsonObject()
                .put("name", "includeResolvedAllergies").put("valueBoolean", true))))
            .add(new JsonObject().put("name", "includeMedication")));
        HttpResponse<Buffer> response = await(client.post(port, "127.0.0.1", path + "/Patient/$gpc.getstructuredrecord")
            .putHeader("Content-Type", "application/fhir+json").sendBuffer(body.toBuffer()));
        if (response.statusCode() == 200) {
          errors.addAll(validation.validate("simulator " + source.id() + " structured record", response.bodyAsString()));
        }
        continue;
      }
      for (Section section : source.sections()) {
        for (String type : section.resourceTypes()) {
          String param = "Patient".equals(type) ? "identifier" : "patient.identifier";
          HttpResponse<Buffer> response = await(client.get(port, "127.0.0.1", path + "/" + type)
              .addQueryParam(param, NhsNumber.SYSTEM + "|9990000018").send());
          if (response.statusCode() == 200) {
            errors.addAll(validation.validate("simulator " + source.id() + " " + type, response.bodyAsString()));
          }
        }
      }
    }
    assertThat(validation.validated()).isGreaterThan(10);
    assertThat(errors).isEmpty();
  }
}
