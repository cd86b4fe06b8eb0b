package io.shcr.access;

import io.shcr.api.Authentication;
import io.shcr.nhs.NhsNumber;
import io.shcr.core.RecordRequest;
import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The access module from the project's own conf/access-policy.yaml (Spine pointed at a {@link FakeSpine},
 * small throttle limits, a movable clock), mounted on a real HTTP server with a probe route that shows
 * the gate's decision, plus the break-glass route.
 */
final class AccessTestBed {

  static final String RICH = "9990000018";
  static final String RESTRICTED = "9990000026";
  static final String OBJECTED = "9990000034";
  static final Instant START = Instant.parse("2025-06-02T09:00:30Z");

  final FakeSpine spine = new FakeSpine();
  final FakeAuditTrail audit = new FakeAuditTrail();
  final MutableClock clock = new MutableClock(START);
  AccessModule module;
  DemoTokens tokens;
  WebClient client;
  private HttpServer server;

  static SourceRegistry sources() {
    return new SourceRegistry(List.of(
        source("RXN", SourceKind.ACUTE, true),
        source("888", SourceKind.SOCIAL_CARE, true),
        source("890", SourceKind.SOCIAL_CARE, false),
        source("P81901", SourceKind.GP, true)));
  }

  static SourceConfig source(String id, SourceKind kind, boolean live) {
    return new SourceConfig(id, id, kind, "http://127.0.0.1:1/" + id, "fhir-r4", Set.of(Section.DEMOGRAPHICS), live, 1000, 5, 50,
        1 << 20, 10, SourceConfig.BreakerConfig.DEFAULT);
  }

  static AccessPolicy policy(String spineBase, int perUser, int perOrganisation) {
    AccessPolicy p = AccessPolicyLoader.load(Path.of("conf"), name -> null);
    AccessPolicy.Endpoint endpoint = new AccessPolicy.Endpoint(spineBase, 1000);
    return new AccessPolicy(p.auth(), p.participants(), p.roleViews(), p.breakGlass(), new AccessPolicy.Spine(endpoint, endpoint),
        new AccessPolicy.Throttle(3_600_000, perUser, perOrganisation), p.hashSecret(), p.hashSecretInline(), p.demo());
  }

  Future<AccessTestBed> start(Vertx vertx, int perUser, int perOrganisation) {
    return start(vertx, perUser, perOrganisation, SharedState.processLocal());
  }

  /** As one node of a cluster: {@code shared} from {@code ClusterRuntime.sharedState}. */
  Future<AccessTestBed> start(Vertx vertx, int perUser, int perOrganisation, SharedState shared) {
    return spine.start(vertx).compose(s -> {
      AccessPolicy policy = policy(spine.baseUrl(), perUser, perOrganisation);
      module = AccessModule.create(vertx, policy, sources(), audit, clock, true, shared);
      tokens = new DemoTokens(policy, Pem.privateKey(policy.demo().privateKey()), clock);
      client = WebClient.create(vertx);
      Router router = Router.router(vertx);
      router.get("/probe/:nhs").handler(this::probe);
      io.shcr.api.BreakGlassRoutes.of(module.breakGlass()).mount(router);
      return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
    }).map(s -> {
      server = s;
      return this;
    });
  }

  /** Shows the decision as JSON: refusal (status, code, message, headers) or what is allowed. */
  private void probe(RoutingContext ctx) {
    String wanted = ctx.request().getParam("sections");
    Set<Section> sections = wanted == null ? EnumSet.allOf(Section.class)
        : Arrays.stream(wanted.split(",")).map(w -> Section.fromWireName(w).orElseThrow()).collect(Collectors.toSet());
    RecordRequest request = new RecordRequest(UUID.randomUUID().toString(), NhsNumber.of(ctx.pathParam("nhs")), sections, Set.of(),
        "127.0.0.1", "test");
    module.gate().decide(Authentication.of(ctx, module.authenticator()), request).onComplete(done -> {
      if (done.failed()) {
        ctx.response().setStatusCode(500).end(String.valueOf(done.cause()));
        return;
      }
      AccessDecision d = done.result();
      JsonObject out = new JsonObject().put("allowed", d.allowed());
      if (!d.allowed()) {
        out.put("status", d.refusal().status()).put("code", d.refusal().code()).put("message", d.refusal().message())
            .put("headers", new JsonObject(new java.util.HashMap<>(d.refusal().headers())));
      } else {
        out.put("sections", new JsonArray(d.sections().stream().map(Section::wireName).sorted().toList()))
            .put("purpose", d.purpose().wireName())
            .put("breakGlassReason", d.breakGlassReason())
            .put("relationshipVia", d.relationshipVia())
            .put("masked", d.transform().hidesWhereThePatientIs())
            .put("gp", d.gp() == null ? null : d.gp().kind().wireName())
            .put("pdsDemographics", d.pds() != null);
      }
      if (d.principal() != null) {
        out.put("user", d.principal().userId()).put("jobRole", d.principal().jobRole());
      }
      ctx.json(out);
    });
  }

  Future<JsonObject> open(String token, String nhs, String sections) {
    var request = client.get(server.actualPort(), "127.0.0.1", "/probe/" + nhs);
    if (sections != null) {
      request.addQueryParam("sections", sections);
    }
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return request.send().map(HttpResponse::bodyAsJsonObject);
  }

  Future<JsonObject> open(String token, String nhs) {
    return open(token, nhs, null);
  }

  Future<HttpResponse<Buffer>> breakGlass(String token, String nhs, JsonObject body) {
    return client.post(server.actualPort(), "127.0.0.1", "/api/v1/patients/" + nhs + "/break-glass")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(body);
  }

  String persona(String id) {
    return tokens.persona(id);
  }

  String personaWithPatient(String id, String nhs) {
    AccessPolicy.Persona p = tokens.policy().demo().persona(id).orElseThrow();
    DemoTokens.Spec spec = DemoTokens.Spec.of(p, Duration.ofHours(1));
    return tokens.mint(new DemoTokens.Spec(spec.user(), spec.name(), spec.roleProfileId(), spec.roleCode(), spec.org(),
        spec.activityCodes(), nhs, spec.lifetime()));
  }

  String token(String user, String jobRole, String org) {
    return tokens.mint(new DemoTokens.Spec(user, "Test User", user + "-01", "S0:G0:" + jobRole, org, List.of("B0370"), null,
        Duration.ofHours(1)));
  }

  String token(String user, String roleProfileId, String jobRole, String org, List<String> activityCodes) {
    return tokens.mint(new DemoTokens.Spec(user, "Test User", roleProfileId, "S0:G0:" + jobRole, org, activityCodes, null,
        Duration.ofHours(1)));
  }

  /** Distinct valid NHS numbers in the test range 999 xxx xxxx. */
  static List<String> syntheticNhs(int count, int offset) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = offset; out.size() < count; i++) {
      String nine = String.format("999%06d", 100_000 + i);
      Integer check = NhsNumber.checkDigit(nine);
      if (check != null) {
        out.add(nine + check);
      }
    }
    return out;
  }
}
