package io.shcr.simulator;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The national services the access capability asks, under {@code /spine}: a PDS-like Patient read
 * ({@code meta.security} R for S-flagged patients, whose location details are withheld as PDS does)
 * and a consent search whose active deny Consent records an objection to the shared care record.
 */
final class SpineRoutes {

  static final String ODS = "spine";
  private static final String NHS_PREFIX = NhsNumber.SYSTEM + "|";

  private final Network network;
  private final Responder responder;

  SpineRoutes(Network network, Responder responder) {
    this.network = network;
    this.responder = responder;
  }

  void mount(Router router) {
    router.get("/spine/Patient/:nhs").handler(this::patient);
    router.get("/spine/Consent").handler(this::consent);
    router.get("/spine/metadata").handler(this::metadata);
  }

  /** The CapabilityStatement every FHIR server has: what the service's readiness probe asks for. */
  private void metadata(RoutingContext ctx) {
    responder.answer(ctx, ODS, ODS, () -> Reply.ok(new JsonObject().put("resourceType", "CapabilityStatement")
        .put("status", "active").put("kind", "instance").put("fhirVersion", "4.0.1")
        .put("format", Fhir.array("application/fhir+json"))));
  }

  private void patient(RoutingContext ctx) {
    String nhs = ctx.pathParam("nhs");
    responder.answer(ctx, ODS, ODS, () -> {
      if (NhsNumber.parse(nhs).isEmpty()) {
        return Reply.error(400, "value", "INVALID_NHS_NUMBER", "The NHS number is not valid");
      }
      return network.population().find(nhs).map(p -> Reply.ok(pdsPatient(p)))
          .orElse(Reply.error(404, "not-found", "RESOURCE_NOT_FOUND", "No patient with that NHS number"));
    });
  }

  private void consent(RoutingContext ctx) {
    String token = ctx.queryParams().get("patient.identifier");
    String base = "http://" + ctx.request().authority().host() + ":" + ctx.request().authority().port() + "/spine";
    responder.answer(ctx, ODS, ODS, () -> {
      if (token == null || !token.startsWith(NHS_PREFIX)) {
        return Reply.error(400, "invalid", "INVALID_SEARCH_DATA", "Search requires patient.identifier=" + NHS_PREFIX + "{NHS number}");
      }
      Optional<SyntheticPatient> patient = network.population().find(token.substring(NHS_PREFIX.length()));
      List<JsonObject> consents = patient.filter(SyntheticPatient::objected).map(p -> List.of(objection(p))).orElse(List.of());
      Map<String, String> criteria = new LinkedHashMap<>();
      criteria.put("patient.identifier", token);
      return Reply.ok(SearchSets.page(base, "Consent", criteria, consents, 0, SearchSets.MAX_COUNT));
    });
  }

  static JsonObject pdsPatient(SyntheticPatient p) {
    String confidentiality = p.restricted() ? "R" : "U";
    JsonObject patient = Fhir.resource("Patient", p.nhsNumber().value())
        .put("meta", new JsonObject().put("versionId", "1").put("security", Fhir.array(new JsonObject()
            .put("system", Fhir.CONFIDENTIALITY).put("code", confidentiality)
            .put("display", p.restricted() ? "restricted" : "unrestricted"))))
        .put("identifier", Fhir.array(new JsonObject().put("system", NhsNumber.SYSTEM).put("value", p.nhsNumber().value())))
        .put("name", Fhir.array(new JsonObject().put("use", "usual").put("family", p.family()).put("given", Fhir.array(p.given()))))
        .put("gender", p.gender())
        .put("birthDate", p.birthDate().toString());
    if (!p.restricted()) {
      patient.put("address", Fhir.array(new JsonObject().put("use", "home")
          .put("line", Fhir.array(p.addressLine(), p.town())).put("postalCode", p.postcode())));
      if (p.practice() != null) {
        patient.put("generalPractitioner", Fhir.array(new JsonObject().put("type", "Organization")
            .put("identifier", new JsonObject().put("system", Fhir.ODS).put("value", p.practice()))));
      }
    }
    return patient;
  }

  static JsonObject objection(SyntheticPatient p) {
    return Fhir.resource("Consent", "objection-" + p.nhsNumber().value())
        .put("status", "active")
        .put("scope", new JsonObject().put("coding", Fhir.array(new JsonObject()
            .put("system", "http://terminology.hl7.org/CodeSystem/consentscope").put("code", "patient-privacy")
            .put("display", "Privacy Consent"))))
        .put("category", Fhir.array(new JsonObject().put("coding", Fhir.array(new JsonObject()
            .put("system", "http://loinc.org").put("code", "59284-0").put("display", "Patient Consent")))))
        .put("patient", new JsonObject().put("identifier", new JsonObject()
            .put("system", NhsNumber.SYSTEM).put("value", p.nhsNumber().value())))
        .put("dateTime", Population.AS_OF.minusMonths(8) + "T10:15:00Z")
        .put("policyRule", new JsonObject().put("text", "Lancashire and South Cumbria Shared Care Record"))
        .put("provision", new JsonObject().put("type", "deny"));
  }
}
