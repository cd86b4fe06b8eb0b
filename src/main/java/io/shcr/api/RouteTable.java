package io.shcr.api;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;

/**
 * What the declared routes say about a path, for refusals the router makes before any route runs:
 * which methods it allows (the {@code Allow} of a 405), which capability it belongs to (the audit
 * action), and the patient it names, if its {@code :nhsNumber} segment is a valid NHS number.
 */
final class RouteTable {

  static final String UNMATCHED = "request";

  private RouteTable() {}

  /**
   * The path as the router matches it (percent-encoded unreserved characters decoded, dot segments and
   * double slashes removed), or the raw path when it cannot be normalised.
   */
  static String routedPath(RoutingContext ctx) {
    try {
      return ctx.normalizedPath();
    } catch (RuntimeException notNormalisable) {
      return ctx.request().path();
    }
  }

  /** The methods the router's routes accept for this path, sorted; empty when no route has the path. */
  static List<String> allowedMethods(Router router, String path) {
    TreeSet<String> allowed = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || route.methods() == null) {
        continue;
      }
      // A wildcard route ("/viewer/assets/*") takes every path under its prefix.
      if (route.isExactPath() ? matches(route.getPath(), path) : path.startsWith(route.getPath())) {
        route.methods().stream().map(HttpMethod::name).forEach(allowed::add);
      }
    }
    return List.copyOf(allowed);
  }

  /** The audit action of a request to this path: the capability it asked for, or {@link #UNMATCHED}. */
  static String action(String path) {
    if (path == null) {
      return UNMATCHED;
    }
    if (matches("/api/v1/patients/:nhsNumber/record", path) || matches("/viewer/api/patients/:nhsNumber/record", path)) {
      return "record.view";
    }
    if (matches("/api/v1/patients/:nhsNumber/break-glass", path) || matches("/viewer/api/patients/:nhsNumber/break-glass", path)) {
      return "break-glass";
    }
    if (matches("/api/v1/audit/alerts/:sequence/acknowledge", path)) {
      return "audit.acknowledge";
    }
    if (path.startsWith("/api/v1/audit/")) {
      return "audit.search";
    }
    if (matches("/api/v1/sources", path)) {
      return "sources.list";
    }
    if (matches("/fhir/metadata", path)) {
      return "fhir.metadata";
    }
    if (matches("/fhir/Patient/:nhsNumber/$everything", path) || matches("/fhir/:type", path)) {
      return "record.view"; // the FHIR face of the same record view, decided and audited the same way
    }
    if (path.startsWith("/viewer/")) {
      return "viewer";
    }
    return UNMATCHED;
  }

  /** The NHS number a patient route's path names, when it is a valid one. */
  static String nhsNumber(String path) {
    if (path == null) {
      return null;
    }
    String[] segments = trim(path).split("/", -1);
    int at;
    if (path.startsWith("/api/v1/patients/") && segments.length == 6) {
      at = 4;
    } else if (matches("/fhir/Patient/:nhsNumber/$everything", path)) {
      at = 3;
    } else {
      return null;
    }
    try {
      return NhsNumber.parse(URLDecoder.decode(segments[at], StandardCharsets.UTF_8)).map(NhsNumber::value).orElse(null);
    } catch (IllegalArgumentException notDecodable) {
      return null;
    }
  }

  /** Whether a route template ({@code /a/:param/b}) matches a path, a trailing slash aside. */
  static boolean matches(String template, String path) {
    String[] want = trim(template).split("/", -1);
    String[] have = trim(path).split("/", -1);
    if (want.length != have.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      boolean param = want[i].startsWith(":");
      if (param ? have[i].isEmpty() : !want[i].equals(have[i])) {
        return false;
      }
    }
    return true;
  }

  private static String trim(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
