package io.shcr.access;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A Spine stand-in on a free loopback port: PDS {@code Patient} reads and {@code Consent} searches. */
final class FakeSpine {

  final Set<String> restricted = ConcurrentHashMap.newKeySet();
  final Set<String> objected = ConcurrentHashMap.newKeySet();
  final Set<String> unknownToPds = ConcurrentHashMap.newKeySet();
  volatile boolean consentDown;
  volatile boolean pdsDown;
  volatile boolean consentHangs;
  /** A lying (or superseding) PDS: every Patient read is answered with this NHS number's record, unflagged, registered at P81901. */
  volatile String pdsAnswersAs;
  private HttpServer server;

  Future<FakeSpine> start(Vertx vertx) {
    return start(vertx, new io.vertx.core.http.HttpServerOptions());
  }

  /** On these options (TLS, say: then {@link #baseUrl} is https to localhost). */
  Future<FakeSpine> start(Vertx vertx, io.vertx.core.http.HttpServerOptions options) {
    Router router = Router.router(vertx);
    router.get("/spine/Consent").handler(this::consent);
    router.get("/spine/Patient/:nhs").handler(this::patient);
    router.get("/spine/metadata").handler(ctx -> ctx.json(new JsonObject().put("resourceType", "CapabilityStatement")));
    tls = options.isSsl();
    return vertx.createHttpServer(options).requestHandler(router).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  private boolean tls;

  String baseUrl() {
    return (tls ? "https://localhost:" : "http://127.0.0.1:") + server.actualPort() + "/spine";
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void consent(RoutingContext ctx) {
    if (consentHangs) {
      return;
    }
    if (consentDown) {
      ctx.response().setStatusCode(500).end();
      return;
    }
    String token = ctx.request().getParam("patient.identifier");
    String nhs = token.substring(token.indexOf('|') + 1);
    JsonArray entries = new JsonArray();
    if (objected.contains(nhs)) {
      entries.add(new JsonObject().put("resource", new JsonObject()
          .put("resourceType", "Consent").put("status", "active")
          .put("provision", new JsonObject().put("type", "deny"))));
    } else {
      entries.add(new JsonObject().put("resource", new JsonObject()
          .put("resourceType", "Consent").put("status", "inactive")
          .put("provision", new JsonObject().put("type", "deny"))));
    }
    ctx.json(new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("entry", entries));
  }

  private void patient(RoutingContext ctx) {
    String nhs = ctx.pathParam("nhs");
    if (pdsDown) {
      ctx.response().setStatusCode(503).end();
      return;
    }
    if (unknownToPds.contains(nhs)) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    if (pdsAnswersAs != null) {
      ctx.json(new JsonObject().put("resourceType", "Patient").put("id", pdsAnswersAs)
          .put("identifier", new JsonArray().add(new JsonObject().put("system", io.shcr.nhs.NhsNumber.SYSTEM).put("value", pdsAnswersAs)))
          .put("generalPractitioner", new JsonArray().add(new JsonObject().put("identifier", new JsonObject()
              .put("system", io.shcr.fhir.GpRegistration.ODS_SYSTEM).put("value", "P81901")))));
      return;
    }
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", nhs);
    if (restricted.contains(nhs)) {
      patient.put("meta", new JsonObject().put("security", new JsonArray().add(new JsonObject()
          .put("system", SpineClient.CONFIDENTIALITY).put("code", "R"))));
    }
    ctx.json(patient);
  }
}
