package io.shcr.record;

import io.shcr.core.Section;
import io.shcr.sources.SourceStatus;
import java.util.Map;
import java.util.Set;

/**
 * What a resumed view carries over from the stream it continues, by real source id: the sources whose
 * final status its client already has (not asked again; their status goes into the one {@code complete}),
 * the sections it already has of the others (not sent again), and the aliases the view showed (a
 * restricted patient's hidden sources keep the names the client saw). Nothing clinical: what was delivered
 * is never carried, only that it was.
 *
 * @param finished sources already finished, with the status and latency the client was told
 * @param delivered for sources not finished, the sections the client already has
 * @param aliases the alias shown for each hidden source
 */
public record Continuation(Map<String, Carried> finished, Map<String, Set<Section>> delivered, Map<String, String> aliases) {

  /** A new view: nothing carried over. */
  public static final Continuation NONE = new Continuation(Map.of(), Map.of(), Map.of());

  /** A source's outcome as the client already has it. */
  public record Carried(SourceStatus status, long latencyMs) {}

  public Continuation {
    finished = Map.copyOf(finished);
    delivered = Map.copyOf(delivered);
    aliases = Map.copyOf(aliases);
  }

  /** The sections the client already has of this (unfinished) source. */
  Set<Section> deliveredOf(String sourceId) {
    return delivered.getOrDefault(sourceId, Set.of());
  }
}
