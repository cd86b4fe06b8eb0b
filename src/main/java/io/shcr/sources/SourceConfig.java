package io.shcr.sources;

import io.shcr.core.Section;
import io.shcr.tls.TlsSettings;
import java.util.Set;

/**
 * One participating organisation's endpoint, as {@code conf/sources.yaml} declares it.
 *
 * @param id the organisation's ODS code
 * @param name display name
 * @param kind the kind of organisation
 * @param baseUrl the FHIR base URL (no trailing slash); for a GP Connect practice its static service root, or
 *     null when SDS gives it ({@link PracticeEndpoints})
 * @param adapter the protocol adapter: {@code fhir-r4} or {@code gp-connect}
 * @param sections the sections this source can supply
 * @param live whether it is live under the information sharing agreement; a not-live source is never called
 * @param deadlineMs the whole-call deadline for this source within one request
 * @param maxConnections the connection pool's size for this source
 * @param maxWaitQueue requests that may wait for a connection before failing fast
 * @param maxResponseBytes the largest response body accepted
 * @param pageCap the most search pages followed per section
 * @param breaker the circuit breaker's settings
 * @param maxResourcesPerAnswer the most resources one answer may hold; a larger answer is refused unread
 * @param maxResourcesPerRequest the most resources all of the source's answers within one request may hold
 * @param tls how it is spoken to over TLS (client certificate, trust, versions, ciphers); used for https URLs
 */
public record SourceConfig(
    String id,
    String name,
    SourceKind kind,
    String baseUrl,
    String adapter,
    Set<Section> sections,
    boolean live,
    long deadlineMs,
    int maxConnections,
    int maxWaitQueue,
    long maxResponseBytes,
    int pageCap,
    BreakerConfig breaker,
    int maxResourcesPerAnswer,
    int maxResourcesPerRequest,
    TlsSettings tls) {

  /** Default: more than any GP practice's whole structured record we have seen (a few thousand). */
  public static final int DEFAULT_MAX_RESOURCES_PER_ANSWER = 10_000;
  /** Default: a trust's ~14 searches at the default page cap and page size stay well below it. */
  public static final int DEFAULT_MAX_RESOURCES_PER_REQUEST = 25_000;

  /** A source with the default TLS settings (no client certificate, the JVM's trust). */
  public SourceConfig(String id, String name, SourceKind kind, String baseUrl, String adapter, Set<Section> sections,
      boolean live, long deadlineMs, int maxConnections, int maxWaitQueue, long maxResponseBytes, int pageCap,
      BreakerConfig breaker, int maxResourcesPerAnswer, int maxResourcesPerRequest) {
    this(id, name, kind, baseUrl, adapter, sections, live, deadlineMs, maxConnections, maxWaitQueue, maxResponseBytes,
        pageCap, breaker, maxResourcesPerAnswer, maxResourcesPerRequest, TlsSettings.DEFAULT);
  }

  /** A source with the default resource caps. */
  public SourceConfig(String id, String name, SourceKind kind, String baseUrl, String adapter, Set<Section> sections,
      boolean live, long deadlineMs, int maxConnections, int maxWaitQueue, long maxResponseBytes, int pageCap,
      BreakerConfig breaker) {
    this(id, name, kind, baseUrl, adapter, sections, live, deadlineMs, maxConnections, maxWaitQueue, maxResponseBytes,
        pageCap, breaker, DEFAULT_MAX_RESOURCES_PER_ANSWER, DEFAULT_MAX_RESOURCES_PER_REQUEST);
  }

  /**
   * @param failureThreshold consecutive failures that open the breaker
   * @param resetMs how long it stays open before letting one trial call through
   */
  public record BreakerConfig(int failureThreshold, long resetMs) {
    public static final BreakerConfig DEFAULT = new BreakerConfig(5, 30_000);
  }

  /**
   * The most calls one view makes of this source at once: GP Connect's one structured-record call; for a
   * FHIR search source its Patient search and a search per resource type of every section it holds (next
   * pages and link lookups come after those, one at a time per search).
   */
  public int callsAtOnce() {
    if ("gp-connect".equals(adapter)) {
      return 1;
    }
    return 1 + sections.stream().filter(s -> s != Section.DEMOGRAPHICS).mapToInt(s -> s.resourceTypes().size()).sum();
  }

  public boolean supplies(Section section) {
    return sections.contains(section);
  }
}
