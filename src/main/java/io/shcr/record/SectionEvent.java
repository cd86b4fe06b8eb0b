package io.shcr.record;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

/**
 * One section of one source on its way out: {@code {"source","section","resources"}}, with the
 * resources already encoded as a JSON array (off the event loop, see {@link SectionPipeline}), so
 * writing even a large section costs the event loop only a copy.
 *
 * @param source the source's id as shown in this view
 * @param section the section's wire name
 * @param resourceCount how many resources {@code resources} holds
 * @param resources the released resources as an encoded JSON array
 */
public record SectionEvent(String source, String section, int resourceCount, Buffer resources) {

  /** The event's JSON object, encoded. */
  public Buffer toBuffer() {
    return Buffer.buffer(resources.length() + 96)
        .appendString("{\"source\":").appendString(Json.encode(source))
        .appendString(",\"section\":").appendString(Json.encode(section))
        .appendString(",\"resources\":").appendBuffer(resources)
        .appendString("}");
  }
}
