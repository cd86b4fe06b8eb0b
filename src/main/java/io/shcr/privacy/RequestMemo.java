package io.shcr.privacy;

import io.shcr.fhir.References;
import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.ResourceInspector.Inspection;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the filter learns about one source's resources in one request, so that each resource is read and
 * each reference parsed once however many sections (and calls) reach it: a resource's {@code Type/id}, its
 * inspection and grouping links, each reference's kind and target, which known resource groups what, and
 * the last graph built. Kept in the request's {@link ResourceIndex} ({@link ResourceIndex#memo}), it lives
 * and dies with the request. What depends on the index (targets, who groups what, the last graph) is worked
 * out again whenever the index has changed ({@link ResourceIndex#changes}). Everything else depends only on
 * the resource or the reference, which a source never changes once sent. Used by one task at a time, as the
 * index's resources are added.
 */
final class RequestMemo {

  private static final String KEY = "privacy.request";

  /** What a link is, for following it. */
  enum Kind { CONTAINED, FETCHABLE, NOT_FETCHED, UNPARSEABLE }

  /** One reference string as written, parsed once. */
  static final class Link {
    final String reference;
    /** {@code Type/id}, as {@link References#localPart}. */
    final String local;
    final Kind kind;
    /** The index's resource it stands for (null: none), as of {@code targetChanges}. */
    private Known target;
    private int targetChanges = -1;

    private Link(String reference, String local, Kind kind) {
      this.reference = reference;
      this.local = local;
      this.kind = kind;
    }
  }

  /** One resource (or anything a source put in a batch), read once. */
  static final class Known {
    final Object resource;
    /** Its number in the memo (0, 1, 2, ... in the order met), for a graph to keep its nodes in an array. */
    final int number;
    /** Its {@code Type/id}, or null (no id, not a resource). */
    final String key;
    final boolean patient;
    private Set<String> grouping;
    private Inspection inspection;
    /** Its links that are not grouping links (contained ones left out), in the order written. */
    private Link[] ownLinks;
    /** Its grouping links to fetchable targets. */
    private Link[] groupLinks;
    /** Already in {@link RequestMemo#groupedBy}. */
    private boolean indexed;

    private Known(Object resource, int number) {
      this.resource = resource;
      this.number = number;
      JsonObject json = resource instanceof JsonObject j ? j : null;
      Object type = json == null ? null : field(json, "resourceType");
      Object id = json == null ? null : field(json, "id");
      this.key = type instanceof String && id instanceof String ? type + "/" + id : null;
      this.patient = "Patient".equals(type);
    }
  }

  private static final Link[] NO_LINKS = new Link[0];

  /** As {@link JsonObject#getValue}, without its wrapping when the field is text (almost always). */
  private static Object field(JsonObject json, String name) {
    Object raw = json.getMap().get(name);
    return raw instanceof String ? raw : json.getValue(name);
  }

  private final Object owner;
  private final ResourceInspector inspector;
  private final Set<String> notFetched;
  private final ResourceIndex context;
  private final Map<Object, Known> known;
  private final Map<String, Link> links = new HashMap<>();
  /** Which resources of the index group each {@code Type/id}. */
  private final Map<String, List<Known>> groupedBy = new HashMap<>();
  private int indexedChanges = -1;
  private List<?> lastBatch;
  private int lastChanges = -1;
  private LinkGraph lastGraph;

  private RequestMemo(Object owner, ResourceInspector inspector, Set<String> notFetched, ResourceIndex context) {
    this.owner = owner;
    this.inspector = inspector;
    this.notFetched = notFetched;
    this.context = context;
    this.known = new IdentityHashMap<>(Math.max(32, context.size() + context.size() / 2));
  }

  /** The memo of this filter in this request's index (a fresh one if another filter keeps its own there). */
  static RequestMemo of(ResourceIndex context, Object owner, ResourceInspector inspector, Set<String> notFetched) {
    RequestMemo memo = context.memo(KEY, () -> new RequestMemo(owner, inspector, notFetched, context));
    return memo.owner == owner ? memo : new RequestMemo(owner, inspector, notFetched, context);
  }

  ResourceIndex context() {
    return context;
  }

  Known known(Object resource) {
    Known k = known.get(resource);
    if (k == null) {
      k = new Known(resource, known.size());
      known.put(resource, k);
    }
    return k;
  }

  /** What is known of this object, or null when it was never met. */
  Known knownIfMet(Object resource) {
    return known.get(resource);
  }

  /** How many objects have been met (each {@link Known#number} is below it). */
  int size() {
    return known.size();
  }

  /** What the resource groups (empty for a Patient and for anything but a resource). */
  Set<String> grouping(Known k) {
    read(k);
    return k.grouping;
  }

  /** The resource's inspection (complete: the walk never stops early, see {@link LinkGraph}). */
  Inspection inspection(Known k) {
    read(k);
    return k.inspection;
  }

  /** One walk gives both the inspection and the extension links among what the resource groups. */
  private void read(Known k) {
    if (k.inspection != null) {
      return;
    }
    ResourceInspector.Reading reading = inspector.read(k.resource);
    k.grouping = k.patient || !(k.resource instanceof JsonObject json) ? Set.of() : GroupingLinks.of(json, reading.extensionLinks());
    k.inspection = reading.inspection();
  }

  Link[] ownLinks(Known k) {
    splitLinks(k);
    return k.ownLinks;
  }

  Link[] groupLinks(Known k) {
    splitLinks(k);
    return k.groupLinks;
  }

  private void splitLinks(Known k) {
    if (k.ownLinks != null) {
      return;
    }
    Inspection inspection = inspection(k);
    if (inspection.unreadable()) {
      k.ownLinks = NO_LINKS;
      k.groupLinks = NO_LINKS;
      return;
    }
    Set<String> grouping = grouping(k);
    List<Link> own = new ArrayList<>(inspection.references().size());
    List<Link> groups = new ArrayList<>(grouping.size());
    for (String reference : inspection.references()) {
      Link link = link(reference);
      boolean groupsIt = link.kind == Kind.FETCHABLE && grouping.contains(reference);
      if (groupsIt) {
        groups.add(link);
      } else if (link.kind != Kind.CONTAINED) {
        own.add(link);
      }
    }
    k.ownLinks = own.toArray(NO_LINKS);
    k.groupLinks = groups.toArray(NO_LINKS);
  }

  Link link(String reference) {
    Link link = links.get(reference);
    if (link == null) {
      link = new Link(reference, References.localPart(reference), kind(reference));
      links.put(reference, link);
    }
    return link;
  }

  /**
   * The index's resource for a followable link (not contained, not another server's), or null.
   *
   * @param changes the index's {@link ResourceIndex#changes} now
   */
  Known target(Link link, int changes) {
    if (link.targetChanges != changes) {
      JsonObject target = context.resolve(link.reference).orElse(null);
      link.target = target == null ? null : known(target);
      link.targetChanges = changes;
    }
    return link.target;
  }

  /** Brings who groups what up to date with the index's latest additions. */
  void indexContext() {
    int changes = context.changes();
    if (indexedChanges != changes) {
      for (JsonObject resource : context.all()) {
        index(known(resource), groupedBy);
      }
      indexedChanges = changes;
    }
  }

  /** Which resources of the index group this {@code Type/id}, as of the last {@link #indexContext}. */
  List<Known> groupersInContext(String key) {
    return groupedBy.getOrDefault(key, List.of());
  }

  /** True once the resource's grouping links are in the index-wide map. */
  boolean indexedInContext(Known k) {
    return k.indexed;
  }

  /** Adds what the resource groups to {@code into}: the index-wide map, or one call's own for a batch resource. */
  void index(Known k, Map<String, List<Known>> into) {
    if (k.indexed || k.patient || !(k.resource instanceof JsonObject)) {
      return;
    }
    for (String reference : grouping(k)) {
      Link link = link(reference);
      if (link.kind == Kind.FETCHABLE) {
        into.computeIfAbsent(link.local, r -> new ArrayList<>(1)).add(k);
      }
    }
    k.indexed |= into == groupedBy;
  }

  /** The graph built for exactly these resources while the index was as it is now, or null. */
  LinkGraph lastGraph(List<?> batch) {
    if (lastGraph == null || lastChanges != context.changes() || lastBatch.size() != batch.size()) {
      return null;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (lastBatch.get(i) != batch.get(i)) {
        return null;
      }
    }
    return lastGraph;
  }

  void keepGraph(List<?> batch, LinkGraph graph) {
    lastBatch = new ArrayList<>(batch);
    lastChanges = context.changes();
    lastGraph = graph;
  }

  private Kind kind(String reference) {
    if (reference.startsWith("#")) {
      return Kind.CONTAINED;
    }
    if (context.isForeign(reference)) {
      return Kind.UNPARSEABLE;
    }
    String local = References.localPart(reference);
    int slash = local == null ? -1 : local.indexOf('/');
    if (slash <= 0 || slash == local.length() - 1 || !Character.isUpperCase(local.charAt(0))) {
      return Kind.UNPARSEABLE;
    }
    return notFetched.contains(local.substring(0, slash)) ? Kind.NOT_FETCHED : Kind.FETCHABLE;
  }
}
