package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import io.shcr.core.Section;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SourceRegistryTest {

  private static JsonObject yaml(String sourcesJson) {
    return new JsonObject("{\"sources\": " + sourcesJson + "}");
  }

  @Test
  void readsAValidSource() {
    SourceRegistry registry = SourceRegistry.fromJson(yaml("""
        [{"id": "RXN", "name": "Lancashire Teaching Hospitals", "kind": "acute", "baseUrl": "http://127.0.0.1:8090/RXN/",
          "adapter": "fhir-r4", "sections": ["demographics", "results"], "live": true, "deadlineMs": 3000,
          "maxConnections": 8, "breaker": {"failureThreshold": 3, "resetMs": 1000}}]"""), "sources.yaml");
    SourceConfig source = registry.find("RXN").orElseThrow();
    assertThat(source.baseUrl()).isEqualTo("http://127.0.0.1:8090/RXN");
    assertThat(source.sections()).containsExactlyInAnyOrder(Section.DEMOGRAPHICS, Section.RESULTS);
    assertThat(source.maxConnections()).isEqualTo(8);
    assertThat(source.breaker().failureThreshold()).isEqualTo(3);
    assertThat(source.kind()).isEqualTo(SourceKind.ACUTE);
  }

  @Test
  void namesEveryBadSourceAndField() {
    assertThatThrownBy(() -> SourceRegistry.fromJson(yaml("""
        [{"id": "RXN", "name": "A", "kind": "spaceship", "baseUrl": "ftp://x", "adapter": "fhir-r4",
          "sections": ["demographics", "gossip"], "live": "yes", "deadlineMs": -5, "breaker": {"failureThreshold": 0}},
         {"id": "RXN", "name": "B", "kind": "gp", "baseUrl": "http://a", "adapter": "telepathy", "sections": ["results"], "live": true}]"""),
        "conf/sources.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("conf/sources.yaml")
        .hasMessageContaining("sources[0] (RXN).kind: unknown kind 'spaceship'")
        .hasMessageContaining("sources[0] (RXN).baseUrl")
        .hasMessageContaining("sources[0] (RXN).sections: unknown section 'gossip'")
        .hasMessageContaining("sources[0] (RXN).live")
        .hasMessageContaining("sources[0] (RXN).deadlineMs")
        .hasMessageContaining("sources[0] (RXN).breaker.failureThreshold")
        .hasMessageContaining("sources[1] (RXN).id: duplicate")
        .hasMessageContaining("sources[1] (RXN).adapter: unknown adapter 'telepathy'");
  }

  @Test
  void gpConnectSourcesOnlyOfferWhatTheOperationCanReturn() {
    assertThatThrownBy(() -> SourceRegistry.fromJson(yaml("""
        [{"id": "P81001", "name": "A practice", "kind": "gp", "baseUrl": "http://127.0.0.1:1/P81001", "adapter": "gp-connect",
          "sections": ["problems", "care-plans"], "live": true}]"""), "sources.yaml"))
        .hasMessageContaining("sources[0] (P81001).sections: gp-connect cannot supply 'care-plans'");
  }

  @Test
  void resourceCapsHaveDefaultsAndMustBeConsistent() {
    SourceConfig defaults = SourceRegistry.fromJson(yaml("""
        [{"id": "RXN", "name": "A", "kind": "acute", "baseUrl": "http://127.0.0.1:1/RXN", "adapter": "fhir-r4",
          "sections": ["problems"], "live": true}]"""), "sources.yaml").find("RXN").orElseThrow();
    assertThat(defaults.maxResourcesPerAnswer()).isEqualTo(SourceConfig.DEFAULT_MAX_RESOURCES_PER_ANSWER);
    assertThat(defaults.maxResourcesPerRequest()).isEqualTo(SourceConfig.DEFAULT_MAX_RESOURCES_PER_REQUEST);
    SourceConfig set = SourceRegistry.fromJson(yaml("""
        [{"id": "RXN", "name": "A", "kind": "acute", "baseUrl": "http://127.0.0.1:1/RXN", "adapter": "fhir-r4",
          "sections": ["problems"], "live": true, "maxResourcesPerAnswer": 500, "maxResourcesPerRequest": 2000}]"""),
        "sources.yaml").find("RXN").orElseThrow();
    assertThat(set.maxResourcesPerAnswer()).isEqualTo(500);
    assertThat(set.maxResourcesPerRequest()).isEqualTo(2000);
    assertThatThrownBy(() -> SourceRegistry.fromJson(yaml("""
        [{"id": "RXN", "name": "A", "kind": "acute", "baseUrl": "http://127.0.0.1:1/RXN", "adapter": "fhir-r4",
          "sections": ["problems"], "live": true, "maxResourcesPerAnswer": 500, "maxResourcesPerRequest": 100}]"""),
        "sources.yaml")).hasMessageContaining("sources[0] (RXN).maxResourcesPerRequest: must be at least maxResourcesPerAnswer");
  }

  @Test
  void onlyFhirJsonInUtf8IsAccepted() {
    assertThat(FhirJson.declaredFhirJson("application/fhir+json")).isTrue();
    assertThat(FhirJson.declaredFhirJson("application/fhir+json; charset=UTF-8")).isTrue();
    assertThat(FhirJson.declaredFhirJson("application/json;charset=\"utf-8\"")).isTrue();
    assertThat(FhirJson.declaredFhirJson("application/json+fhir")).isTrue();
    assertThat(FhirJson.declaredFhirJson("application/fhir+json; charset=iso-8859-1")).isFalse();
    assertThat(FhirJson.declaredFhirJson("text/html")).isFalse();
    assertThat(FhirJson.declaredFhirJson("application/fhir+xml")).isFalse();
    assertThat(FhirJson.declaredFhirJson(null)).isFalse();
  }

  @Test
  void onlySpineCodesWeShipAreRepeated() {
    assertThat(SourceFailure.httpStatus(404, "PATIENT_NOT_FOUND").detail()).isEqualTo("source answered HTTP 404 (PATIENT_NOT_FOUND)");
    assertThat(SourceFailure.httpStatus(404, "HIV-POSITIVE-NHS-9990000107").detail()).isEqualTo("source answered HTTP 404");
    assertThat(SourceFailure.from(new StackOverflowError()).detail()).isEqualTo("the answer could not be processed");
  }

  @Test
  void emptyFileIsRefused() {
    assertThatThrownBy(() -> SourceRegistry.fromJson(new JsonObject(), "sources.yaml")).hasMessageContaining("non-empty list");
  }

  private static final String PRACTICE = """
      {"id": "GP1", "name": "Practice", "kind": "gp", %s"adapter": "gp-connect", "sections": ["problems"], "live": true}""";

  private static JsonObject gpConnect(String block, String base) {
    return new JsonObject("{\"gpConnect\": {\"consumerAsid\": \"1\", \"issuer\": \"https://us/\"" + block + "}, \"sources\": ["
        + PRACTICE.formatted(base) + "]}");
  }

  @Test
  void aPracticeIsStaticWithBothItsBaseUrlAndAsidOrLookedUpInSdsWithNeither() {
    String sds = ", \"sds\": {\"baseUrl\": \"https://api.service.nhs.uk/spine-directory/FHIR/R4/\", \"allowedHosts\": [\"*.nhs.uk\"]}";
    SourceRegistry bySds = SourceRegistry.fromJson(gpConnect(sds, ""), "sources.yaml");
    assertThat(bySds.find("GP1").orElseThrow().baseUrl()).isNull();
    assertThat(bySds.gpConnect().sds().baseUrl()).isEqualTo("https://api.service.nhs.uk/spine-directory/FHIR/R4");
    assertThat(bySds.gpConnect().sds().cacheMs()).isEqualTo(300_000);
    assertThat(bySds.gpConnect().staticEndpoint(bySds.find("GP1").orElseThrow())).isEmpty();

    SourceRegistry fixed = SourceRegistry.fromJson(gpConnect(sds + ", \"providerAsids\": {\"GP1\": \"918999198001\"}",
        "\"baseUrl\": \"https://gp1.nhs.uk/gpc\", "), "sources.yaml");
    assertThat(fixed.gpConnect().staticEndpoint(fixed.find("GP1").orElseThrow()))
        .contains(new io.shcr.sources.sds.ProviderEndpoint("https://gp1.nhs.uk/gpc", "918999198001"));

    assertThatThrownBy(() -> SourceRegistry.fromJson(gpConnect(sds, "\"baseUrl\": \"https://gp1.nhs.uk/gpc\", "), "s.yaml"))
        .hasMessageContaining("no ASID for GP Connect source GP1");
    assertThatThrownBy(() -> SourceRegistry.fromJson(gpConnect(sds + ", \"providerAsids\": {\"GP1\": \"9\"}", ""), "s.yaml"))
        .hasMessageContaining("GP1 has an ASID but no baseUrl");
    assertThatThrownBy(() -> SourceRegistry.fromJson(gpConnect("", ""), "s.yaml"))
        .hasMessageContaining("GP1 has no static endpoint and there is no sds");
    assertThatThrownBy(() -> SourceRegistry.fromJson(gpConnect(", \"sds\": {\"baseUrl\": \"ldap://sds\", \"cacheMs\": 99999999}", ""),
        "s.yaml"))
        .hasMessageContaining("gpConnect.sds.baseUrl: expected an http(s) URL")
        .hasMessageContaining("gpConnect.sds.cacheMs");
  }

  @Test
  void calledDirectlyAPracticeFromSdsMustBeOnAnAllowedHostAndSdsAndTheSspAreHttps() {
    String hosts = ", \"allowedHosts\": [\"*.nhs.uk\"]";
    // No SSP and no allowed hosts: a lying SDS could send the NHS number and the user's JWT anywhere.
    assertThatThrownBy(() -> SourceRegistry.fromJson(gpConnect(
        ", \"sds\": {\"baseUrl\": \"https://api.service.nhs.uk/spine-directory/FHIR/R4\"}", ""), "s.yaml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gpConnect.sds.allowedHosts: required when there is no sspUrl");
    // Through the SSP, which decides where a request may go, the list may be left empty.
    SourceRegistry viaSsp = SourceRegistry.fromJson(gpConnect(", \"sspUrl\": \"https://proxy.spine.nhs.uk\","
        + " \"sds\": {\"baseUrl\": \"https://api.service.nhs.uk/spine-directory/FHIR/R4\"}", ""), "s.yaml");
    assertThat(viaSsp.gpConnect().sds().allowedHosts()).isEmpty();
    // The apikey never travels in clear, nor does a request through the SSP.
    for (String sds : java.util.List.of("http://sds.example.nhs.uk/FHIR/R4", "http://127.example.org/sds")) {
      assertThatThrownBy(() -> SourceRegistry.fromJson(gpConnect(", \"sds\": {\"baseUrl\": \"" + sds + "\"" + hosts + "}", ""), "s.yaml"))
          .as(sds).hasMessageContaining("gpConnect.sds.baseUrl: plain http to another machine");
    }
    assertThat(SourceRegistry.fromJson(gpConnect(", \"sds\": {\"baseUrl\": \"http://127.0.0.1:8090/sds\"" + hosts + "}", ""), "s.yaml")
        .gpConnect().sds().baseUrl()).as("the demo's loopback simulator").isEqualTo("http://127.0.0.1:8090/sds");
    for (String ssp : java.util.List.of("http://proxy.spine.nhs.uk", "ftp://proxy", "not a url")) {
      assertThatThrownBy(() -> SourceRegistry.fromJson(gpConnect(", \"sspUrl\": \"" + ssp + "\","
          + " \"sds\": {\"baseUrl\": \"https://api.service.nhs.uk/spine-directory/FHIR/R4\"" + hosts + "}", ""), "s.yaml"))
          .as(ssp).hasMessageContaining("gpConnect.sspUrl: expected an https URL");
    }
  }
}
