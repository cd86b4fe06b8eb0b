package io.shcr.core;

import io.shcr.nhs.NhsNumber;
import java.util.Set;

/**
 * One request for one patient's record, as the API parsed it.
 *
 * @param requestId unique id, echoed in every event and in audit
 * @param nhsNumber the patient
 * @param sections the sections asked for (all when the caller named none)
 * @param sourceIds the sources asked for, or empty for every source
 * @param clientAddress the caller's address, for audit
 * @param userAgent the caller's user agent, for audit
 * @param trace the W3C trace context every source call carries
 */
public record RecordRequest(
    String requestId,
    NhsNumber nhsNumber,
    Set<Section> sections,
    Set<String> sourceIds,
    String clientAddress,
    String userAgent,
    TraceContext trace) {

  /** A request that starts its own trace (tests, tools). */
  public RecordRequest(String requestId, NhsNumber nhsNumber, Set<Section> sections, Set<String> sourceIds,
      String clientAddress, String userAgent) {
    this(requestId, nhsNumber, sections, sourceIds, clientAddress, userAgent, TraceContext.forRequest(null));
  }
}
