package io.shcr.api;

import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.honest;
import static io.shcr.support.TrustBed.await;
import static io.shcr.support.TrustBed.resources;
import static io.shcr.support.TrustBed.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.LyingSources;
import io.shcr.support.TestPki;
import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A source behind TLS that requires a client certificate, called through the whole service (record
 * request, source client, privacy filter): configured as sources.yaml would be, it answers; with no
 * client certificate, one it does not trust, an impostor's server certificate or one for another host,
 * or no TLS version in common, the source is {@code error} with a fixed detail that says which (no
 * stack, no file, no password) and nothing of it is shown.
 */
@ExtendWith(VertxExtension.class)
class MutualTlsSourceTest {

  private static final TestPki PKI = TestPki.get();
  private static final String PASSWORD_ENV = "SHCR_TEST_RXN_KEYSTORE_PASSWORD";

  private Vertx vertx;
  private TrustBed bed;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  /** What each source's server saw: the client certificate's subject (or "none") and the SNI name. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    bed = new TrustBed(vertx).startSources();
  }

  @AfterEach
  void stop() {
    bed.close();
    servers.forEach(s -> await(s.close()));
  }

  /** An HTTPS FHIR source presenting {@code certificate}, requiring a client certificate the region CA issued. */
  private String tlsSource(String id, TestPki.Issued certificate, String... protocols) {
    HttpServerOptions options = new HttpServerOptions().setSsl(true).setSni(true).setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certificate.certificate().toString())
            .setKeyPath(certificate.key().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(PKI.caPem.toString()));
    if (protocols.length > 0) {
      options.setEnabledSecureTransportProtocols(Set.of(protocols));
    }
    LyingSources.Script script = honest(id, condition("c1", "Patient/" + id + "-patient", HYPERTENSION));
    HttpServer server = await(vertx.createHttpServer(options).requestHandler(request -> {
      String subject;
      try {
        subject = ((X509Certificate) request.connection().sslSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
      } catch (Exception none) {
        subject = "none";
      }
      seen.add(subject + " sni=" + request.connection().indicatedServerName());
      String path = request.path();
      script.answer(request, path.substring(path.lastIndexOf('/') + 1));
    }).listen(0, "127.0.0.1"));
    servers.add(server);
    return "https://localhost:" + server.actualPort() + "/" + id;
  }

  /** The sources as sources.yaml would declare them, read by the registry (so the tls blocks are loaded as at start). */
  private List<SourceConfig> configured(Map<String, JsonObject> tlsById, Map<String, String> urls) {
    JsonArray list = new JsonArray();
    urls.forEach((id, url) -> list.add(new JsonObject().put("id", id).put("name", "Source " + id).put("kind", "acute")
        .put("baseUrl", url).put("adapter", "fhir-r4").put("sections", new JsonArray().add("demographics").add("problems"))
        .put("live", true).put("deadlineMs", 10_000).put("tls", tlsById.get(id))));
    return SourceRegistry.fromJson(new JsonObject().put("sources", list), "sources.yaml", PKI.dir,
        Map.of(PASSWORD_ENV, TestPki.PASSWORD)::get, Clock.systemUTC()).all();
  }

  private static JsonObject trustOnly() {
    return new JsonObject().put("trustCertificates", PKI.caPem.toString());
  }

  private static JsonObject pem(TestPki.Issued identity) {
    return trustOnly().put("clientCertificate", identity.certificate().toString()).put("clientKey", identity.key().toString());
  }

  private JsonObject record(Map<String, JsonObject> tls, Map<String, String> urls) {
    bed.startService(configured(tls, urls), 15_000);
    return bed.json("?sections=demographics,problems").bodyAsJsonObject();
  }

  @Test
  void aSourceBehindMutualTlsAnswersWithAPemOrAPkcs12Identity() {
    String rxr = tlsSource("RXR", PKI.server);
    String rxn = tlsSource("RXN", PKI.server).replace("localhost", "127.0.0.1");
    JsonObject keyStore = trustOnly().put("clientKeyStore", PKI.client.keyStore().toString())
        .put("clientKeyStorePasswordEnv", PASSWORD_ENV);
    JsonObject document = record(Map.of("RXR", pem(PKI.client), "RXN", keyStore), Map.of("RXR", rxr, "RXN", rxn));

    for (String id : List.of("RXR", "RXN")) {
      assertThat(statuses(document).get(id).getString("status")).as(document.getJsonArray("sources").encode()).isEqualTo("ok");
      assertThat(TrustBed.ids(resources(document, id, "problems"))).containsExactly("Condition/c1");
    }
    assertThat(seen).isNotEmpty().allMatch(s -> s.startsWith("CN=shcr-test-client sni="), "our certificate")
        .contains("CN=shcr-test-client sni=localhost").as("SNI names the host called");
  }

  @Test
  void withoutAClientCertificateTheSourceIsAnErrorThatSaysSo() {
    String url = tlsSource("RXR", PKI.server);
    JsonObject status = statuses(record(Map.of("RXR", trustOnly()), Map.of("RXR", url))).get("RXR");
    assertRefused(status, "TLS: the source refused our client certificate (or none was sent)");
  }

  @Test
  void aClientCertificateTheSourceDoesNotTrustIsAnErrorThatSaysSo() {
    String url = tlsSource("RXR", PKI.server);
    JsonObject status = statuses(record(Map.of("RXR", pem(PKI.strangerClient)), Map.of("RXR", url))).get("RXR");
    assertRefused(status, "TLS: the source refused our client certificate (or none was sent)");
  }

  @Test
  void anImpostorsServerIsRefusedBeforeAnyRequestIsSent() {
    String url = tlsSource("RXR", PKI.impostorServer);
    JsonObject status = statuses(record(Map.of("RXR", pem(PKI.client)), Map.of("RXR", url))).get("RXR");
    assertRefused(status, "TLS: the source's certificate is not issued by a trusted authority");
    assertThat(seen).as("nothing reached the impostor").isEmpty();
  }

  @Test
  void aServerCertificateForAnotherHostIsRefusedBeforeAnyRequestIsSent() {
    String url = tlsSource("RXR", PKI.wrongNameServer);
    JsonObject status = statuses(record(Map.of("RXR", pem(PKI.client)), Map.of("RXR", url))).get("RXR");
    assertRefused(status, "TLS: the source's certificate does not name the host called");
    assertThat(seen).isEmpty();
  }

  @Test
  void noTlsVersionInCommonIsAnErrorThatSaysSo() {
    String url = tlsSource("RXR", PKI.server, "TLSv1.3");
    JsonObject tls = pem(PKI.client).put("protocols", new JsonArray().add("TLSv1.2"));
    JsonObject status = statuses(record(Map.of("RXR", tls), Map.of("RXR", url))).get("RXR");
    assertRefused(status, "TLS: no TLS version or cipher suite in common with the source");
  }

  private void assertRefused(JsonObject status, String detail) {
    assertThat(status.getString("status")).as(status.encode()).isEqualTo("error");
    assertThat(status.getString("detail")).isEqualTo(detail);
    assertThat(status.encode()).doesNotContain("Exception").doesNotContain(PKI.dir.toString()).doesNotContain(TestPki.PASSWORD);
  }
}
