package io.shcr.sources;

import java.util.List;
import java.util.Set;

/**
 * What an adapter needs done to look up links the privacy filter has to check: requests to make, and
 * the keys of requests already under way (another section's lookup) whose answers settle some of them.
 */
public record LinkLookup(List<SourceQuery> queries, Set<String> awaiting) {

  public static final LinkLookup NONE = new LinkLookup(List.of(), Set.of());

  public LinkLookup {
    queries = List.copyOf(queries);
    awaiting = Set.copyOf(awaiting);
  }
}
