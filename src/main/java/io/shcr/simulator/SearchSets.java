package io.shcr.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * FHIR R4 searchset Bundles as a real server returns them: {@code total}, a {@code self} link, a
 * {@code next} link (absolute) while more pages remain, and entries with {@code fullUrl} and
 * {@code search.mode: match}. The page position travels in an opaque {@code _pageToken}.
 */
final class SearchSets {

  static final String PAGE_TOKEN = "_pageToken";
  static final int DEFAULT_COUNT = 20;
  static final int MAX_COUNT = 500;

  private SearchSets() {}

  /**
   * One page of the matches.
   *
   * @param base the organisation's base URL (absolute)
   * @param type the resource type searched
   * @param criteria the search parameters (without paging), in order
   */
  static JsonObject page(String base, String type, Map<String, String> criteria, List<JsonObject> matches, int offset, int count) {
    int from = Math.min(offset, matches.size());
    int to = Math.min(matches.size(), from + count);
    JsonArray entries = new JsonArray();
    for (JsonObject resource : matches.subList(from, to)) {
      entries.add(new JsonObject()
          .put("fullUrl", base + "/" + resource.getString("resourceType") + "/" + resource.getString("id"))
          .put("resource", resource)
          .put("search", new JsonObject().put("mode", "match")));
    }
    JsonArray links = new JsonArray().add(link("self", url(base, type, criteria, count, from)));
    if (to < matches.size()) {
      links.add(link("next", url(base, type, criteria, count, to)));
    }
    JsonObject bundle = new JsonObject()
        .put("resourceType", "Bundle")
        .put("type", "searchset")
        .put("total", matches.size())
        .put("link", links);
    // FHIR JSON has no empty arrays: no matches, no entry.
    return entries.isEmpty() ? bundle : bundle.put("entry", entries);
  }

  static Optional<Integer> offsetOf(String token) {
    if (token == null) {
      return Optional.of(0);
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      return decoded.startsWith("o:") ? Optional.of(Integer.parseInt(decoded.substring(2))).filter(o -> o >= 0) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String url(String base, String type, Map<String, String> criteria, int count, int offset) {
    StringBuilder url = new StringBuilder(base).append('/').append(type).append('?');
    criteria.forEach((name, value) -> url.append(name).append('=').append(encode(value)).append('&'));
    url.append("_count=").append(count);
    if (offset > 0) {
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
      url.append('&').append(PAGE_TOKEN).append('=').append(token);
    }
    return url.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static JsonObject link(String relation, String url) {
    return new JsonObject().put("relation", relation).put("url", url);
  }
}
