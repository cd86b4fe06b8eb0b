package io.shcr.sources;

import io.shcr.fhir.ResourceIndex;
import io.shcr.nhs.NhsNumber;
import io.shcr.core.Deadline;
import io.shcr.core.Section;
import java.util.Set;

/**
 * Everything an adapter needs to fetch one patient's sections from one source in one request.
 *
 * @param client the source's client (deadline, pool, breaker, size cap)
 * @param nhsNumber the patient
 * @param sections the sections to fetch (already narrowed to what the source supplies and the viewer may see)
 * @param deadline the source's budget within the request
 * @param scope the calls in flight, cancelled together
 * @param index every resource received from this source in this request, for link checks and the patient guard
 */
public record SourceCall(
    SourceClient client,
    NhsNumber nhsNumber,
    Set<Section> sections,
    Deadline deadline,
    CallScope scope,
    ResourceIndex index) {

  public SourceConfig source() {
    return client.config();
  }
}
