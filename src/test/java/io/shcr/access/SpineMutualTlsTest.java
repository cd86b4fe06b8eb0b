package io.shcr.access;

import static io.shcr.support.TrustBed.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import io.shcr.nhs.NhsNumber;
import io.shcr.support.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spine (consent and PDS) over mutual TLS, configured in access-policy.yaml's {@code spine.tls} and
 * read by the real loader: with our client certificate both lookups are answered; without one, or
 * against an impostor's server, they fail closed and readiness says why in fixed words.
 */
@ExtendWith(VertxExtension.class)
class SpineMutualTlsTest {

  private static final TestPki PKI = TestPki.get();
  private static final NhsNumber PATIENT = NhsNumber.of("9434765919");

  @TempDir
  Path config;

  private FakeSpine spine;
  private SpineClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      await(client.close());
    }
    if (spine != null) {
      await(spine.close());
    }
  }

  /** The shipped access-policy.yaml with Spine at {@code base} and this {@code tls} block (YAML flow mapping). */
  private Path policyWith(String base, String tls) throws IOException {
    Path conf = Path.of("conf");
    Files.createDirectories(config.resolve("demo-keys"));
    try (var keys = Files.list(conf.resolve("demo-keys"))) {
      for (Path key : (Iterable<Path>) keys::iterator) {
        Files.copy(key, config.resolve("demo-keys").resolve(key.getFileName()));
      }
    }
    String yaml = Files.readString(conf.resolve(AccessPolicyLoader.FILE))
        .replace("consent: {baseUrl: \"http://127.0.0.1:8090/spine\"", "consent: {baseUrl: \"" + base + "\"")
        .replace("pds: {baseUrl: \"http://127.0.0.1:8090/spine\"", "pds: {baseUrl: \"" + base + "\"")
        .replaceFirst("\nspine:\n", "\nspine:\n  tls: " + tls + "\n")
        // A cold JVM's first TLS handshake on a loaded machine can take seconds: not what is tested here.
        .replace("deadlineMs: 2000}", "deadlineMs: 15000}");
    assertThat(yaml).contains(base).contains("  tls: ");
    Files.writeString(config.resolve(AccessPolicyLoader.FILE), yaml);
    return config;
  }

  private static String pemTls(TestPki.Issued identity) {
    return "{clientCertificate: \"" + identity.certificate() + "\", clientKey: \"" + identity.key() + "\", trustCertificates: \""
        + PKI.caPem + "\"}";
  }

  private void startSpine(Vertx vertx, TestPki.Issued serverCertificate) {
    spine = await(new FakeSpine().start(vertx, new HttpServerOptions().setSsl(true).setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(serverCertificate.certificate().toString())
            .setKeyPath(serverCertificate.key().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(PKI.caPem.toString()))));
  }

  private SpineClient client(Vertx vertx, String tls) throws IOException {
    AccessPolicy policy = AccessPolicyLoader.load(policyWith(spine.baseUrl(), tls), Map.of("SHCR_ACCESS_HASH_SECRET",
        "a-test-secret-long-enough-0123456789")::get);
    assertThat(policy.spine().tls().presentsCertificate()).isEqualTo(tls.contains("clientCertificate"));
    client = SpineClient.create(vertx, policy.spine());
    return client;
  }

  @Test
  void bothLookupsAreAnsweredOverMutualTls(Vertx vertx) throws IOException {
    startSpine(vertx, PKI.server);
    spine.objected.add(PATIENT.value());
    SpineClient spineClient = client(vertx, pemTls(PKI.client));
    assertThat(await(spineClient.objection(PATIENT))).isEqualTo(SpineClient.Objection.OBJECTED);
    assertThat(await(spineClient.restriction(PATIENT))).isEqualTo(SpineClient.Restriction.NONE);
    assertThat(await(spineClient.probe()).answering()).isTrue();
  }

  @Test
  void withoutAClientCertificateTheLookupsFailClosedAndReadinessSaysWhy(Vertx vertx) throws IOException {
    startSpine(vertx, PKI.server);
    SpineClient spineClient = client(vertx, "{trustCertificates: \"" + PKI.caPem + "\"}");
    assertThat(await(spineClient.objection(PATIENT))).isEqualTo(SpineClient.Objection.UNAVAILABLE);
    assertThat(await(spineClient.restriction(PATIENT))).isEqualTo(SpineClient.Restriction.UNAVAILABLE);
    SpineClient.Probe probe = await(spineClient.probe());
    assertThat(probe.answering()).isFalse();
    assertThat(probe.services().values()).allSatisfy(note -> assertThat(note)
        .contains("TLS: the consent service refused our client certificate (or none was sent)"));
  }

  @Test
  void anImpostorSpineIsNotBelievedAndReadinessSaysWhy(Vertx vertx) throws IOException {
    startSpine(vertx, PKI.impostorServer);
    spine.objected.add(PATIENT.value());
    SpineClient spineClient = client(vertx, pemTls(PKI.client));
    assertThat(await(spineClient.objection(PATIENT))).isEqualTo(SpineClient.Objection.UNAVAILABLE);
    assertThat(await(spineClient.restriction(PATIENT))).isEqualTo(SpineClient.Restriction.UNAVAILABLE);
    assertThat(await(spineClient.probe()).services().values()).allSatisfy(note -> assertThat(note)
        .contains("TLS: the consent service's certificate is not issued by a trusted authority"));
  }

  @Test
  void aClientCertificateWithAPlainHttpSpineIsRefusedAtStart() {
    assertThatThrownBy(() -> AccessPolicyLoader.load(policyWith("http://spine.example.nhs.uk/spine", pemTls(PKI.client)),
        Map.of("SHCR_ACCESS_HASH_SECRET", "a-test-secret-long-enough-0123456789")::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("access-policy.spine.tls.clientCertificate: a client certificate is configured but spine.consent.baseUrl"
            + " http://spine.example.nhs.uk/spine is plain http://");
  }

  @Test
  void anExpiredSpineCertificateIsRefusedAtStart() {
    assertThatThrownBy(() -> AccessPolicyLoader.load(policyWith("https://spine.example.nhs.uk/spine", pemTls(PKI.expiredClient)),
        Map.of("SHCR_ACCESS_HASH_SECRET", "a-test-secret-long-enough-0123456789")::get))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("access-policy.spine.tls.clientCertificate: the client certificate CN=shcr-expired-client expired on");
  }
}
