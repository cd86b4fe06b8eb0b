package io.shcr.resume;

import java.util.SortedMap;

/**
 * What a resume token says: which view it continues and what its client already has. Sources are named by
 * their index in the configured source list ({@code sources.yaml}), so the token stays small and carries
 * no source names; the binding ties it to the user, role profile, patient, purpose, sections and sources
 * of the view without carrying any of them.
 *
 * @param viewRequestId the request id of the view as first opened (a resumed view keeps naming it)
 * @param binding the keyed hash of who may resume it and what it covers ({@link ResumeTokens#binding})
 * @param expiresAtSeconds when the token stops being accepted (epoch seconds)
 * @param sources the view's sources by configured index, each with what the client has of it
 */
public record ResumePoint(String viewRequestId, byte[] binding, long expiresAtSeconds, SortedMap<Integer, Had> sources) {

  /**
   * What the client has of one source.
   *
   * @param finished whether its {@code source} event reached the client (then every section of it did)
   * @param status for a finished source, its final status's wire name
   * @param latencyMs for a finished source, how long it took
   * @param sectionMask for an unfinished source, the sections delivered, a bit per {@code Section} ordinal
   * @param alias for a source shown under an alias (restricted patient), the alias's three random bytes; else null
   */
  public record Had(boolean finished, String status, long latencyMs, int sectionMask, byte[] alias) {}
}
