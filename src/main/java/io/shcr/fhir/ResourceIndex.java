package io.shcr.fhir;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The resources known for one source within one request, keyed by their local reference
 * ({@code Type/id}). It lives only as long as the request: nothing here outlives the response.
 */
public final class ResourceIndex {

  private final Map<String, JsonObject> byReference = new HashMap<>();
  private final Map<String, Object> memos = new HashMap<>();
  private final String baseUrl;

  /** An index that cannot tell this source's absolute references from other servers' (tests, tools). */
  public ResourceIndex() {
    this(null);
  }

  /**
   * An index for one source: an absolute reference resolves only when it lies under {@code baseUrl};
   * one to another server is foreign and never stands for a resource of this source.
   */
  public ResourceIndex(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public static ResourceIndex of(Collection<JsonObject> resources) {
    ResourceIndex index = new ResourceIndex();
    index.addAll(resources);
    return index;
  }

  public void add(JsonObject resource) {
    String key = Resources.localReference(resource);
    if (key != null) {
      byReference.put(key, resource);
    }
  }

  public void addAll(Collection<JsonObject> resources) {
    resources.forEach(this::add);
  }

  /** Looks up a reference such as {@code Condition/123} or an absolute URL ending in one. */
  public Optional<JsonObject> resolve(String reference) {
    if (reference == null || isForeign(reference)) {
      return Optional.empty();
    }
    return Optional.ofNullable(byReference.get(References.localPart(reference)));
  }

  /** True for an absolute reference to a server other than this source. */
  public boolean isForeign(String reference) {
    return baseUrl != null && reference != null && reference.contains("://") && !reference.startsWith(baseUrl + "/");
  }

  public boolean contains(String reference) {
    return resolve(reference).isPresent();
  }

  /**
   * A per-request cache that lives and dies with this index (for example the privacy filter's
   * inspection of each resource, so a resource reached from several sections is judged once).
   */
  @SuppressWarnings("unchecked")
  public <T> T memo(String key, java.util.function.Supplier<T> create) {
    return (T) memos.computeIfAbsent(key, k -> create.get());
  }

  public Collection<JsonObject> all() {
    return byReference.values();
  }

  public int size() {
    return byReference.size();
  }
}
