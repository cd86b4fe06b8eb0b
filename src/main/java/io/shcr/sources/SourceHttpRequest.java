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
 * @param answers how many answers the response carries (a FHIR batch: one per search it holds); its size
 *     cap is that many times the source's cap for one answer, so batching never narrows what each search may send
 */
public record SourceHttpRequest(HttpMethod method, String url, Buffer body, String contentType,
    java.util.Map<String, String> headers, int answers) {

  public SourceHttpRequest {
    headers = java.util.Map.copyOf(headers);
    if (answers < 1) {
      throw new IllegalArgumentException("a request carries at least one answer");
    }
  }

  public SourceHttpRequest(HttpMethod method, String url, Buffer body, String contentType,
      java.util.Map<String, String> headers) {
    this(method, url, body, contentType, headers, 1);
  }

  public SourceHttpRequest(HttpMethod method, String url, Buffer body, String contentType) {
    this(method, url, body, contentType, java.util.Map.of(), 1);
  }

  public static SourceHttpRequest get(String url) {
    return new SourceHttpRequest(HttpMethod.GET, url, null, null);
  }

  public static SourceHttpRequest postJson(String url, Buffer body) {
    return new SourceHttpRequest(HttpMethod.POST, url, body, "application/fhir+json");
  }

  /** A FHIR batch POST whose response carries {@code answers} answers. */
  public static SourceHttpRequest batch(String url, Buffer body, int answers) {
    return new SourceHttpRequest(HttpMethod.POST, url, body, "application/fhir+json", java.util.Map.of(), answers);
  }
}
