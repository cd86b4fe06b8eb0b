package io.shcr.sources;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * A protocol (FHIR R4 search, GP Connect structured record, ...). An adapter says which calls to
 * make and how to read their answers; the {@link SourceClient} makes the calls. Adding a protocol is
 * adding one class.
 */
public interface SourceAdapter {

  /**
   * Fetches the call's sections, handing each to the listener as soon as it is complete and adding
   * every resource received to the call's index. Completes with the source's report once every
   * section has been handed over and released, or fails with a {@link SourceFailure}.
   */
  Future<SourceReport> fetch(SourceCall call, SectionListener listener);

  /**
   * Fetches resources by reference ({@code Type/id}) so that links can be checked; what cannot be
   * fetched is simply absent from the result.
   */
  Future<List<JsonObject>> resolve(SourceCall call, Set<String> references);
}
