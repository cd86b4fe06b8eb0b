package io.shcr.simulator;

import io.shcr.fhir.FhirVersions;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * GP practices' GP Connect Access Record: Structured endpoint,
 * {@code POST /{ODS}/Patient/$gpc.getstructuredrecord}, with the Spine error codes GP Connect uses:
 * 422 INVALID_PARAMETER, 400 INVALID_IDENTIFIER_SYSTEM / INVALID_NHS_NUMBER, 404 PATIENT_NOT_FOUND
 * (also for S-flagged patients, as GP Connect providers answer).
 */
final class GpConnectRoutes {

  static final String OPERATION = "$gpc.getstructuredrecord";
  private static final long MAX_BODY = 64 * 1024;

  private final Network network;
  private final Responder responder;
  private final SimulatorConfig config;
  private final ProviderChecks checks = new ProviderChecks();

  GpConnectRoutes(Network network, Responder responder, SimulatorConfig config) {
    this.network = network;
    this.responder = responder;
    this.config = config;
  }

  void mount(Router router) {
    router.post("/:ods/Patient/:operation").handler(BodyHandler.create().setBodyLimit(MAX_BODY)).handler(this::structured);
  }

  private void structured(RoutingContext ctx) {
    Optional<Organisation> practice = network.practice(ctx.pathParam("ods"));
    if (practice.isEmpty() || !OPERATION.equals(ctx.pathParam("operation"))) {
      ctx.next();
      return;
    }
    String body = ctx.body().asString();
    String base = network.baseUrl(ctx, practice.get());
    Optional<Reply> refused = checks.refusal(ctx.request().headers(), network.gpConnect(),
        network.asidOf(practice.get().ods()), base);
    responder.answer(ctx, practice.get().ods(), practice.get().kind().wireName(),
        () -> refused.orElseGet(() -> answer(practice.get(), body, base)));
  }

  private Reply answer(Organisation practice, String body, String base) {
    JsonObject parameters;
    try {
      parameters = body == null || body.isBlank() ? null : new JsonObject(body);
    } catch (DecodeException e) {
      parameters = null;
    }
    if (parameters == null || !"Parameters".equals(parameters.getString("resourceType"))
        || !(parameters.getValue("parameter") instanceof JsonArray params)) {
      return Reply.error(422, "invalid", "INVALID_PARAMETER", "The body must be a FHIR Parameters resource");
    }
    JsonObject identifier = null;
    Set<GpArea> requested = EnumSet.noneOf(GpArea.class);
    for (Object item : params) {
      if (!(item instanceof JsonObject param)) {
        continue;
      }
      String name = param.getString("name", "");
      if ("patientNHSNumber".equals(name) && param.getValue("valueIdentifier") instanceof JsonObject id) {
        identifier = id;
      }
      GpArea.fromParameter(name).ifPresent(requested::add);
    }
    if (identifier == null) {
      return Reply.error(422, "invalid", "INVALID_PARAMETER", "patientNHSNumber is required");
    }
    if (!NhsNumber.SYSTEM.equals(identifier.getString("system"))) {
      return Reply.error(400, "invalid", "INVALID_IDENTIFIER_SYSTEM", "patientNHSNumber must use " + NhsNumber.SYSTEM);
    }
    Optional<NhsNumber> nhs = NhsNumber.parse(identifier.getString("value"));
    if (nhs.isEmpty()) {
      return Reply.error(400, "invalid", "INVALID_NHS_NUMBER", "The NHS number is not valid");
    }
    Optional<SyntheticPatient> patient = network.population().find(nhs.get().value());
    Optional<OrgRecord> record = patient.flatMap(p -> network.records().servedAt(p, practice));
    if (responder.faultsOf(practice.ods()).wrongPatient()) {
      SyntheticPatient asked = record.isPresent() ? patient.get() : network.population().all().get(0);
      patient = Optional.of(network.population().someoneElse(asked, practice.ods()));
      record = Optional.of(network.records().write(patient.get(), practice));
    }
    if (record.isEmpty()) {
      return Reply.error(404, "not-found", "PATIENT_NOT_FOUND", "No patient with that NHS number is registered here");
    }
    // Genuine STU3, as a GP Connect 1.6 provider answers (MedicationStatement.taken, code-typed statuses).
    return Reply.ok(FhirVersions.structuredRecordAsStu3(StructuredRecord.bundle(base, practice, patient.get(), record.get(),
        requested, config.disabledAreasOf(practice.ods()))));
  }
}
