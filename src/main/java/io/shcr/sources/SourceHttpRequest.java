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
 * @param headers headers the protocol requires (GP Connect's SSP headers and JWT), set after the client's own
 */
public record SourceHttpRequest(HttpMethod method, String url, Buffer body, String contentType,
    java.util.Map<String, String> headers) {

  public SourceHttpRequest {
    headers = java.util.Map.copyOf(headers);
  }

  public SourceHttpRequest(HttpMethod method, String url, Buffer body, String contentType) {
    this(method, url, body, contentType, java.util.Map.of());
  }

  public static SourceHttpRequest get(String url) {
    return new SourceHttpRequest(HttpMethod.GET, url, null, null);
  }

  public static SourceHttpRequest postJson(String url, Buffer body) {
    return new SourceHttpRequest(HttpMethod.POST, url, body, "application/fhir+json");
  }
}
