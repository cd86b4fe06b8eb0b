package io.shcr.audit;

import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a request arrived, as the audit keeps it: taken from the raw request before its path, query or
 * body is interpreted, so that what could not be parsed is recorded as such. Sanitised and bounded:
 * the method and path as printable ASCII (still percent-encoded), the query only as the names of its
 * parameters (never their values), or {@code unparseable}.
 *
 * @param method the HTTP method, or {@code ?} when the request line could not be parsed
 * @param path the raw path, sanitised and cut to {@link #MAX_PATH} characters
 * @param query {@code none}, {@code names:a,b} or {@code unparseable} (or {@code not-parsed})
 * @param status the status the service answered, when it refused (0 when not yet known)
 * @param traceId the request's W3C trace id (32 hex digits), or null: joins the record to logs and spans
 */
public record RequestFacts(String method, String path, String query, int status, String traceId) {

  public RequestFacts(String method, String path, String query, int status) {
    this(method, path, query, status, null);
  }

  public static final int MAX_PATH = 200;
  public static final String UNPARSEABLE = "unparseable";
  private static final int MAX_NAMES = 10;

  /** A request whose request line or headers the HTTP codec itself could not parse. */
  public static RequestFacts unparsed(int status) {
    return new RequestFacts("?", "(not parsed)", "not-parsed", status);
  }

  /** The facts of a request the HTTP server parsed; never throws, whatever the request holds. */
  public static RequestFacts of(HttpServerRequest request) {
    String method = request.method() == null ? "?" : AuditText.ascii(request.method().name(), 16);
    String uri = request.uri() == null ? "" : request.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String rawQuery = q < 0 ? null : uri.substring(q + 1);
    return new RequestFacts(method, AuditText.ascii(path, MAX_PATH), query(rawQuery), 0);
  }

  public RequestFacts withStatus(int answered) {
    return new RequestFacts(method, path, query, answered, traceId);
  }

  /** These facts with the request's trace id (only 32 lower-case hex digits are kept). */
  public RequestFacts withTrace(String trace) {
    return new RequestFacts(method, path, query, status, trace != null && trace.matches("[0-9a-f]{32}") ? trace : null);
  }

  public boolean queryUnparseable() {
    return UNPARSEABLE.equals(query);
  }

  /** The parameter names of a query, or {@code unparseable} when a name or value is not valid percent-encoding. */
  static String query(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "none";
    }
    Set<String> names = new LinkedHashSet<>();
    for (String pair : raw.split("[&;]", -1)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (!PercentEncoding.valid(name) || !PercentEncoding.valid(value)) {
        return UNPARSEABLE;
      }
      if (!name.isEmpty() && names.size() < MAX_NAMES) {
        names.add(AuditText.ascii(name, 40));
      }
    }
    return "names:" + String.join(",", List.copyOf(names));
  }
}
