package io.shcr.sources;

import io.shcr.core.Section;
import java.util.Set;

/**
 * One request an adapter wants made, and what it is for: a value the {@link SourceRequester} sends
 * and hands back to the same adapter with its HTTP response.
 *
 * @param request the HTTP request
 * @param label what the request asks for, in our words (a resource type, "structured record"): names
 *     a search that hit the page cap
 * @param fills the sections that wait for this request (and its further pages) before they are handed over
 * @param page 1 for a first request, then 2, 3, ... for the pages after it
 * @param keys what this request asks that another link lookup may wait for (a GP Connect area), or empty
 * @param tag the adapter's own note of what the request is (read only by the adapter that made it)
 */
public record SourceQuery(SourceHttpRequest request, String label, Set<Section> fills, int page, Set<String> keys,
    Object tag) {

  public SourceQuery {
    fills = Set.copyOf(fills);
    keys = Set.copyOf(keys);
  }

  /** The request for the page after this one, at {@code url}, for the same sections. */
  public SourceQuery nextPage(String url) {
    return new SourceQuery(SourceHttpRequest.get(url), label, fills, page + 1, keys, tag);
  }
}
