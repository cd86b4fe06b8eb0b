package io.shcr.resume;

import io.shcr.core.Section;
import io.shcr.record.Continuation;
import io.shcr.sources.SourceStatus;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request to resume a view, read from its token: checked against the new access decision's view
 * ({@link #check}), then turned into what the view carries over ({@link #continuation}).
 */
public final class ResumeRequest {

  /** The query parameter a client that cannot set {@code Last-Event-ID} sends its last event id in. */
  public static final String QUERY_PARAMETER = "lastEventId";
  public static final String HEADER = "Last-Event-ID";

  private final ResumePoint point;

  public ResumeRequest(ResumePoint point) {
    this.point = point;
  }

  public ResumePoint point() {
    return point;
  }

  /** The view it resumes (as first opened). */
  public String viewRequestId() {
    return point.viewRequestId();
  }

  /**
   * Refuses a token issued for another binding (user, role profile, patient, purpose, sections, sources)
   * or naming sources other than the view's.
   */
  public void check(byte[] binding, List<String> configuredSources, List<String> viewSources) throws InvalidResumeToken {
    if (!ResumeTokens.sameBinding(point.binding(), binding)) {
      throw new InvalidResumeToken("the resume token was issued for another user, role, patient or view");
    }
    Set<Integer> indices = new java.util.TreeSet<>();
    viewSources.forEach(id -> indices.add(configuredSources.indexOf(id)));
    if (!indices.equals(point.sources().keySet())) {
      throw new InvalidResumeToken("the resume token was issued for another set of sources");
    }
  }

  /** What the resumed view carries over, by real source id. */
  public Continuation continuation(List<String> configuredSources) {
    Map<String, Continuation.Carried> finished = new HashMap<>();
    Map<String, Set<Section>> delivered = new HashMap<>();
    Map<String, String> aliases = new HashMap<>();
    point.sources().forEach((index, had) -> {
      String id = configuredSources.get(index);
      if (had.alias() != null) {
        aliases.put(id, "withheld-" + HexFormat.of().formatHex(had.alias()));
      }
      if (had.finished()) {
        finished.put(id, new Continuation.Carried(status(had.status()), had.latencyMs()));
      } else {
        Set<Section> sections = EnumSet.noneOf(Section.class);
        for (Section section : Section.values()) {
          if ((had.sectionMask() & (1 << section.ordinal())) != 0) {
            sections.add(section);
          }
        }
        delivered.put(id, sections);
      }
    });
    return new Continuation(finished, delivered, aliases);
  }

  private static SourceStatus status(String wireName) {
    for (SourceStatus status : SourceStatus.values()) {
      if (status.wireName().equals(wireName)) {
        return status;
      }
    }
    return SourceStatus.ERROR;
  }
}
