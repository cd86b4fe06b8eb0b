package io.shcr.privacy;

import io.shcr.fhir.References;
import io.shcr.fhir.ResourceIndex;
import io.shcr.fhir.Resources;
import io.shcr.privacy.ResourceInspector.Inspection;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The filter's link graph as it was before the per-request memo ({@code RequestMemo}), kept unchanged as
 * the straightforward oracle that {@link FilterEquivalenceTest} compares the optimised one with: it indexes
 * the whole context and parses every reference again on every call. Do not optimise it.
 *
 * <p>Its original description follows.
 *
 * The links of one batch, followed through what is known for the source in this request, to decide what
 * is withheld. A resource is withheld when it is unreadable, carries a sensitive code, identifier or
 * label, has a link it needs that cannot be resolved, refers (at any distance) to a withheld resource,
 * groups one ({@link GroupingLinks}), or is grouped by a <em>tainted</em> one. Built per call and
 * discarded with it: it holds nothing beyond the request.
 *
 * <p>Tainted: withheld for what it is or says (a sensitive code or label, an unreadable tree, an
 * unresolvable ordinary link), or for what it refers to or is filed under (a report whose encounter is
 * a GUM visit; the results of that report). Everything a tainted resource groups is tainted too, at any
 * depth. A resource withheld only because it groups a withheld one (a clinical area list, a report with
 * one HIV result) is not tainted: its other members are released. A Patient is never withheld.
 *
 * <p>Which resources group what is indexed once per call over the batch and the whole context, so a batch
 * resource is withheld when any tainted resource known for the source groups it, even one the batch never
 * refers to. Only what the batch reaches (by its references and by who groups it) is inspected, each
 * resource once; withholding then spreads in two passes over the edges, so cycles and shared targets are
 * handled in linear time. Of a resource reached only as what groups another (a clinical area's List, a
 * report), only whether it is tainted matters, not whether it is withheld: its members are not explored
 * (nor their links fetched), only its own links and what groups it in turn.
 *
 * <p>Unjudged: withheld because of a link (at any distance) that was never looked up: the source was not
 * asked for it (a GP Connect area switched off at the practice, a lookup that failed or was not made in
 * time). Such an item could not be checked, and the viewer is told so. A link the source was asked for
 * and answered without ({@link ResourceIndex#leftOut}), one to another server, or one that cannot be read
 * is withheld without a word: sources leave out, or point elsewhere for, what they hold back. Whether an
 * item is unjudged depends only on the links, never on whether anything it meets is sensitive: the links
 * of sensitive resources are followed (and fetched) like any other, and an item with a link never looked
 * up counts as unjudged even when it is also withheld for something sensitive. So the sentence appears,
 * or not, the same for a patient whether or not they have sensitive items.
 */
final class ReferenceLinkGraph {

  private enum Kind { CONTAINED, FETCHABLE, NOT_FETCHED, UNPARSEABLE }

  /** How far a cause of withholding has reached a node: tainted (spreads to what it groups) or withheld. */
  private static final class Reach {
    boolean tainted;
    boolean withheld;
  }

  private static final class Node {
    final Object resource;
    final boolean patient;
    final List<Node> referrers = new ArrayList<>(2);
    final List<Node> containers = new ArrayList<>(0);
    final List<Node> grouped = new ArrayList<>(0);
    final List<String> unresolved = new ArrayList<>(0);
    /** Reached by any cause: the node is withheld. */
    final Reach any = new Reach();
    /** Reached from a link never looked up: the node could not be judged. */
    final Reach unlooked = new Reach();
    Inspection inspection;
    /** Whether it matters if this node is withheld (so what it groups is explored), or only if it is tainted. */
    boolean full;
    boolean explored;
    boolean groupingExplored;

    Node(Object resource) {
      this.resource = resource;
      this.patient = resource instanceof JsonObject json && "Patient".equals(json.getValue("resourceType"));
    }
  }

  private final ResourceInspector inspector;
  private final Set<String> notFetched;
  private final ResourceIndex context;
  private final Map<String, JsonObject> batchByReference = new HashMap<>();
  private final Map<Object, Node> nodes = new IdentityHashMap<>();
  private final Map<Object, Set<String>> groupingOf = new IdentityHashMap<>();
  private final Map<String, List<JsonObject>> groupedBy = new HashMap<>();
  private final ArrayDeque<Node> toExplore = new ArrayDeque<>();
  /** Whether any link was never looked up (almost never): only then is its reach worked out. */
  private boolean anyUnlooked;

  ReferenceLinkGraph(ResourceInspector inspector, Set<String> notFetched, List<?> batch, ResourceIndex context) {
    this.inspector = inspector;
    this.notFetched = notFetched;
    this.context = context;
    for (Object resource : batch) {
      String key = resource instanceof JsonObject json ? Resources.localReference(json) : null;
      if (key != null) {
        batchByReference.putIfAbsent(key, (JsonObject) resource);
      }
    }
    for (Object resource : batch) {
      indexGrouping(resource);
    }
    for (JsonObject resource : context.all()) {
      indexGrouping(resource);
    }
    for (Object resource : batch) {
      if (resource != null) {
        node(resource, true);
      }
    }
    while (!toExplore.isEmpty()) {
      explore(toExplore.poll());
    }
    spread(node -> node.any);
    if (anyUnlooked) {
      spread(node -> node.unlooked);
    }
  }

  /** True when the resource must not be released (null and unknown objects are withheld). */
  boolean withheld(Object resource) {
    Node node = resource == null ? null : nodes.get(resource);
    return node == null || node.any.withheld;
  }

  /** True when a withheld resource is held back (also) because of a link that was never looked up. */
  boolean unjudged(Object resource) {
    Node node = resource == null ? null : nodes.get(resource);
    return node != null && node.unlooked.withheld;
  }

  /** The inspection made of a batch resource. */
  Inspection inspection(Object resource) {
    Node node = nodes.get(resource);
    return node == null ? Inspection.UNREADABLE : node.inspection;
  }

  /** True when a released resource must not carry this reference: its target is withheld or unresolvable. */
  boolean blocks(String reference) {
    Kind kind = kind(reference);
    if (kind == Kind.CONTAINED) {
      return false;
    }
    if (kind == Kind.UNPARSEABLE) {
      return true;
    }
    JsonObject target = lookup(reference);
    if (target == null) {
      return kind == Kind.FETCHABLE;
    }
    Node node = nodes.get(target);
    return node == null || node.any.withheld;
  }

  /** The {@code Type/id} of every needed reference not yet known, for the adapter to fetch. */
  Set<String> unresolvedReferences() {
    Set<String> out = new LinkedHashSet<>();
    for (Node node : nodes.values()) {
      for (String reference : node.unresolved) {
        if (kind(reference) == Kind.FETCHABLE) {
          out.add(References.localPart(reference));
        }
      }
    }
    return out;
  }

  private Node node(Object resource, boolean full) {
    Node node = nodes.get(resource);
    if (node == null) {
      node = new Node(resource);
      nodes.put(resource, node);
      toExplore.add(node);
    }
    if (full && !node.full) {
      node.full = true;
      toExplore.add(node);
    }
    return node;
  }

  private void indexGrouping(Object resource) {
    if (!(resource instanceof JsonObject json) || groupingOf.containsKey(json) || ReleasedCopy.isPatient(json)) {
      return;
    }
    Map<Object, Set<String>> known = context.memo("reference.grouping", IdentityHashMap::new);
    Set<String> grouping = known.computeIfAbsent(json, r -> GroupingLinks.of(json));
    groupingOf.put(json, grouping);
    for (String reference : grouping) {
      if (kind(reference) == Kind.FETCHABLE) {
        groupedBy.computeIfAbsent(References.localPart(reference), k -> new ArrayList<>(1)).add(json);
      }
    }
  }

  private void explore(Node node) {
    if (!node.explored) {
      node.explored = true;
      exploreOwnLinks(node);
    }
    if (node.full && !node.groupingExplored && !node.inspection.unreadable()) {
      node.groupingExplored = true;
      exploreGrouped(node);
    }
  }

  /** What the node is, what groups it, and its ordinary links: all that decides whether it is tainted. */
  private void exploreOwnLinks(Node node) {
    if (!node.patient && node.resource instanceof JsonObject json) {
      String key = Resources.localReference(json);
      for (JsonObject container : key == null ? List.<JsonObject>of() : groupedBy.getOrDefault(key, List.of())) {
        Node grouper = node(container, false);
        grouper.grouped.add(node);
        node.containers.add(grouper);
      }
    }
    // Inspections depend only on the resource, so one request judges each resource once. The walk is
    // complete even for a sensitive resource: its links are followed like any other (see the class comment).
    Map<Object, Inspection> inspections = context.memo("reference.inspect", IdentityHashMap::new);
    Inspection inspection = inspections.computeIfAbsent(node.resource, r -> inspector.inspect(r, false));
    node.inspection = inspection;
    if (inspection.unreadable() || (!node.patient && inspection.blocked())) {
      node.any.withheld = true;
      node.any.tainted = true;
    }
    if (inspection.unreadable()) {
      return;
    }
    Set<String> grouping = groupingOf.getOrDefault(node.resource, Set.of());
    for (String reference : inspection.references()) {
      Kind kind = kind(reference);
      if (kind != Kind.CONTAINED && !(grouping.contains(reference) && kind == Kind.FETCHABLE)) {
        follow(node, reference, kind, false);
      }
    }
  }

  /** What the node groups: needed only when whether the node itself is withheld matters. */
  private void exploreGrouped(Node node) {
    Set<String> grouping = groupingOf.getOrDefault(node.resource, Set.of());
    for (String reference : node.inspection.references()) {
      Kind kind = kind(reference);
      if (grouping.contains(reference) && kind == Kind.FETCHABLE) {
        follow(node, reference, kind, true);
      }
    }
  }

  /**
   * One link: to a known target (explored in turn), or unresolved. An unresolved ordinary link taints; an
   * unresolved grouping link only withholds the group (its other members stay). Either counts as never
   * looked up unless the source was asked for it and answered without it.
   */
  private void follow(Node node, String reference, Kind kind, boolean groups) {
    JsonObject target = kind == Kind.UNPARSEABLE ? null : lookup(reference);
    if (target != null) {
      Node targetNode = node(target, groups || node.full);
      if (!groups) {
        targetNode.referrers.add(node);
      }
      return;
    }
    if (kind == Kind.NOT_FETCHED) {
      return;
    }
    node.unresolved.add(reference);
    if (node.patient) {
      return; // never withheld: a Patient's blocked links are pruned from its released copy instead
    }
    node.any.withheld = true;
    node.any.tainted |= !groups;
    if (kind == Kind.FETCHABLE && !context.leftOut(reference)) {
      anyUnlooked = true;
      node.unlooked.withheld = true;
      node.unlooked.tainted |= !groups;
    }
  }

  /**
   * Spreads one kind of reach from where it starts: taint to referrers and to what a tainted resource
   * groups; then withholding from every withheld resource to its referrers and to what groups it.
   */
  private void spread(Function<Node, Reach> reachOf) {
    ArrayDeque<Node> queue = new ArrayDeque<>();
    for (Node node : nodes.values()) {
      if (reachOf.apply(node).tainted && !node.patient) {
        queue.add(node);
      }
    }
    while (!queue.isEmpty()) {
      Node tainted = queue.poll();
      taint(tainted.referrers, reachOf, queue);
      taint(tainted.grouped, reachOf, queue);
    }
    for (Node node : nodes.values()) {
      if (reachOf.apply(node).withheld && !node.patient) {
        queue.add(node);
      }
    }
    while (!queue.isEmpty()) {
      Node withheld = queue.poll();
      withhold(withheld.referrers, reachOf, queue);
      withhold(withheld.containers, reachOf, queue);
    }
  }

  private static void taint(List<Node> nodes, Function<Node, Reach> reachOf, ArrayDeque<Node> queue) {
    for (Node node : nodes) {
      Reach reach = reachOf.apply(node);
      if (!reach.tainted && !node.patient) {
        reach.tainted = true;
        reach.withheld = true;
        queue.add(node);
      }
    }
  }

  private static void withhold(List<Node> nodes, Function<Node, Reach> reachOf, ArrayDeque<Node> queue) {
    for (Node node : nodes) {
      Reach reach = reachOf.apply(node);
      if (!reach.withheld && !node.patient) {
        reach.withheld = true;
        queue.add(node);
      }
    }
  }

  private JsonObject lookup(String reference) {
    if (context.isForeign(reference)) {
      return null;
    }
    JsonObject local = batchByReference.get(References.localPart(reference));
    return local != null ? local : context.resolve(reference).orElse(null);
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
