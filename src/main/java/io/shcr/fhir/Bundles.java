package io.shcr.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading FHIR R4 Bundles as sources return them. */
public final class Bundles {

  private Bundles() {}

  /** True when the JSON is a Bundle resource. */
  public static boolean isBundle(JsonObject json) {
    return json != null && "Bundle".equals(json.getValue("resourceType"));
  }

  /** The resources of every entry, in order; entries without a resource object are skipped. */
  public static List<JsonObject> resources(JsonObject bundle) {
    return resources(bundle, null);
  }

  /**
   * The resources of the entries whose {@code search.mode} is the one given (null for all). Searchset
   * entries without a mode count as matches.
   */
  public static List<JsonObject> resources(JsonObject bundle, String searchMode) {
    List<JsonObject> out = new ArrayList<>();
    Object entries = bundle.getValue("entry");
    if (!(entries instanceof JsonArray array)) {
      return out;
    }
    for (Object entry : array) {
      if (!(entry instanceof JsonObject e) || !(e.getValue("resource") instanceof JsonObject r)) {
        continue;
      }
      if (searchMode != null) {
        String mode = e.getValue("search") instanceof JsonObject s && s.getValue("mode") instanceof String m ? m : "match";
        if (!searchMode.equals(mode)) {
          continue;
        }
      }
      out.add(r);
    }
    return out;
  }

  /** The URL of the {@code next} link, if the server offered another page. */
  public static Optional<String> nextLink(JsonObject bundle) {
    Object links = bundle.getValue("link");
    if (!(links instanceof JsonArray array)) {
      return Optional.empty();
    }
    for (Object link : array) {
      if (link instanceof JsonObject l && "next".equals(l.getValue("relation")) && l.getValue("url") instanceof String url) {
        return Optional.of(url);
      }
    }
    return Optional.empty();
  }
}
