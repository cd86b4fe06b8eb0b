package io.shcr.privacy;

import io.shcr.fhir.ResourceIndex;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The privacy filter driven by {@code sensitive-data.yaml}: every resource from every source passes it
 * before any output. What it withholds:
 * <ul>
 *   <li>a resource with a listed code in any Coding anywhere in it (extensions and contained resources
 *       included), or an Identifier naming a listed sexual health or fertility service;</li>
 *   <li>a resource carrying a listed security label (confidentiality R or V, sensitivity HIV, STD, ...);</li>
 *   <li>a resource whose service coding (the clinic, service, specialty or care setting: {@link ServiceCodings})
 *       is in a code system not known there, or that has a Coding it cannot compare (fail closed);</li>
 *   <li>a resource that refers, at any distance, to a withheld one (a medicine for a withheld condition,
 *       the results and letters of a withheld encounter, an encounter at a withheld clinic);</li>
 *   <li>a resource with a link it needs that cannot be resolved, and anything it cannot read (fail closed).</li>
 * </ul>
 * A resource withheld because a link was never looked up is also counted as unjudged (see {@link LinkGraph}):
 * the one withholding a viewer is told about, as a fixed sentence.
 * What it releases is a copy without narrative. {@code List} resources (GP Connect's clinical area and
 * consultation lists) are never released: their items arrive as resources in their own right, and a list
 * rebuilt without withheld entries would still tell (its warning code, an empty list without a reason,
 * gaps in its ordering). A Patient is never withheld for a label or a code: see {@link ReleasedCopy}.
 *
 * <p>The withheld count (for audit only) counts resources held back for privacy; unreleased Lists that
 * were not themselves withheld are not counted. Stateless after start-up and safe to share between threads.
 */
public final class RuleBasedPrivacyFilter implements PrivacyFilter {

  private static final Logger LOG = LoggerFactory.getLogger(RuleBasedPrivacyFilter.class);

  private final ResourceInspector inspector;
  private final ReleasedCopy copies;
  private final Set<String> notFetched;
  private final List<String> serviceCodingSummary;

  public RuleBasedPrivacyFilter(SensitiveDataConfig config) {
    CodeRules rules = new CodeRules(config);
    this.inspector = new ResourceInspector(rules, new ServiceFields(config.serviceCodings(), rules), new UnknownSystemLog());
    this.copies = new ReleasedCopy(inspector);
    this.notFetched = Set.copyOf(config.notFetched());
    this.serviceCodingSummary = ServiceCodingSummary.lines(config, rules);
  }

  /**
   * Reads and validates {@code sensitive-data.yaml} and its code lists; a bad file throws ConfigException.
   * Logs (WARN) which fields are service codings and which systems are known or unknown there.
   */
  public static RuleBasedPrivacyFilter load(Path configDir) {
    RuleBasedPrivacyFilter filter = new RuleBasedPrivacyFilter(SensitiveDataConfig.load(configDir));
    filter.serviceCodingSummary.forEach(LOG::warn);
    return filter;
  }

  /** What start-up logs about service codings (no clinical data: field names and system URIs). */
  public List<String> serviceCodingSummary() {
    return serviceCodingSummary;
  }

  @Override
  public Set<String> referencesToResolve(List<JsonObject> resources, ResourceIndex known) {
    try {
      if (resources == null || resources.isEmpty()) {
        return Set.of();
      }
      return new LinkedHashSet<>(graph(resources, known).unresolvedReferences());
    } catch (RuntimeException | StackOverflowError e) {
      return Set.of();
    }
  }

  @Override
  public FilterResult filter(List<JsonObject> resources, ResourceIndex context) {
    if (resources == null || resources.isEmpty()) {
      return new FilterResult(List.of(), 0);
    }
    try {
      LinkGraph graph = graph(resources, context);
      List<JsonObject> released = new ArrayList<>(resources.size());
      int withheld = 0;
      int unjudged = 0;
      for (Object item : resources) {
        JsonObject copy = graph.withheld(item) ? null : release((JsonObject) item, graph);
        if (copy != null) {
          released.add(copy);
        } else if (!isList(item)) {
          withheld++;
          unjudged += graph.unjudged(item) ? 1 : 0;
        } else if (graph.withheld(item)) {
          withheld++; // a List is never released, so it is never told as unjudged either
        }
      }
      return new FilterResult(List.copyOf(released), withheld, unjudged);
    } catch (RuntimeException | StackOverflowError e) {
      // Our failure, not the source's: nothing of the batch was checked, and the viewer is told so.
      return new FilterResult(List.of(), resources.size(), resources.size());
    }
  }

  private JsonObject release(JsonObject resource, LinkGraph graph) {
    // Text here: a resource without a textual resourceType is unreadable, so withheld before it comes to this.
    Object type = resource.getValue("resourceType");
    if ("List".equals(type)) {
      return null;
    }
    if ("Patient".equals(type)) {
      return copies.ofPatient(resource, graph.inspection(resource), graph::blocks);
    }
    return copies.of(resource);
  }

  private static boolean isList(Object item) {
    return item instanceof JsonObject json && "List".equals(json.getValue("resourceType"));
  }

  /**
   * The batch's graph; the one {@link #referencesToResolve} built is used again by {@link #filter} when the
   * batch is the same and nothing was added to the index in between (most sections need no look-up).
   */
  private LinkGraph graph(List<JsonObject> resources, ResourceIndex context) {
    RequestMemo memo = RequestMemo.of(context == null ? new ResourceIndex() : context, this, inspector, notFetched);
    LinkGraph graph = memo.lastGraph(resources);
    if (graph == null) {
      graph = new LinkGraph(memo, resources);
      memo.keepGraph(resources, graph);
    }
    return graph;
  }
}
