package io.shcr.privacy;

import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.RequestMemo.Kind;
import io.shcr.privacy.RequestMemo.Known;
import io.shcr.privacy.RequestMemo.Link;
import io.shcr.privacy.ResourceInspector.Inspection;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
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
 *
 * <p>What does not depend on the batch (each resource's key, inspection and links, each reference's parse
 * and target, who groups what among the known resources) is worked out once per request ({@link RequestMemo}),
 * so a call costs what its batch reaches, not what the source has sent in all.
 */
final class LinkGraph {

  /** How far a cause of withholding has reached a node: tainted (spreads to what it groups) or withheld. */
  private static final class Reach {
    boolean tainted;
    boolean withheld;
  }

  /** A node of the graph; its edge lists are made when first needed (most nodes have few edges). */
  private static final class Node {
    final Known known;
    final boolean patient;
    List<Node> referrers = List.of();
    List<Node> containers = List.of();
    List<Node> grouped = List.of();
    List<Link> unresolved = List.of();
    /** Reached by any cause: the node is withheld. */
    final Reach any = new Reach();
    /** Reached from a link never looked up: the node could not be judged. */
    final Reach unlooked = new Reach();
    Inspection inspection;
    /** Whether it matters if this node is withheld (so what it groups is explored), or only if it is tainted. */
    boolean full;
    boolean explored;
    boolean groupingExplored;

    Node(Known known) {
      this.known = known;
      this.patient = known.patient;
    }

    private static <T> List<T> add(List<T> list, T item) {
      List<T> out = list.isEmpty() ? new ArrayList<>(2) : list;
      out.add(item);
      return out;
    }
  }

  private final RequestMemo memo;
  private final ResourceIndex context;
  private final Map<String, Known> batchByReference;
  /** The index's {@link ResourceIndex#changes} while the graph is built (one task: it cannot change meanwhile). */
  private final int changes;
  /** The nodes by {@link Known#number} (an array: no hashing on the way through the graph). */
  private Node[] nodeOf;
  /** The nodes in the order made. */
  private final List<Node> nodes;
  /** Who groups what among batch resources the index does not hold (rare): this call's own. */
  private Map<String, List<Known>> batchGroupedBy;
  private Set<Object> batchIndexed;
  private final ArrayDeque<Node> toExplore = new ArrayDeque<>();
  /** Whether any link was never looked up (almost never): only then is its reach worked out. */
  private boolean anyUnlooked;

  LinkGraph(RequestMemo memo, List<?> batch) {
    this.memo = memo;
    this.context = memo.context();
    this.changes = context.changes();
    this.nodeOf = new Node[memo.size() + batch.size() + 16];
    this.nodes = new ArrayList<>(batch.size() * 2 + 16);
    this.batchByReference = new HashMap<>(Math.max(4, batch.size() * 2));
    List<Known> knownBatch = new ArrayList<>(batch.size());
    for (Object resource : batch) {
      Known known = resource == null ? null : memo.known(resource);
      knownBatch.add(known);
      if (known != null && known.key != null) {
        batchByReference.putIfAbsent(known.key, known);
      }
    }
    memo.indexContext();
    for (Known known : knownBatch) {
      if (known != null && !known.patient && known.resource instanceof JsonObject && !memo.indexedInContext(known)) {
        // A batch resource the index does not hold groups for this call only.
        if (batchGroupedBy == null) {
          batchGroupedBy = new HashMap<>();
          batchIndexed = Collections.newSetFromMap(new IdentityHashMap<>());
        }
        if (batchIndexed.add(known.resource)) {
          memo.index(known, batchGroupedBy);
        }
      }
    }
    for (Known known : knownBatch) {
      if (known != null) {
        node(known, true);
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
    Node node = nodeOf(resource);
    return node == null || node.any.withheld;
  }

  /** True when a withheld resource is held back (also) because of a link that was never looked up. */
  boolean unjudged(Object resource) {
    Node node = nodeOf(resource);
    return node != null && node.unlooked.withheld;
  }

  /** The inspection made of a batch resource. */
  Inspection inspection(Object resource) {
    Node node = nodeOf(resource);
    return node == null ? Inspection.UNREADABLE : node.inspection;
  }

  /** True when a released resource must not carry this reference: its target is withheld or unresolvable. */
  boolean blocks(String reference) {
    Link link = memo.link(reference);
    if (link.kind == Kind.CONTAINED) {
      return false;
    }
    if (link.kind == Kind.UNPARSEABLE) {
      return true;
    }
    Known target = lookup(link);
    if (target == null) {
      return link.kind == Kind.FETCHABLE;
    }
    Node node = nodeOf(target);
    return node == null || node.any.withheld;
  }

  /** The {@code Type/id} of every needed reference not yet known, for the adapter to fetch. */
  Set<String> unresolvedReferences() {
    Set<String> out = new LinkedHashSet<>();
    for (Node node : nodes) {
      for (Link link : node.unresolved) {
        if (link.kind == Kind.FETCHABLE) {
          out.add(link.local);
        }
      }
    }
    return out;
  }

  private Node nodeOf(Object resource) {
    Known known = resource == null ? null : memo.knownIfMet(resource);
    return known == null ? null : nodeOf(known);
  }

  private Node nodeOf(Known known) {
    return known.number < nodeOf.length ? nodeOf[known.number] : null;
  }

  private Node node(Known known, boolean full) {
    Node node = nodeOf(known);
    if (node == null) {
      node = new Node(known);
      if (known.number >= nodeOf.length) {
        nodeOf = Arrays.copyOf(nodeOf, Math.max(nodeOf.length * 2, known.number + 1));
      }
      nodeOf[known.number] = node;
      nodes.add(node);
      toExplore.add(node);
    }
    if (full && !node.full) {
      node.full = true;
      toExplore.add(node);
    }
    return node;
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
    Known known = node.known;
    if (!node.patient && known.key != null) {
      addContainers(node, memo.groupersInContext(known.key));
      if (batchGroupedBy != null) {
        addContainers(node, batchGroupedBy.getOrDefault(known.key, List.of()));
      }
    }
    // Inspections depend only on the resource, so one request judges each resource once. The walk is
    // complete even for a sensitive resource: its links are followed like any other (see the class comment).
    Inspection inspection = memo.inspection(known);
    node.inspection = inspection;
    if (inspection.unreadable() || (!node.patient && inspection.blocked())) {
      node.any.withheld = true;
      node.any.tainted = true;
    }
    if (inspection.unreadable()) {
      return;
    }
    for (Link link : memo.ownLinks(known)) {
      follow(node, link, false);
    }
  }

  private void addContainers(Node node, List<Known> groupers) {
    for (Known container : groupers) {
      Node grouper = node(container, false);
      grouper.grouped = Node.add(grouper.grouped, node);
      node.containers = Node.add(node.containers, grouper);
    }
  }

  /** What the node groups: needed only when whether the node itself is withheld matters. */
  private void exploreGrouped(Node node) {
    for (Link link : memo.groupLinks(node.known)) {
      follow(node, link, true);
    }
  }

  /**
   * One link: to a known target (explored in turn), or unresolved. An unresolved ordinary link taints; an
   * unresolved grouping link only withholds the group (its other members stay). Either counts as never
   * looked up unless the source was asked for it and answered without it.
   */
  private void follow(Node node, Link link, boolean groups) {
    Known target = link.kind == Kind.UNPARSEABLE ? null : lookup(link);
    if (target != null) {
      Node targetNode = node(target, groups || node.full);
      if (!groups) {
        targetNode.referrers = Node.add(targetNode.referrers, node);
      }
      return;
    }
    if (link.kind == Kind.NOT_FETCHED) {
      return;
    }
    node.unresolved = Node.add(node.unresolved, link);
    if (node.patient) {
      return; // never withheld: a Patient's blocked links are pruned from its released copy instead
    }
    node.any.withheld = true;
    node.any.tainted |= !groups;
    if (link.kind == Kind.FETCHABLE && !context.leftOut(link.reference)) {
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
    for (Node node : nodes) {
      if (reachOf.apply(node).tainted && !node.patient) {
        queue.add(node);
      }
    }
    while (!queue.isEmpty()) {
      Node tainted = queue.poll();
      taint(tainted.referrers, reachOf, queue);
      taint(tainted.grouped, reachOf, queue);
    }
    for (Node node : nodes) {
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

  /** A followable link's target: the batch's resource of that {@code Type/id} first, then the index's. */
  private Known lookup(Link link) {
    Known local = batchByReference.get(link.local);
    return local != null ? local : memo.target(link, changes);
  }
}
