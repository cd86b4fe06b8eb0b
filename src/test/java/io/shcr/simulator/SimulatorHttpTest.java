package io.shcr.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.Bundles;
import io.shcr.fhir.References;
import io.shcr.fhir.Resources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SimulatorHttpTest {

  private static SimulatorServer simulator;
  private static WebClient client;
  private static String base;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) {
    Fixture.start(vertx, Fixture.quietConfig()).onComplete(ctx.succeeding(s -> {
      simulator = s;
      client = WebClient.create(vertx);
      base = s.baseUrl();
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void stop(VertxTestContext ctx) {
    simulator.close().onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> get(String url) {
    return client.getAbs(url).send();
  }

  private Future<JsonObject> search(String ods, String type, String nhs) {
    return get(base + "/" + ods + "/" + type + "?patient.identifier=" + Fixture.NHS + nhs + "&_count=100").map(r -> {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).isEqualTo("application/fhir+json");
      return r.bodyAsJsonObject();
    });
  }

  @Test
  void patientSearchFindsTheOrganisationsPatientAndNotAnUnknownOne(VertxTestContext ctx) {
    get(base + "/RXN/Patient?identifier=" + Fixture.NHS + Population.RICH).compose(found -> {
      JsonObject bundle = found.bodyAsJsonObject();
      assertThat(bundle.getInteger("total")).isEqualTo(1);
      JsonObject patient = Bundles.resources(bundle).get(0);
      assertThat(Resources.nhsNumbers(patient)).containsExactly(Population.RICH);
      return get(base + "/RXN/Patient?identifier=" + Fixture.NHS + Population.NO_RECORDS);
    }).compose(none -> {
      assertThat(none.bodyAsJsonObject().getInteger("total")).isZero();
      return search("RXN", "Condition", "9990000050");
    }).onComplete(ctx.succeeding(unknown -> ctx.verify(() -> {
      assertThat(unknown.getInteger("total")).isZero();
      ctx.completeNow();
    })));
  }

  @Test
  void searchesPageWithAbsoluteNextLinks(VertxTestContext ctx) {
    String first = base + "/RXN/Observation?patient.identifier=" + Fixture.NHS + Population.RICH + "&_count=2";
    get(first).compose(page1 -> {
      JsonObject bundle = page1.bodyAsJsonObject();
      assertThat(bundle.getString("type")).isEqualTo("searchset");
      assertThat(bundle.getInteger("total")).isGreaterThan(2);
      assertThat(Bundles.resources(bundle)).hasSize(2);
      JsonObject entry = bundle.getJsonArray("entry").getJsonObject(0);
      assertThat(entry.getString("fullUrl")).startsWith(base + "/RXN/Observation/");
      assertThat(entry.getJsonObject("search").getString("mode")).isEqualTo("match");
      String next = Bundles.nextLink(bundle).orElseThrow();
      assertThat(next).startsWith(base + "/RXN/Observation?");
      return get(next).map(page2 -> List.of(bundle, page2.bodyAsJsonObject()));
    }).onComplete(ctx.succeeding(pages -> ctx.verify(() -> {
      Set<String> ids1 = ids(pages.get(0));
      Set<String> ids2 = ids(pages.get(1));
      assertThat(ids2).hasSize(2).doesNotContainAnyElementsOf(ids1);
      ctx.completeNow();
    })));
  }

  @Test
  void idLookupAndReadResolveReferences(VertxTestContext ctx) {
    search("RXN", "Condition", Population.RICH).compose(conditions -> {
      List<String> ids = Bundles.resources(conditions).stream().map(r -> r.getString("id")).limit(2).toList();
      return get(base + "/RXN/Condition?_id=" + String.join(",", ids)).map(r -> {
        assertThat(ids(r.bodyAsJsonObject())).containsExactlyInAnyOrderElementsOf(ids);
        return ids.get(0);
      });
    }).compose(id -> get(base + "/RXN/Condition/" + id).map(r -> {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getString("id")).isEqualTo(id);
      return id;
    })).compose(id -> get(base + "/RXN/Condition/zzzz-1")).onComplete(ctx.succeeding(missing -> ctx.verify(() -> {
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.bodyAsJsonObject().getString("resourceType")).isEqualTo("OperationOutcome");
      ctx.completeNow();
    })));
  }

  @Test
  void resourcesReferenceTheOrganisationsOwnPatient(VertxTestContext ctx) {
    Future.all(get(base + "/RW5/Patient?identifier=" + Fixture.NHS + Population.RICH), search("RW5", "Flag", Population.RICH))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> patients = all.resultAt(0);
          String patientId = Bundles.resources(patients.bodyAsJsonObject()).get(0).getString("id");
          JsonObject flags = all.resultAt(1);
          assertThat(Bundles.resources(flags)).isNotEmpty().allSatisfy(flag ->
              assertThat(flag.getJsonObject("subject").getString("reference")).isEqualTo("Patient/" + patientId));
          ctx.completeNow();
        })));
  }

  @Test
  void eachKindOfOrganisationServesItsOwnKindOfData(VertxTestContext ctx) {
    String rich = Population.RICH;
    Future.all(List.of(
        search("RXN", "Encounter", rich), search("RXN", "DocumentReference", rich), search("RW5", "CarePlan", rich),
        search("RW5", "Flag", rich), search("888", "CarePlan", rich), search("NSC", "Flag", rich),
        search("NSC", "CarePlan", rich), search("NCG", "CarePlan", rich), search("VPB01", "CarePlan", rich),
        search("RW5", "DocumentReference", rich), search("RXN", "Condition", rich)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<JsonObject> encounters = Bundles.resources(all.resultAt(0));
          assertThat(codes(encounters, "type")).contains("4525004", "183452005");
          assertThat(codes(encounters, "serviceType")).contains("360");
          assertThat(codes(Bundles.resources(all.resultAt(1)), "type")).contains("373942005");
          assertThat(titles(all.resultAt(2))).contains("Crisis and contingency plan");
          assertThat(codes(Bundles.resources(all.resultAt(3)), "code")).contains("225444004");
          assertThat(titles(all.resultAt(4))).contains("Home care package");
          assertThat(codes(Bundles.resources(all.resultAt(5)), "code")).contains("304253006");
          assertThat(titles(all.resultAt(6))).contains("End of life care plan");
          assertThat(titles(all.resultAt(7))).contains("Recovery plan (treatment episode)");
          assertThat(titles(all.resultAt(8))).contains("Residential care plan");
          assertThat(Bundles.resources(all.resultAt(9))).anySatisfy(doc -> assertThat(restricted(doc)).isTrue());
          assertThat(Bundles.resources(all.resultAt(10))).anySatisfy(c -> assertThat(restricted(c)).isTrue());
          ctx.completeNow();
        })));
  }

  @Test
  void gpConnectReturnsListsWarningsAndTheirResources(VertxTestContext ctx) throws Exception {
    gpc(base + "/P81901/Patient/$gpc.getstructuredrecord")
        .sendJsonObject(parameters(Population.RICH, "includeAllergies", "includeMedication", "includeProblems",
            "includeConsultations", "includeImmunisations", "includeInvestigations", "includeReferrals"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          JsonObject stu3 = r.bodyAsJsonObject();
          assertThat(Bundles.resources(stu3)).extracting(Resources::type).contains("ReferralRequest").doesNotContain("ServiceRequest");
          // What the service reads: the STU3 answer as R4, nothing of it lost in conversion.
          io.shcr.fhir.FhirVersions.Converted converted = io.shcr.fhir.FhirVersions.stu3BundleToR4(stu3);
          assertThat(converted.lossy()).isEmpty();
          JsonObject bundle = converted.bundle();
          assertThat(bundle.getString("type")).isEqualTo("collection");
          List<JsonObject> resources = Bundles.resources(bundle);
          Set<String> refs = resources.stream().map(Resources::localReference).collect(Collectors.toSet());
          assertThat(resources).extracting(Resources::type).contains("Patient", "Organization", "Practitioner");
          List<JsonObject> lists = resources.stream().filter(x -> "List".equals(Resources.type(x))).toList();
          assertThat(lists).hasSize(7);
          for (JsonObject list : lists) {
            for (Object entry : list.getJsonArray("entry", new JsonArray())) {
              assertThat(refs).contains(References.localPart(((JsonObject) entry).getJsonObject("item").getString("reference")));
            }
          }
          assertThat(warnings(lists, "717711000000103")).containsExactly("confidential-items");
          assertThat(warnings(lists, "887191000000108")).containsExactly("data-awaiting-filing");
          // Every medicine names a Medication of the answer that carries its code (GP Connect 1.6), kept through the conversion.
          List<JsonObject> medicines = resources.stream().filter(x -> Resources.type(x).startsWith("MedicationStatement")
              || Resources.type(x).equals("MedicationRequest")).toList();
          assertThat(medicines).isNotEmpty().allSatisfy(m -> {
            assertThat(m.containsKey("medicationCodeableConcept")).isFalse();
            String target = m.getJsonObject("medicationReference").getString("reference");
            assertThat(resources).anySatisfy(x -> {
              assertThat(Resources.localReference(x)).isEqualTo(References.localPart(target));
              assertThat(Resources.type(x)).isEqualTo("Medication");
              assertThat(x.getJsonObject("code")).isNotNull();
            });
          });
          JsonObject hiv = resources.stream().filter(x -> codes(List.of(x), "code").contains("86406008")).findFirst().orElseThrow();
          assertThat(resources).anySatisfy(med -> {
            assertThat(Resources.type(med)).isEqualTo("MedicationStatement");
            assertThat(med.getJsonArray("reasonReference").getJsonObject(0).getString("reference"))
                .isEqualTo(Resources.localReference(hiv));
          });
          ctx.completeNow();
        })));
  }

  @Test
  void gpConnectDisabledAreaAndEmptyList(VertxTestContext ctx) {
    SyntheticPatient noAllergies = simulator.network().population().all().stream()
        .filter(p -> "P81905".equals(p.practice()) && !p.restricted() && GpHistory.allergiesOf(p).isEmpty()).findFirst().orElseThrow();
    gpc(base + "/P81905/Patient/$gpc.getstructuredrecord")
        .sendJsonObject(parameters(noAllergies.nhsNumber().value(), "includeAllergies", "includeReferrals"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          List<JsonObject> resources = Bundles.resources(r.bodyAsJsonObject());
          JsonObject outcome = resources.stream().filter(x -> "OperationOutcome".equals(Resources.type(x))).findFirst().orElseThrow();
          JsonObject issue = outcome.getJsonArray("issue").getJsonObject(0);
          assertThat(issue.getString("severity")).isEqualTo("warning");
          assertThat(issue.getString("code")).isEqualTo("not-supported");
          assertThat(issue.getJsonObject("details").getJsonArray("coding").getJsonObject(0).getString("code")).isEqualTo("NOT_IMPLEMENTED");
          assertThat(issue.getString("diagnostics")).contains("includeReferrals");
          JsonObject allergies = resources.stream().filter(x -> "List".equals(Resources.type(x))).findFirst().orElseThrow();
          assertThat(allergies.getJsonObject("emptyReason").getJsonArray("coding").getJsonObject(0).getString("code"))
              .isEqualTo("no-content-recorded");
          ctx.completeNow();
        })));
  }

  @Test
  void gpConnectErrors(VertxTestContext ctx) {
    String url = base + "/P81901/Patient/$gpc.getstructuredrecord";
    client.postAbs(url).sendJsonObject(parameters(Population.RICH)).compose(bare -> {
      // As a provider behind the SSP: no SSP headers and no consumer JWT is refused before the record is read.
      assertThat(bare.statusCode()).isEqualTo(400);
      assertThat(spineCode(bare.bodyAsJsonObject())).isEqualTo("BAD_REQUEST");
      return gpc(url).putHeader("Authorization", "Bearer not-a-jwt").sendJsonObject(parameters(Population.RICH));
    }).compose(badToken -> {
      assertThat(badToken.statusCode()).isEqualTo(400);
      return gpc(url).sendJsonObject(parameters("9990000019"));
    }).compose(invalid -> {
      assertThat(invalid.statusCode()).isEqualTo(400);
      assertThat(spineCode(invalid.bodyAsJsonObject())).isEqualTo("INVALID_NHS_NUMBER");
      return gpc(url).sendJsonObject(parameters(Population.NO_RECORDS));
    }).compose(unknown -> {
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(spineCode(unknown.bodyAsJsonObject())).isEqualTo("PATIENT_NOT_FOUND");
      return gpc(base + "/P81902/Patient/$gpc.getstructuredrecord").sendJsonObject(parameters(Population.RESTRICTED));
    }).onComplete(ctx.succeeding(restricted -> ctx.verify(() -> {
      assertThat(restricted.statusCode()).isEqualTo(404);
      ctx.completeNow();
    })));
  }

  @Test
  void anSspTraceIdSentAgainIsRefused(VertxTestContext ctx) {
    String url = base + "/P81901/Patient/$gpc.getstructuredrecord";
    String reused = java.util.UUID.randomUUID().toString();
    gpc(url).putHeader("Ssp-TraceID", reused).sendJsonObject(parameters(Population.RICH))
        .compose(first -> {
          ctx.verify(() -> assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200));
          return gpc(url).putHeader("Ssp-TraceID", reused.toUpperCase(java.util.Locale.ROOT)).sendJsonObject(parameters(Population.RICH));
        })
        .onComplete(ctx.succeeding(again -> ctx.verify(() -> {
          assertThat(again.statusCode()).isEqualTo(400);
          assertThat(spineCode(again.bodyAsJsonObject())).isEqualTo("BAD_REQUEST");
          assertThat(again.bodyAsString()).contains("Ssp-TraceID must be new");
          ctx.completeNow();
        })));
  }

  /** A structured-record request as the service sends it: SSP headers and a consumer JWT for a signed-in doctor. */
  private io.vertx.ext.web.client.HttpRequest<Buffer> gpc(String url) {
    String root = url.substring(0, url.indexOf("/Patient/"));
    String ods = root.substring(root.lastIndexOf('/') + 1);
    io.shcr.sources.GpConnectConsumer consumer = Fixture.sources().gpConnect();
    io.shcr.core.Principal doctor = new io.shcr.core.Principal("555000100001", "Amara Okafor", "555000200001", "R8000", "RXN",
        java.util.Set.of(), null, "Amara", "Okafor", "Lancashire Teaching Hospitals NHS Foundation Trust");
    io.vertx.ext.web.client.HttpRequest<Buffer> request = client.postAbs(url)
        .putHeader("Ssp-TraceID", java.util.UUID.randomUUID().toString())
        .putHeader("Content-Type", io.shcr.sources.GpConnectConsumer.MEDIA_TYPE);
    // The ASID the simulated SDS gives the practice: 9 and its place among the practices (P81901 the first).
    String asid = String.format("9%011d", Integer.parseInt(ods.substring(4)));
    consumer.headers(new io.shcr.sources.sds.ProviderEndpoint(root, asid), doctor, java.time.Instant.now()).forEach(request::putHeader);
    return request;
  }

  @Test
  void spineServesPdsAndConsent(VertxTestContext ctx) {
    Future.all(List.of(get(base + "/spine/Patient/" + Population.RESTRICTED), get(base + "/spine/Patient/" + Population.RICH),
        get(base + "/spine/Patient/9990000050"), get(base + "/spine/Consent?patient.identifier=" + Fixture.NHS + Population.OBJECTED),
        get(base + "/spine/Consent?patient.identifier=" + Fixture.NHS + Population.RICH), get(base + "/spine/Patient/123")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> restricted = all.resultAt(0);
          assertThat(security(restricted.bodyAsJsonObject())).isEqualTo("R");
          assertThat(restricted.bodyAsJsonObject().containsKey("address")).isFalse();
          HttpResponse<Buffer> ordinary = all.resultAt(1);
          assertThat(security(ordinary.bodyAsJsonObject())).isEqualTo("U");
          assertThat(((HttpResponse<?>) all.resultAt(2)).statusCode()).isEqualTo(404);
          HttpResponse<Buffer> objection = all.resultAt(3);
          JsonObject consent = Bundles.resources(objection.bodyAsJsonObject()).get(0);
          assertThat(consent.getString("status")).isEqualTo("active");
          assertThat(consent.getJsonObject("provision").getString("type")).isEqualTo("deny");
          assertThat(consent.getJsonArray("category").getJsonObject(0).getJsonArray("coding").getJsonObject(0).getString("code"))
              .isEqualTo("59284-0");
          HttpResponse<Buffer> none = all.resultAt(4);
          assertThat(none.bodyAsJsonObject().getInteger("total")).isZero();
          assertThat(((HttpResponse<?>) all.resultAt(5)).statusCode()).isEqualTo(400);
          ctx.completeNow();
        })));
  }

  static JsonObject parameters(String nhs, String... includes) {
    JsonArray params = new JsonArray().add(new JsonObject().put("name", "patientNHSNumber")
        .put("valueIdentifier", new JsonObject().put("system", "https://fhir.nhs.uk/Id/nhs-number").put("value", nhs)));
    for (String include : includes) {
      params.add(new JsonObject().put("name", include));
    }
    return new JsonObject().put("resourceType", "Parameters").put("parameter", params);
  }

  private static Set<String> ids(JsonObject bundle) {
    return Bundles.resources(bundle).stream().map(r -> r.getString("id")).collect(Collectors.toSet());
  }

  private static Set<String> codes(List<JsonObject> resources, String field) {
    return resources.stream().flatMap(r -> {
      Object value = r.getValue(field);
      List<Object> concepts = value instanceof JsonArray a ? a.getList() : value == null ? List.of() : List.of(value);
      return concepts.stream();
    }).flatMap(c -> {
      JsonObject concept = c instanceof JsonObject o ? o : JsonObject.mapFrom(c);
      return concept.getJsonArray("coding", new JsonArray()).stream().map(x -> ((JsonObject) x).getString("code"));
    }).collect(Collectors.toSet());
  }

  private static Set<String> titles(JsonObject bundle) {
    return Bundles.resources(bundle).stream().map(r -> r.getString("title")).collect(Collectors.toSet());
  }

  private static boolean restricted(JsonObject resource) {
    return resource.getJsonObject("meta", new JsonObject()).getJsonArray("security", new JsonArray()).stream()
        .anyMatch(s -> "R".equals(((JsonObject) s).getString("code")));
  }

  private static String security(JsonObject patient) {
    return patient.getJsonObject("meta").getJsonArray("security").getJsonObject(0).getString("code");
  }

  private static List<String> warnings(List<JsonObject> lists, String code) {
    JsonObject list = lists.stream().filter(l -> l.getJsonObject("code").getJsonArray("coding").getJsonObject(0)
        .getString("code").equals(code)).findFirst().orElseThrow();
    return list.getJsonArray("extension", new JsonArray()).stream().map(e -> ((JsonObject) e).getString("valueCode")).toList();
  }

  static String spineCode(JsonObject outcome) {
    return outcome.getJsonArray("issue").getJsonObject(0).getJsonObject("details").getJsonArray("coding")
        .getJsonObject(0).getString("code");
  }
}
