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
 */
public record SourceCall(SourceConfig source, NhsNumber nhsNumber, Set<Section> sections, ResourceIndex index) {}
