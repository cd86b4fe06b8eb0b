package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.sources.sds.ProviderEndpoint;
import io.shcr.sources.sds.SdsAnswers;
import io.shcr.sources.sds.SdsLookup;
import io.shcr.sources.sds.SdsSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDS lookup against a fake SDS FHIR API that checks what we send as the API would (the two searches'
 * parameters in its identifier systems, {@code apikey}, an {@code X-Correlation-Id} GUID, nothing about a
 * patient or user) and answers as each test says: a good answer is used and kept, concurrent lookups share
 * one, and every way SDS can be down or lie ends in a failed lookup whose words say why, never an endpoint.
 */
class SdsLookupTest {

  private static final String INTERACTION = GpConnectConsumer.INTERACTION_GET_STRUCTURED;
  private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}");

  private Vertx vertx;
  private HttpServer server;
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private volatile Function<HttpServerRequest, JsonObject> endpoints = r -> bundle(endpoint("https://gp1.example.nhs.uk/gpc/1.6", "GP1", "GP1-0000001"));
  private volatile Function<HttpServerRequest, JsonObject> devices = r -> bundle(device("918999198001", "GP1", "GP1-0000001"));
  private volatile long delayMs;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = await(vertx.createHttpServer().requestHandler(this::answer).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private void answer(HttpServerRequest request) {
    asked.add(request.path());
    check(request);
    JsonObject body = request.path().endsWith("/Endpoint") ? endpoints.apply(request) : devices.apply(request);
    Runnable reply = () -> {
      if (body == null) {
        request.response().setStatusCode(503).end();
      } else {
        request.response().putHeader("Content-Type", "application/fhir+json").end(body.encode());
      }
    };
    if (delayMs > 0) {
      vertx.setTimer(delayMs, t -> reply.run());
    } else {
      reply.run();
    }
  }

  /** What the SDS FHIR API requires of a caller; each deviation is recorded and fails the test. */
  private void check(HttpServerRequest request) {
    if (!"k1".equals(request.getHeader("apikey"))) {
      problems.add("apikey");
    }
    if (request.getHeader("X-Correlation-Id") == null || !GUID.matcher(request.getHeader("X-Correlation-Id")).matches()) {
      problems.add("X-Correlation-Id");
    }
    if (request.getHeader("Authorization") != null || request.headers().names().stream().anyMatch(n -> n.startsWith("Ssp-"))) {
      problems.add("GP Connect headers sent to SDS");
    }
    if (!List.of(SdsAnswers.ODS + "|GP1").equals(request.params().getAll("organization"))) {
      problems.add("organization " + request.params().getAll("organization"));
    }
    List<String> identifiers = request.params().getAll("identifier");
    List<String> wanted = new ArrayList<>(List.of(SdsAnswers.INTERACTION + "|" + INTERACTION));
    if (request.path().endsWith("/Device")) {
      wanted.add(SdsAnswers.PARTY_KEY + "|GP1-0000001");
    } else if (!request.path().equals("/sds/Endpoint")) {
      problems.add("path " + request.path());
    }
    if (!identifiers.equals(wanted)) {
      problems.add("identifier " + identifiers);
    }
    if (request.query().contains("999")) {
      problems.add("something like an NHS number in the query");
    }
  }

  private PracticeEndpoints endpoints(boolean allowHttp, List<String> hosts, Map<String, String> statics) {
    SdsSettings sds = new SdsSettings("http://127.0.0.1:" + server.actualPort() + "/sds", "k1", 3_000, 60_000, 2_000, 100,
        16 * 1024, allowHttp, hosts);
    return new PracticeEndpoints(vertx, new GpConnectConsumer("200000000359", "", "https://us/", SdsAnswers.ASID, statics, sds));
  }

  private static SourceConfig practice(String id, String baseUrl) {
    return new SourceConfig(id, "Practice " + id, SourceKind.GP, baseUrl, "gp-connect", GpConnectAdapterSections.ALL, true,
        3_000, 5, 10, 100_000, 1, SourceConfig.BreakerConfig.DEFAULT);
  }

  private SdsLookup lookUp(PracticeEndpoints endpoints) {
    return await(endpoints.of(practice("GP1", null)));
  }

  @Test
  void asksTheEndpointThenTheDeviceByItsPartyKeyAndKeepsTheAnswer() {
    PracticeEndpoints endpoints = endpoints(false, List.of("*.nhs.uk"), Map.of());
    long started = System.nanoTime();
    SdsLookup lookup = lookUp(endpoints);
    System.out.printf("SDS lookup (two searches) took %d ms: %s%n", (System.nanoTime() - started) / 1_000_000, lookup.problem());
    assertThat(lookup.endpoint()).isEqualTo(new ProviderEndpoint("https://gp1.example.nhs.uk/gpc/1.6", "918999198001"));
    assertThat(asked).containsExactly("/sds/Endpoint", "/sds/Device");
    assertThat(lookUp(endpoints).endpoint()).isEqualTo(lookup.endpoint());
    assertThat(asked).hasSize(2); // kept: asked once
    assertThat(problems).isEmpty();
  }

  @Test
  void concurrentLookupsForOnePracticeShareOne() {
    PracticeEndpoints endpoints = endpoints(false, List.of(), Map.of());
    delayMs = 100;
    List<Future<SdsLookup>> all = new ArrayList<>();
    Future<Void> started = vertx.getOrCreateContext().<Void>executeBlocking(() -> null).compose(v -> {
      for (int i = 0; i < 20; i++) {
        all.add(endpoints.of(practice("GP1", null)));
      }
      return Future.all(all).mapEmpty();
    });
    await(started);
    assertThat(all).allMatch(f -> f.result().found());
    assertThat(asked).hasSize(2);
    assertThat(problems).isEmpty();
  }

  @Test
  void aStaticOverrideIsUsedWithoutAskingSds() {
    PracticeEndpoints endpoints = endpoints(false, List.of(), Map.of("GP1", "918999198999"));
    SdsLookup lookup = await(endpoints.of(practice("GP1", "https://static.example.nhs.uk/gpc")));
    assertThat(lookup.endpoint()).isEqualTo(new ProviderEndpoint("https://static.example.nhs.uk/gpc", "918999198999"));
    assertThat(asked).isEmpty();
  }

  @Test
  void anSdsThatIsDownOrSlowFailsTheLookupAndIsAskedAgainOnlyAfterTheFailureIsForgotten() {
    PracticeEndpoints endpoints = endpoints(false, List.of(), Map.of());
    this.endpoints = r -> null;
    assertThat(lookUp(endpoints).problem()).isEqualTo("answered HTTP 503");
    assertThat(lookUp(endpoints).problem()).isEqualTo("answered HTTP 503");
    assertThat(asked).hasSize(1); // the failure is kept for failureCacheMs (2 s here), not asked by every view
    this.endpoints = r -> bundle(endpoint("https://gp1.example.nhs.uk/gpc", "GP1", "GP1-0000001"));
    long until = System.currentTimeMillis() + 5_000;
    SdsLookup again = lookUp(endpoints);
    while (!again.found() && System.currentTimeMillis() < until) {
      again = lookUp(endpoints);
    }
    assertThat(again.found()).isTrue(); // a recovered SDS is used again soon

    PracticeEndpoints slow = endpoints(false, List.of(), Map.of());
    delayMs = 3_300;
    assertThat(lookUp(slow).problem()).isEqualTo("did not answer in time");
    delayMs = 0;
    await(server.close());
    assertThat(lookUp(endpoints(false, List.of(), Map.of())).problem()).isEqualTo("could not be reached");
  }

  @Test
  void everyLieFailsClosed() {
    Map<String, Runnable> lies = new java.util.LinkedHashMap<>();
    lies.put("gave more than one GP Connect endpoint for this practice", () -> endpoints = r -> bundle(
        endpoint("https://a.nhs.uk/gpc", "GP1", "GP1-0000001"), endpoint("https://b.nhs.uk/gpc", "GP1", "GP1-0000001")));
    lies.put("has no GP Connect endpoint for this practice", () -> endpoints = r -> bundle());
    lies.put("has no GP Connect endpoint for this practice ", () -> endpoints = r -> bundle(
        endpoint("https://a.nhs.uk/gpc", "GP1", "GP1-0000001").put("status", "off")));
    lies.put("gave an endpoint address that is not https", () -> endpoints = r -> bundle(endpoint("http://gp1.nhs.uk/gpc", "GP1", "GP1-0000001")));
    lies.put("gave an endpoint address on a host that is not allowed", () -> endpoints = r -> bundle(
        endpoint("https://attacker.example.com/gpc", "GP1", "GP1-0000001")));
    lies.put("gave an endpoint address with no host, or with credentials, a query or a fragment", () -> endpoints = r -> bundle(
        endpoint("https://user:pw@gp1.nhs.uk/gpc", "GP1", "GP1-0000001")));
    lies.put("gave no usable endpoint address", () -> endpoints = r -> bundle(endpoint("https://gp1.nhs.uk/gpc\r\nX: y", "GP1", "GP1-0000001")));
    lies.put("gave an endpoint of another organisation", () -> endpoints = r -> bundle(endpoint("https://gp1.nhs.uk/gpc", "GP2", "GP1-0000001")));
    lies.put("gave an endpoint with no party key, or several", () -> endpoints = r -> bundle(endpoint("https://gp1.nhs.uk/gpc", "GP1", null)));
    lies.put("gave an endpoint for another interaction", () -> endpoints = r -> bundle(endpoint("https://gp1.nhs.uk/gpc", "GP1", "GP1-0000001")
        .put("extension", new JsonArray().add(new JsonObject().put("url", "https://fhir.nhs.uk/StructureDefinition/Extension-SDS-NhsServiceInteractionId")
            .put("valueReference", new JsonObject().put("identifier", new JsonObject().put("value", "urn:nhs:names:services:other")))))));
    lies.put("answered with something that is not a FHIR Bundle", () -> endpoints = r -> endpoint("https://gp1.nhs.uk/gpc", "GP1", "GP1-0000001"));
    lies.put("answered with resources it was not asked for", () -> endpoints = r -> bundle(new JsonObject().put("resourceType", "Patient")));
    lies.put("answered with something that could not be read (too large, too many entries or not JSON)", () -> endpoints = r -> {
      JsonObject[] many = new JsonObject[30];
      java.util.Arrays.setAll(many, i -> endpoint("https://gp1.nhs.uk/gpc", "GP1", "GP1-0000001").put("status", "off"));
      return bundle(many);
    });
    lies.put("answered with more than its size limit", () -> endpoints = r -> bundle(endpoint("https://gp1.nhs.uk/gpc", "GP1", "GP1-0000001")
        .put("description", "x".repeat(20_000))));
    lies.put("gave an ASID that is not a number", () -> devices = r -> bundle(device("9189991980AB", "GP1", "GP1-0000001")));
    lies.put("gave an accredited system with no ASID, or several", () -> devices = r -> bundle(device("918999198001", "GP1", "GP1-0000001")
        .put("identifier", new JsonArray().add(new JsonObject().put("system", SdsAnswers.ASID).put("value", "1"))
            .add(new JsonObject().put("system", SdsAnswers.ASID).put("value", "2"))
            .add(new JsonObject().put("system", SdsAnswers.PARTY_KEY).put("value", "GP1-0000001")))));
    lies.put("gave more than one accredited system for this practice's endpoint", () -> devices = r -> bundle(
        device("918999198001", "GP1", "GP1-0000001"), device("918999198002", "GP1", "GP1-0000001")));
    lies.put("gave an accredited system of another organisation", () -> devices = r -> bundle(device("918999198001", "GP9", "GP1-0000001")));
    lies.put("gave an accredited system of another endpoint", () -> devices = r -> bundle(device("918999198001", "GP1", "GP9-0000009")));
    // A record that does not say whose it is, or which endpoint it serves, proves nothing.
    lies.put("gave a record that does not say which organisation it is for", () -> endpoints = r -> {
      JsonObject anyone = endpoint("https://gp1.nhs.uk/gpc", "GP1", "GP1-0000001");
      anyone.remove("managingOrganization");
      return bundle(anyone);
    });
    lies.put("gave a record that does not say which organisation it is for ", () -> devices = r -> {
      JsonObject anyone = device("918999198001", "GP1", "GP1-0000001");
      anyone.remove("owner");
      return bundle(anyone);
    });
    lies.put("gave an accredited system with no party key", () -> devices = r -> bundle(device("918999198001", "GP1", "GP1-0000001")
        .put("identifier", new JsonArray().add(new JsonObject().put("system", SdsAnswers.ASID).put("value", "918999198001")))));
    for (var lie : lies.entrySet()) {
      endpoints = r -> bundle(endpoint("https://gp1.example.nhs.uk/gpc", "GP1", "GP1-0000001"));
      devices = r -> bundle(device("918999198001", "GP1", "GP1-0000001"));
      lie.getValue().run();
      SdsLookup lookup = lookUp(endpoints(false, List.of("*.nhs.uk"), Map.of()));
      assertThat(lookup.found()).as(lie.getKey()).isFalse();
      assertThat(lookup.problem()).as(lie.getKey()).isEqualTo(lie.getKey().trim());
    }
    // An http address is taken only where the configuration allows it (the demo's loopback simulator).
    endpoints = r -> bundle(endpoint("http://127.0.0.1:9/P1", "GP1", "GP1-0000001"));
    devices = r -> bundle(device("918999198001", "GP1", "GP1-0000001"));
    assertThat(lookUp(endpoints(true, List.of("127.0.0.1"), Map.of())).found()).isTrue();
  }

  @Test
  void plainHttpIsTakenOnlyToThisMachineAndNeverForAPracticeWithAClientCertificate() throws Exception {
    devices = r -> bundle(device("918999198001", "GP1", "GP1-0000001"));
    // allowHttp is for the demo's loopback simulator: http to any other host is refused whatever the list says.
    for (String elsewhere : List.of("http://gp1.nhs.uk/gpc", "http://127.example.org/gpc", "http://10.0.0.7/gpc")) {
      endpoints = r -> bundle(endpoint(elsewhere, "GP1", "GP1-0000001"));
      SdsLookup lookup = lookUp(endpoints(true, List.of("gp1.nhs.uk", "127.example.org", "10.0.0.7"), Map.of()));
      assertThat(lookup.problem()).as(elsewhere).isEqualTo("gave an endpoint address that is not https");
    }
    // A practice configured with a client certificate is meant to be called over TLS: an http address would not use it.
    endpoints = r -> bundle(endpoint("http://127.0.0.1:9/P1", "GP1", "GP1-0000001"));
    var identity = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    var mtls = new io.shcr.tls.TlsSettings(identity, "gp1-client", null, io.shcr.tls.TlsSettings.DEFAULT_PROTOCOLS, List.of());
    SourceConfig withCertificate = new SourceConfig("GP1", "Practice GP1", SourceKind.GP, null, "gp-connect",
        GpConnectAdapterSections.ALL, true, 3_000, 5, 10, 100_000, 1, SourceConfig.BreakerConfig.DEFAULT,
        SourceConfig.DEFAULT_MAX_RESOURCES_PER_ANSWER, SourceConfig.DEFAULT_MAX_RESOURCES_PER_REQUEST, mtls);
    PracticeEndpoints endpoints = endpoints(true, List.of("127.0.0.1"), Map.of());
    SdsLookup refused = await(endpoints.of(withCertificate));
    assertThat(refused.found()).isFalse();
    assertThat(refused.problem()).isEqualTo("gave a plain http address for a practice called with a client certificate");
    assertThat(await(endpoints.of(practice("GP1", null))).found()).as("the same answer, for a practice without one").isTrue();
  }

  private static JsonObject bundle(JsonObject... resources) {
    JsonArray entries = new JsonArray();
    for (JsonObject resource : resources) {
      entries.add(new JsonObject().put("resource", resource));
    }
    return new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("entry", entries);
  }

  /** An Endpoint as the SDS FHIR API's example has it (nhsMhsPartyKey, managingOrganization, address). */
  static JsonObject endpoint(String address, String ods, String partyKey) {
    JsonArray identifiers = new JsonArray().add(new JsonObject().put("system", "https://fhir.nhs.uk/Id/nhsMhsFQDN").put("value", "gp1"));
    if (partyKey != null) {
      identifiers.add(new JsonObject().put("system", SdsAnswers.PARTY_KEY).put("value", partyKey));
    }
    return new JsonObject().put("resourceType", "Endpoint").put("id", "e1").put("status", "active").put("address", address)
        .put("managingOrganization", new JsonObject().put("identifier", new JsonObject().put("system", SdsAnswers.ODS).put("value", ods)))
        .put("identifier", identifiers);
  }

  /** A Device as the SDS FHIR API's example has it (nhsSpineASID, nhsMhsPartyKey, owner). */
  static JsonObject device(String asid, String ods, String partyKey) {
    return new JsonObject().put("resourceType", "Device").put("id", "d1")
        .put("identifier", new JsonArray().add(new JsonObject().put("system", SdsAnswers.ASID).put("value", asid))
            .add(new JsonObject().put("system", SdsAnswers.PARTY_KEY).put("value", partyKey)))
        .put("owner", new JsonObject().put("identifier", new JsonObject().put("system", SdsAnswers.ODS).put("value", ods)));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The sections a practice declares here (any will do: the lookup does not read them). */
  private static final class GpConnectAdapterSections {
    static final Set<io.shcr.core.Section> ALL = GpConnectAdapter.SUPPORTED;
  }
}
