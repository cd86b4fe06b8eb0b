package io.shcr.fhir;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The resources known for one source within one request, keyed by their local reference
 * ({@code Type/id}). It lives only as long as the request: nothing here outlives the response.
 *
 * <p>An id a source used for two different resources is <em>ambiguous</em>: it resolves to nothing,
 * so whatever relies on it cannot be checked (and is dropped or withheld), and both resources stay
 * known (through {@link #all()}) so that what either of them says can still count against release.
 * The same resource met twice (a second page, an {@code _id} look-up) is not a duplicate.
 *
 * <p>Safe to read from any thread; one source's resources are added by one task at a time.
 */
public final class ResourceIndex {

  /** Two or more different resources under one id. */
  private record Ambiguous(List<JsonObject> versions) {}

  private final Map<String, Object> byReference = new HashMap<>();
  private final List<JsonObject> patients = new ArrayList<>();
  private final Map<String, Object> memos = new ConcurrentHashMap<>();
  private final Set<String> sought = new HashSet<>();
  private final String baseUrl;
  private int changes;

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

  public synchronized void add(JsonObject resource) {
    String key = resource == null ? null : Resources.localReference(resource);
    if (key == null) {
      return;
    }
    Object known = byReference.get(key);
    boolean added = true;
    if (known == null) {
      byReference.put(key, resource);
    } else if (known instanceof JsonObject existing) {
      added = existing != resource && !existing.equals(resource);
      if (added) {
        byReference.put(key, new Ambiguous(new ArrayList<>(List.of(existing, resource))));
      }
    } else {
      List<JsonObject> versions = ((Ambiguous) known).versions();
      added = versions.stream().noneMatch(v -> v == resource || v.equals(resource));
      if (added) {
        versions.add(resource);
      }
    }
    if (added) {
      changes++;
      if ("Patient".equals(resource.getValue("resourceType"))) {
        patients.add(resource);
      }
    }
  }

  public void addAll(Collection<JsonObject> resources) {
    resources.forEach(this::add);
  }

  /** Looks up a reference such as {@code Condition/123} or an absolute URL ending in one; never an ambiguous id. */
  public synchronized Optional<JsonObject> resolve(String reference) {
    if (reference == null || isForeign(reference)) {
      return Optional.empty();
    }
    return byReference.get(References.localPart(reference)) instanceof JsonObject found ? Optional.of(found) : Optional.empty();
  }

  /** True when the source used this reference's id for two or more different resources. */
  public synchronized boolean isAmbiguous(String reference) {
    return reference != null && !isForeign(reference) && byReference.get(References.localPart(reference)) instanceof Ambiguous;
  }

  /** True when the resource's own id is one the source used for another resource too. */
  public boolean isAmbiguous(JsonObject resource) {
    String key = resource == null ? null : Resources.localReference(resource);
    return key != null && isAmbiguous(key);
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
  public synchronized void markSought(Collection<String> references) {
    for (String reference : references) {
      if (reference != null && !isForeign(reference) && sought.add(References.localPart(reference))) {
        changes++;
      }
    }
  }

  /**
   * A count that moves whenever an answer of this index may have changed (a resource added, a reference
   * marked sought), so a per-request cache ({@link #memo}) knows when what it learnt must be looked up again.
   */
  public synchronized int changes() {
    return changes;
  }

  /** True when the source answered a request for this reference without it (see {@link #markSought}). */
  public synchronized boolean leftOut(String reference) {
    return reference != null && !isForeign(reference) && sought.contains(References.localPart(reference))
        && !contains(reference);
  }

  /**
   * A per-request cache that lives and dies with this index (for example the privacy filter's
   * inspection of each resource, so a resource reached from several sections is judged once).
   */
  @SuppressWarnings("unchecked")
  public <T> T memo(String key, Supplier<T> create) {
    return (T) memos.computeIfAbsent(key, k -> create.get());
  }

  /** Every resource known, each version of an ambiguous id included; a snapshot. */
  public synchronized List<JsonObject> all() {
    List<JsonObject> out = new ArrayList<>(byReference.size());
    for (Object known : byReference.values()) {
      if (known instanceof JsonObject resource) {
        out.add(resource);
      } else {
        out.addAll(((Ambiguous) known).versions());
      }
    }
    return out;
  }

  /** Every Patient known, each version of an ambiguous id included; a snapshot, cheap however large the index. */
  public synchronized List<JsonObject> patients() {
    return List.copyOf(patients);
  }

  /** How many ids are known. */
  public synchronized int size() {
    return byReference.size();
  }
}
