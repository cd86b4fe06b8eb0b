package io.shcr.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Reading a CapabilityStatement: only a server-mode {@code batch} interaction turns batching on; nothing else does. */
class FhirCapabilitiesTest {

  private static SourceHttpResponse answer(int status, String contentType, String body) {
    return new SourceHttpResponse(status, contentType, Buffer.buffer(body));
  }

  private static String statement(String mode, String code) {
    return new JsonObject().put("resourceType", "CapabilityStatement").put("rest", new JsonArray().add(new JsonObject()
        .put("mode", mode).put("interaction", new JsonArray().add(new JsonObject().put("code", code))))).encode();
  }

  @Test
  void aServerThatDeclaresBatchBatches() {
    assertThat(FhirCapabilities.read(answer(200, "application/fhir+json", statement("server", "batch"))).batch()).isTrue();
  }

  @Test
  void anythingElseDeclaresNothing() {
    assertThat(FhirCapabilities.read(answer(200, "application/fhir+json", statement("client", "batch")))).isEqualTo(FhirCapabilities.NONE);
    assertThat(FhirCapabilities.read(answer(200, "application/fhir+json", statement("server", "transaction")))).isEqualTo(FhirCapabilities.NONE);
    assertThat(FhirCapabilities.read(answer(404, "application/fhir+json", statement("server", "batch")))).isEqualTo(FhirCapabilities.NONE);
    assertThat(FhirCapabilities.read(answer(200, "text/html", statement("server", "batch")))).isEqualTo(FhirCapabilities.NONE);
    assertThat(FhirCapabilities.read(answer(200, "application/fhir+json", "{\"resourceType\":\"Bundle\"}"))).isEqualTo(FhirCapabilities.NONE);
    assertThat(FhirCapabilities.read(answer(200, "application/fhir+json", "not json"))).isEqualTo(FhirCapabilities.NONE);
    assertThat(FhirCapabilities.read(answer(200, "application/fhir+json",
        "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\",\"interaction\":\"batch\"}]}")))
        .isEqualTo(FhirCapabilities.NONE);
  }
}
