package io.shcr.sources;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A protocol (FHIR R4 search, GP Connect structured record, ...), as pure functions: it says which
 * requests to make and reads their responses into values. It never sends, waits or times anything: the
 * {@link SourceRequester} makes the requests (through the {@link SourceClient}), follows pages and link
 * lookups, and applies the deadline and budgets. Adding a protocol is adding one class.
 *
 * <p>Every method may note what it learnt in the call's {@link io.shcr.fhir.ResourceIndex} (links
 * looked up, areas asked); the requester runs them one at a time on the source's lane.
 */
public interface SourceAdapter {

  /** The first requests for the call's sections. */
  List<SourceQuery> plan(SourceCall call);

  /**
   * One request that carries all of these first requests (a FHIR {@code batch}), when the source
   * declares it can take one; null to send them one by one (the default).
   */
  default SourceQuery batch(SourceCall call, List<SourceQuery> queries, FhirCapabilities declared) {
    return null;
  }

  /**
   * Splits the response to a {@link #batch} into one response per query, in the queries' order, or
   * fails as a whole. Never throws for what a source sends.
   */
  default BatchAnswer unbatch(SourceCall call, List<SourceQuery> queries, SourceHttpResponse response) {
    return BatchAnswer.failed(SourceFailure.unprocessable());
  }

  /** Reads one HTTP response to one of this adapter's requests. Never throws for what a source sends. */
  ResponseRead read(SourceCall call, SourceQuery query, SourceHttpResponse response);

  /** The requests that would fetch these references ({@code Type/id}) so that links can be checked. */
  LinkLookup lookups(SourceCall call, Set<String> references);

  /**
   * Once a lookup's requests (and those it awaited) are done: notes what they settled and returns the
   * resources found for the references; what could not be fetched is simply absent.
   *
   * @param answered each lookup request whose every page was answered, with what it matched
   */
  List<JsonObject> settle(SourceCall call, Set<String> references, Map<SourceQuery, List<JsonObject>> answered);
}
