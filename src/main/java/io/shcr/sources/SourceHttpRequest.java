package io.shcr.sources;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * One HTTP exchange an adapter wants made: adapters describe calls, the {@link SourceClient} makes them.
 *
 * @param method GET or POST
 * @param url an absolute URL on the source
 * @param body the request body, or null
 * @param contentType the body's media type, or null
 */
public record SourceHttpRequest(HttpMethod method, String url, Buffer body, String contentType) {

  public static SourceHttpRequest get(String url) {
    return new SourceHttpRequest(HttpMethod.GET, url, null, null);
  }

  public static SourceHttpRequest postJson(String url, Buffer body) {
    return new SourceHttpRequest(HttpMethod.POST, url, body, "application/fhir+json");
  }
}
