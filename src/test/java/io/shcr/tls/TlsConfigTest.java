package io.shcr.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.TestPki;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code tls} blocks of sources.yaml, checked at start: what loads (PEM, PKCS#12 with its password
 * from the environment, PKCS#1 RSA, a default block under each source), and every way a block is
 * unusable, each reported naming the source and the field and never the password.
 */
class TlsConfigTest {

  private static final TestPki PKI = TestPki.get();
  private static final String SECRET_ENV = "SHCR_TEST_TLS_PASSWORD";
  private static final Map<String, String> ENV = Map.of(SECRET_ENV, TestPki.PASSWORD);

  private static JsonObject source(String id, String baseUrl, JsonObject tls) {
    JsonObject source = new JsonObject().put("id", id).put("name", "Trust " + id).put("kind", "acute").put("baseUrl", baseUrl)
        .put("adapter", "fhir-r4").put("sections", new JsonArray().add("problems")).put("live", true);
    return tls == null ? source : source.put("tls", tls);
  }

  private static JsonObject file(JsonObject... sources) {
    return new JsonObject().put("sources", new JsonArray(java.util.List.of((Object[]) sources)));
  }

  private static SourceRegistry load(JsonObject root) {
    return SourceRegistry.fromJson(root, "sources.yaml", PKI.dir, ENV::get, Clock.systemUTC());
  }

  private static String problems(JsonObject root) {
    try {
      load(root);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected the configuration to be refused");
  }

  private static JsonObject pem(TestPki.Issued identity) {
    return new JsonObject().put("clientCertificate", identity.certificate().toString()).put("clientKey", identity.key().toString())
        .put("trustCertificates", PKI.caPem.toString());
  }

  @Test
  void aPemIdentityAndTrustLoadWithTheDefaultVersions() {
    SourceConfig rxr = load(file(source("RXR", "https://localhost:8443/RXR", pem(PKI.client)))).find("RXR").orElseThrow();
    assertThat(rxr.tls().presentsCertificate()).isTrue();
    assertThat(rxr.tls().trust()).isNotNull();
    assertThat(rxr.tls().protocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
    assertThat(rxr.tls().identityName()).contains("CN=shcr-test-client").contains("expires");
  }

  @Test
  void aPkcs12IdentityOpensWithThePasswordFromTheEnvironmentAndRelativePathsAreUnderTheConfigDirectory() {
    JsonObject tls = new JsonObject().put("clientKeyStore", PKI.client.keyStore().getFileName().toString())
        .put("clientKeyStorePasswordEnv", SECRET_ENV).put("trustStore", PKI.caTrustStore.getFileName().toString())
        .put("trustStorePasswordEnv", SECRET_ENV);
    SourceConfig rxr = load(file(source("RXR", "https://localhost/RXR", tls))).find("RXR").orElseThrow();
    assertThat(rxr.tls().presentsCertificate()).isTrue();
    assertThat(rxr.tls().trust()).isNotNull();
  }

  @Test
  void aPkcs1RsaKeyLoads() {
    assertThat(Path.of(PKI.rsaClient.key().toString())).content().contains("BEGIN RSA PRIVATE KEY");
    assertThat(load(file(source("RXR", "https://localhost/RXR", pem(PKI.rsaClient)))).find("RXR").orElseThrow()
        .tls().presentsCertificate()).isTrue();
  }

  @Test
  void theDefaultBlockIsTakenPartByPartUnderEachSource() {
    JsonObject root = file(source("RXR", "https://localhost/RXR", null),
        source("RXN", "https://localhost/RXN", new JsonObject().put("protocols", new JsonArray().add("TLSv1.3"))),
        source("RXL", "https://localhost/RXL", new JsonObject().put("trustStore", PKI.caTrustStore.toString())
            .put("trustStorePasswordEnv", SECRET_ENV)),
        source("DEMO", "http://127.0.0.1:8090/DEMO", null));
    root.put("tls", pem(PKI.client));
    SourceRegistry registry = load(root);
    TlsSettings rxr = registry.find("RXR").orElseThrow().tls();
    TlsSettings rxn = registry.find("RXN").orElseThrow().tls();
    TlsSettings rxl = registry.find("RXL").orElseThrow().tls();
    assertThat(rxr.presentsCertificate()).isTrue();
    assertThat(rxn.identity()).isSameAs(rxr.identity());
    assertThat(rxn.protocols()).containsExactly("TLSv1.3");
    assertThat(rxl.identity()).as("its own trust, the default identity").isSameAs(rxr.identity());
    assertThat(rxl.trust()).isNotSameAs(rxr.trust());
  }

  @Test
  void aSourceWithoutTlsSettingsGetsTheDefaults() {
    TlsSettings tls = load(file(source("RXR", "https://localhost/RXR", null))).find("RXR").orElseThrow().tls();
    assertThat(tls.presentsCertificate()).isFalse();
    assertThat(tls.trust()).as("the JVM's trust").isNull();
    assertThat(tls.protocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
  }

  @Test
  void aMissingFileIsNamedWithItsSourceAndField() {
    JsonObject tls = pem(PKI.client).put("clientKey", PKI.dir.resolve("no-such.key").toString());
    assertThat(problems(file(source("RXR", "https://localhost/RXR", tls))))
        .contains("sources[0] (RXR).tls.clientKey: file not found: " + PKI.dir.resolve("no-such.key"));
  }

  @Test
  void anUnreadableKeyIsRefused() throws Exception {
    Path garbage = Files.writeString(PKI.dir.resolve("garbage.key"), TestPki.pem("PRIVATE KEY", "not a key at all".getBytes()));
    Path text = Files.writeString(PKI.dir.resolve("text.key"), "hello");
    assertThat(problems(file(source("RXR", "https://localhost/RXR", pem(PKI.client).put("clientKey", garbage.toString())),
        source("RXN", "https://localhost/RXN", pem(PKI.client).put("clientKey", text.toString())))))
        .contains("sources[0] (RXR).tls.clientKey: the private key in " + garbage + " cannot be read")
        .contains("sources[1] (RXN).tls.clientKey: not a PEM private key");
  }

  @Test
  void anEncryptedPemKeyIsRefusedWithTheWayOut() throws Exception {
    Path encrypted = Files.writeString(PKI.dir.resolve("encrypted.key"), TestPki.pem("ENCRYPTED PRIVATE KEY", new byte[64]));
    assertThat(problems(file(source("RXR", "https://localhost/RXR", pem(PKI.client).put("clientKey", encrypted.toString())))))
        .contains("sources[0] (RXR).tls.clientKey: the key in " + encrypted + " is encrypted")
        .contains("clientKeyStorePasswordEnv");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() {
    JsonObject tls = pem(PKI.client).put("clientKey", PKI.strangerClient.key().toString());
    assertThat(problems(file(source("RXR", "https://localhost/RXR", tls))))
        .contains("sources[0] (RXR).tls.clientKey: the key in " + PKI.strangerClient.key() + " is not the key of the certificate in "
            + PKI.client.certificate());
  }

  @Test
  void anRsaKeyAgainstAnEcCertificateIsRefused() {
    JsonObject tls = pem(PKI.client).put("clientKey", PKI.rsaClient.key().toString());
    assertThat(problems(file(source("RXR", "https://localhost/RXR", tls)))).contains("sources[0] (RXR).tls.clientKey: the key in");
  }

  @Test
  void anExpiredCertificateIsRefused() {
    assertThat(problems(file(source("RXR", "https://localhost/RXR", pem(PKI.expiredClient)))))
        .contains("sources[0] (RXR).tls.clientCertificate: the client certificate CN=shcr-expired-client expired on");
  }

  @Test
  void aCertificateNotYetValidIsRefused() {
    Clock lastYear = Clock.fixed(java.time.Instant.now().minus(java.time.Duration.ofDays(365)), java.time.ZoneOffset.UTC);
    assertThatThrownBy(() -> SourceRegistry.fromJson(file(source("RXR", "https://localhost/RXR", pem(PKI.client))), "sources.yaml",
        PKI.dir, ENV::get, lastYear))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is not valid until");
  }

  @Test
  void aCertificateForServersOnlyIsRefusedAsAClientCertificate() {
    assertThat(problems(file(source("RXR", "https://localhost/RXR", pem(PKI.serverOnlyClient)))))
        .contains("sources[0] (RXR).tls.clientCertificate: the client certificate CN=shcr-server-only may not be used for client"
            + " authentication");
  }

  @Test
  void aClientCertificateOnAPlainHttpUrlIsRefusedEvenOnLoopback() {
    assertThat(problems(file(source("RXR", "http://127.0.0.1:8090/RXR", pem(PKI.client)))))
        .contains("sources[0] (RXR).tls: a client certificate is configured but http://127.0.0.1:8090/RXR is plain http://");
  }

  @Test
  void theDefaultCertificateWithAPlainHttpSourceOnAnotherMachineIsRefused() {
    JsonObject root = file(source("RXR", "http://trust.example.nhs.uk/RXR", null)).put("tls", pem(PKI.client));
    assertThat(problems(root)).contains("sources[0] (RXR).baseUrl: http://trust.example.nhs.uk/RXR is plain http:// to another machine");
  }

  @Test
  void aGpConnectSourceIsJudgedByTheProxyItIsCalledThrough() {
    JsonObject practice = source("P1", "https://practice.example/gpc", pem(PKI.client)).put("adapter", "gp-connect");
    JsonObject root = file(practice).put("gpConnect", new JsonObject().put("consumerAsid", "200000000359").put("issuer", "https://us/")
        .put("sspUrl", "http://proxy.example").put("providerAsids", new JsonObject().put("P1", "900000000001")));
    assertThat(problems(root)).contains("sources[0] (P1).tls: a client certificate is configured but http://proxy.example"
        + " (the gpConnect.sspUrl it is called through) is plain http://");
  }

  @Test
  void aWrongKeyStorePasswordIsRefusedWithoutSayingIt() {
    JsonObject tls = new JsonObject().put("clientKeyStore", PKI.client.keyStore().toString()).put("clientKeyStorePasswordEnv", "WRONG_ENV");
    String message;
    try {
      SourceRegistry.fromJson(file(source("RXR", "https://localhost/RXR", tls)), "sources.yaml", PKI.dir,
          Map.of("WRONG_ENV", "hunter2-not-it")::get, Clock.systemUTC());
      throw new AssertionError("expected a refusal");
    } catch (ConfigException e) {
      message = e.getMessage();
    }
    assertThat(message).contains("sources[0] (RXR).tls.clientKeyStore: " + PKI.client.keyStore()
        + " cannot be opened with the password in WRONG_ENV").doesNotContain("hunter2");
  }

  @Test
  void anUnsetPasswordVariableIsNamed() {
    JsonObject tls = new JsonObject().put("clientKeyStore", PKI.client.keyStore().toString()).put("clientKeyStorePasswordEnv", "UNSET_ENV");
    assertThat(problems(file(source("RXR", "https://localhost/RXR", tls))))
        .contains("sources[0] (RXR).tls.clientKeyStorePasswordEnv: the environment variable UNSET_ENV is not set");
  }

  @Test
  void aPasswordWrittenInTheFileIsRefusedAndNotRepeated() {
    JsonObject tls = new JsonObject().put("clientKeyStore", PKI.client.keyStore().toString()).put("clientKeyStorePassword", "s3cr3t-inline");
    assertThat(problems(file(source("RXR", "https://localhost/RXR", tls))))
        .contains("sources[0] (RXR).tls.clientKeyStorePassword: a password is never written in the configuration")
        .doesNotContain("s3cr3t-inline");
  }

  @Test
  void aMisspeltFieldIsRefusedRatherThanLeavingTheJvmsTrust() {
    JsonObject tls = new JsonObject().put("trustCertificate", PKI.caPem.toString());
    assertThat(problems(file(source("RXR", "https://localhost/RXR", tls))))
        .contains("sources[0] (RXR).tls.trustCertificate: unknown TLS setting");
  }

  @Test
  void oldProtocolsAndUnknownCipherSuitesAreRefused() {
    JsonObject tls = new JsonObject().put("protocols", new JsonArray().add("TLSv1.1").add("TLSv1.2"))
        .put("cipherSuites", new JsonArray().add("TLS_AES_128_GCM_SHA256").add("TLS_MADE_UP_SUITE"));
    assertThat(problems(file(source("RXR", "https://localhost/RXR", tls))))
        .contains("sources[0] (RXR).tls.protocols: 'TLSv1.1' is not allowed (TLSv1.2 and TLSv1.3 only)")
        .contains("sources[0] (RXR).tls.cipherSuites: not supported by this Java runtime: [TLS_MADE_UP_SUITE]");
  }

  @Test
  void pemAndKeyStoreTogetherAreRefused() {
    JsonObject tls = pem(PKI.client).put("clientKeyStore", PKI.client.keyStore().toString());
    assertThat(problems(file(source("RXR", "https://localhost/RXR", tls))))
        .contains("sources[0] (RXR).tls.clientKeyStore: give either clientCertificate and clientKey (PEM) or clientKeyStore");
  }

  @Test
  void aTrustBundleWithoutCertificatesIsRefused() throws Exception {
    Path empty = Files.writeString(PKI.dir.resolve("empty-bundle.pem"), "# nothing here\n");
    assertThat(problems(file(source("RXR", "https://localhost/RXR", new JsonObject().put("trustCertificates", empty.toString())))))
        .contains("sources[0] (RXR).tls.trustCertificates: not a PEM certificate file");
  }
}
