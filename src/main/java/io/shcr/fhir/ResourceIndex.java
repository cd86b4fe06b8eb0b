package io.shcr.fhir;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resources known for one source within one request, keyed by their local reference
 * ({@code Type/id}). It lives only as long as the request: nothing here outlives the response.
 */
public final class ResourceIndex {

  private final Map<String, JsonObject> byReference = new HashMap<>();
  private final Map<String, Object> memos = new HashMap<>();
  private final Set<String> sought = new HashSet<>();
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
   * Records that the source was asked for these references and answered: whatever of them it did not
   * send, it left out (or never had). The privacy filter withholds what needs a left-out link without
   * saying so, because sources leave out exactly what they hold back as confidential.
   */
  public void markSought(Collection<String> references) {
    for (String reference : references) {
      if (reference != null && !isForeign(reference)) {
        sought.add(References.localPart(reference));
      }
    }
  }

  /** True when the source answered a request for this reference without it (see {@link #markSought}). */
  public boolean leftOut(String reference) {
    return reference != null && !isForeign(reference) && sought.contains(References.localPart(reference))
        && !contains(reference);
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
