package io.shcr.sources;

import io.shcr.fhir.BoundedJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a FHIR R4 source's CapabilityStatement ({@code GET [base]/metadata}) declares that changes how
 * we ask it: whether its server side takes a {@code batch} Bundle ({@code rest.interaction}). Pure.
 * Anything else it says is not relied on; a statement we cannot read declares nothing, so the source
 * is asked one search at a time, as before.
 *
 * @param batch whether all of a view's first searches may go in one {@code batch} POST
 */
public record FhirCapabilities(boolean batch) {

  /** Nothing declared (no statement yet, or one that could not be read): one call per search. */
  public static final FhirCapabilities NONE = new FhirCapabilities(false);

  /** Reads a {@code metadata} answer; never throws, never fails: what cannot be read declares nothing. */
  static FhirCapabilities read(SourceHttpResponse response) {
    if (response.status() != 200 || !FhirJson.declaredFhirJson(response.contentType())) {
      return NONE;
    }
    JsonObject statement;
    try {
      statement = BoundedJson.object(response.body(), 0);
    } catch (BoundedJson.Unreadable e) {
      return NONE;
    }
    if (!"CapabilityStatement".equals(statement.getValue("resourceType")) || !(statement.getValue("rest") instanceof JsonArray rest)) {
      return NONE;
    }
    for (Object part : rest) {
      if (part instanceof JsonObject server && "server".equals(server.getValue("mode"))
          && server.getValue("interaction") instanceof JsonArray interactions) {
        for (Object interaction : interactions) {
          if (interaction instanceof JsonObject declared && "batch".equals(declared.getValue("code"))) {
            return new FhirCapabilities(true);
          }
        }
      }
    }
    return NONE;
  }
}
