package io.shcr.simulator;

import io.shcr.sources.GpConnectConsumer;
import io.shcr.sources.sds.SdsAnswers;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Spine Directory Service's FHIR API under {@code /sds}, as the service asks it for each practice's
 * GP Connect endpoint: {@code Endpoint} (address and party key) and {@code Device} (ASID) searches by
 * organisation and interaction id. It checks what a caller sends as the API would: the {@code apikey}
 * the demo configures, an {@code X-Correlation-Id} GUID, and search parameters in the systems the API
 * defines; anything else is 400 (401 for the key). A practice SDS does not know is an empty searchset.
 */
final class SdsRoutes {

  static final String ODS = "sds";
  private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");

  private final Network network;
  private final Responder responder;

  SdsRoutes(Network network, Responder responder) {
    this.network = network;
    this.responder = responder;
  }

  void mount(Router router) {
    router.get("/sds/Endpoint").handler(ctx -> search(ctx, "Endpoint"));
    router.get("/sds/Device").handler(ctx -> search(ctx, "Device"));
  }

  private void search(RoutingContext ctx, String type) {
    String base = "http://" + ctx.request().authority().host() + ":" + ctx.request().authority().port();
    responder.answer(ctx, ODS, ODS, () -> {
      Optional<Reply> refused = refusal(ctx, type);
      if (refused.isPresent()) {
        return refused.get();
      }
      String ods = ctx.queryParams().get("organization").substring(SdsAnswers.ODS.length() + 1);
      Optional<Organisation> practice = network.practice(ods);
      JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "searchset");
      if (practice.isEmpty()) {
        return Reply.ok(bundle.put("total", 0));
      }
      String partyKey = Network.partyKeyOf(ods);
      if (type.equals("Device") && !ctx.queryParams().getAll("identifier").contains(SdsAnswers.PARTY_KEY + "|" + partyKey)) {
        return Reply.ok(bundle.put("total", 0));
      }
      JsonObject resource = type.equals("Endpoint") ? endpoint(base + "/" + ods, ods, partyKey) : device(ods, partyKey);
      return Reply.ok(bundle.put("total", 1).put("entry", Fhir.array(new JsonObject()
          .put("fullUrl", base + "/sds/" + type + "/" + resource.getString("id")).put("resource", resource)
          .put("search", new JsonObject().put("mode", "match")))));
    });
  }

  /** What the SDS FHIR API would refuse: no or a wrong key, no correlation GUID, parameters not in its systems. */
  private Optional<Reply> refusal(RoutingContext ctx, String type) {
    var sds = network.gpConnect().sds();
    String key = sds == null ? "" : sds.apiKey();
    if (!key.isEmpty() && !key.equals(ctx.request().getHeader("apikey"))) {
      return Optional.of(Reply.error(401, "security", "ACCESS_DENIED", "Invalid or missing apikey"));
    }
    String correlation = ctx.request().getHeader("X-Correlation-Id");
    if (correlation != null && !GUID.matcher(correlation).matches()) {
      return Optional.of(Reply.error(400, "value", "BAD_REQUEST", "X-Correlation-Id must be a GUID"));
    }
    List<String> organisation = ctx.queryParams().getAll("organization");
    if (organisation.size() != 1 || !organisation.get(0).startsWith(SdsAnswers.ODS + "|")) {
      return Optional.of(Reply.error(400, "required", "BAD_REQUEST", "organization=" + SdsAnswers.ODS + "|{ODS code} is required"));
    }
    List<String> identifiers = ctx.queryParams().getAll("identifier");
    if (!identifiers.contains(SdsAnswers.INTERACTION + "|" + GpConnectConsumer.INTERACTION_GET_STRUCTURED)) {
      return Optional.of(Reply.error(400, "required", "BAD_REQUEST", "identifier=" + SdsAnswers.INTERACTION + "|{interaction} is required"));
    }
    if (type.equals("Device") && identifiers.stream().noneMatch(i -> i.startsWith(SdsAnswers.PARTY_KEY + "|"))) {
      return Optional.of(Reply.error(400, "required", "BAD_REQUEST", "the Device search is by the endpoint's party key"));
    }
    return Optional.empty();
  }

  private static JsonObject endpoint(String address, String ods, String partyKey) {
    return Fhir.resource("Endpoint", "endpoint-" + ods.toLowerCase(java.util.Locale.ROOT))
        .put("status", "active")
        .put("connectionType", new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/endpoint-connection-type")
            .put("code", "hl7-fhir-rest"))
        .put("payloadType", Fhir.array(new JsonObject().put("coding", Fhir.array(new JsonObject()
            .put("system", "http://terminology.hl7.org/CodeSystem/endpoint-payload-type").put("code", "any")))))
        .put("address", address)
        .put("managingOrganization", new JsonObject().put("identifier", new JsonObject().put("system", SdsAnswers.ODS).put("value", ods)))
        .put("identifier", Fhir.array(new JsonObject().put("system", SdsAnswers.PARTY_KEY).put("value", partyKey)))
        .put("extension", Fhir.array(new JsonObject().put("url", "https://fhir.nhs.uk/StructureDefinition/Extension-SDS-NhsServiceInteractionId")
            .put("valueReference", new JsonObject().put("identifier", new JsonObject().put("system", SdsAnswers.INTERACTION)
                .put("value", GpConnectConsumer.INTERACTION_GET_STRUCTURED)))));
  }

  private JsonObject device(String ods, String partyKey) {
    return Fhir.resource("Device", "device-" + ods.toLowerCase(java.util.Locale.ROOT))
        .put("identifier", Fhir.array(
            new JsonObject().put("system", SdsAnswers.ASID).put("value", network.asidOf(ods)),
            new JsonObject().put("system", SdsAnswers.PARTY_KEY).put("value", partyKey),
            new JsonObject().put("system", SdsAnswers.INTERACTION).put("value", GpConnectConsumer.INTERACTION_GET_STRUCTURED)))
        .put("owner", new JsonObject().put("identifier", new JsonObject().put("system", SdsAnswers.ODS).put("value", ods)));
  }
}
