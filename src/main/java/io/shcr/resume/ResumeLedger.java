package io.shcr.resume;

import io.shcr.core.Section;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one stream's client has, event by event, as the resume token each event carries for its id. The stream
 * tells it of each event as that event goes to the socket (so an event dropped before it went out is never
 * counted); each id names everything up to and including its own event. A resumed stream's ledger starts
 * from the token it resumed. Lives only as long as its stream.
 */
public final class ResumeLedger {

  private final ResumeTokens tokens;
  private final String viewRequestId;
  private final byte[] binding;
  private final boolean resumed;
  /** Shown source id (an alias for a hidden source) to its index in the configured source list. */
  private final Map<String, Integer> indexOfShown = new HashMap<>();
  private final SortedMap<Integer, ResumePoint.Had> had = new TreeMap<>();

  /**
   * @param configuredSources the configured source list, in order: tokens name sources by index in it
   * @param shownIds the view's sources, real id to the id the stream shows
   * @param from the point a resumed stream continues, or null for a new view
   */
  public ResumeLedger(ResumeTokens tokens, String viewRequestId, byte[] binding, List<String> configuredSources,
      Map<String, String> shownIds, ResumePoint from) {
    this.tokens = tokens;
    this.viewRequestId = viewRequestId;
    this.binding = binding.clone();
    this.resumed = from != null;
    for (Map.Entry<String, String> source : shownIds.entrySet()) {
      int index = configuredSources.indexOf(source.getKey());
      if (index < 0) {
        throw new IllegalArgumentException("a view's source must be a configured source");
      }
      indexOfShown.put(source.getValue(), index);
      ResumePoint.Had carried = from == null ? null : from.sources().get(index);
      had.put(index, carried != null ? carried : new ResumePoint.Had(false, null, 0, 0, aliasBytes(source)));
    }
  }

  /** Whether this stream continues an earlier one (its client already has the view's {@code meta}). */
  public boolean resumed() {
    return resumed;
  }

  /** The id of an event that changes nothing the client has ({@code meta}, {@code complete}). */
  public String now() {
    return tokens.issue(viewRequestId, binding, had);
  }

  /** A section of a source has gone out: its id. */
  public String section(String shownSource, String section) {
    Integer index = indexOfShown.get(shownSource);
    Section known = Section.fromWireName(section).orElse(null);
    if (index != null && known != null) {
      ResumePoint.Had before = had.get(index);
      if (!before.finished()) {
        had.put(index, new ResumePoint.Had(false, null, 0, before.sectionMask() | (1 << known.ordinal()), before.alias()));
      }
    }
    return now();
  }

  /** A source's final status has gone out: its id. */
  public String source(JsonObject source) {
    Integer index = indexOfShown.get(source.getString("source"));
    if (index != null) {
      Object latency = source.getValue("latencyMs");
      had.put(index, new ResumePoint.Had(true, source.getString("status"),
          latency instanceof Number n ? n.longValue() : 0, 0, had.get(index).alias()));
    }
    return now();
  }

  /** A hidden source's alias as three bytes, or null when the source is shown under its own id. */
  private static byte[] aliasBytes(Map.Entry<String, String> source) {
    String shown = source.getValue();
    if (shown.equals(source.getKey()) || !shown.matches("withheld-[0-9a-f]{6}")) {
      return null;
    }
    return HexFormat.of().parseHex(shown.substring("withheld-".length()));
  }
}
