package io.shcr.sources;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One HTTP response from a source, read in full within the deadline and the size cap.
 *
 * @param read the body already read as JSON within {@link io.shcr.fhir.BoundedJson}'s limits, or null: a
 *     FHIR batch's entry, which was read with the batch answer, is not encoded and read a second time
 */
public record SourceHttpResponse(int status, String contentType, Buffer body, JsonObject read) {

  public SourceHttpResponse(int status, String contentType, Buffer body) {
    this(status, contentType, body, null);
  }
}
