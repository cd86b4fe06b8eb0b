package io.shcr.sources;

import io.shcr.core.Section;
import io.shcr.fhir.ResourceIndex;
import io.shcr.nhs.NhsNumber;
import java.util.Set;

/**
 * What an adapter knows of one patient's sections from one source in one request: no client, no
 * deadline, nothing that does I/O.
 *
 * @param source the source
 * @param nhsNumber the patient
 * @param sections the sections to fetch (already narrowed to what the source supplies and the viewer may see)
 * @param index every resource received from this source in this request, for link checks and the patient guard
 * @param requester the signed-in user the request is made for (GP Connect names them in its JWT), or null
 * @param gpConnect who we are to GP Connect
 * @param at when the request was made (the JWT's iat)
 * @param provider where a GP Connect practice is and its ASID (from SDS or its static override); null for other protocols
 */
public record SourceCall(SourceConfig source, NhsNumber nhsNumber, Set<Section> sections, ResourceIndex index,
    io.shcr.core.Principal requester, GpConnectConsumer gpConnect, java.time.Instant at,
    io.shcr.sources.sds.ProviderEndpoint provider) {

  /** A call whose provider, if it is a GP Connect practice, is its static endpoint. */
  public SourceCall(SourceConfig source, NhsNumber nhsNumber, Set<Section> sections, ResourceIndex index,
      io.shcr.core.Principal requester, GpConnectConsumer gpConnect, java.time.Instant at) {
    this(source, nhsNumber, sections, index, requester, gpConnect, at, gpConnect.staticEndpoint(source).orElse(null));
  }

  /** A call on nobody's behalf (tests, tools). */
  public SourceCall(SourceConfig source, NhsNumber nhsNumber, Set<Section> sections, ResourceIndex index) {
    this(source, nhsNumber, sections, index, null, GpConnectConsumer.UNCONFIGURED, java.time.Instant.now());
  }
}
