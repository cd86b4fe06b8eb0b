package io.shcr.sources.sds;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * How the Spine Directory Service (SDS FHIR API) is asked for each GP practice's GP Connect endpoint,
 * as {@code sources.yaml}'s {@code gpConnect.sds} block says.
 *
 * @param baseUrl the SDS FHIR API's base ({@code https://api.service.nhs.uk/spine-directory/FHIR/R4})
 * @param apiKey the application's key, sent as {@code apikey} (from the environment, never the file)
 * @param deadlineMs how long one lookup (both searches) may take
 * @param cacheMs how long a practice's endpoint is reused; 0 asks SDS for every record view (concurrent
 *     views still share one lookup)
 * @param failureCacheMs how long a failed lookup is remembered, so an SDS outage is not asked again
 *     by every view at once (short: a recovered SDS is used again within this)
 * @param maxEntries the most practices remembered
 * @param maxResponseBytes the largest SDS answer read
 * @param allowHttp whether an endpoint address may be plain http (the demo's loopback simulator only)
 * @param allowedHosts the hosts an endpoint address may be on ({@code *.nhs.uk} for any host under
 *     nhs.uk); empty: any host
 */
public record SdsSettings(String baseUrl, String apiKey, long deadlineMs, long cacheMs, long failureCacheMs, int maxEntries,
    long maxResponseBytes, boolean allowHttp, List<String> allowedHosts) {

  /** GP Connect's guidance is to reuse SDS answers within a session: a bound well short of a working day. */
  public static final long MAX_CACHE_MS = 3_600_000;
  public static final long MAX_FAILURE_CACHE_MS = 60_000;

  public SdsSettings {
    allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
  }

  /** Whether an endpoint address SDS gave may be called: https (or http when allowed), on an allowed host, nothing odd. */
  public String refusalOf(String address) {
    URI uri;
    try {
      uri = new URI(address);
    } catch (java.net.URISyntaxException e) {
      return "an endpoint address that is not a URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
      return "an endpoint address that is not https";
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "an endpoint address with no host, or with credentials, a query or a fragment";
    }
    if (!hostAllowed(uri.getHost().toLowerCase(Locale.ROOT))) {
      return "an endpoint address on a host that is not allowed";
    }
    return null;
  }

  private boolean hostAllowed(String host) {
    if (allowedHosts.isEmpty()) {
      return true;
    }
    for (String allowed : allowedHosts) {
      if (allowed.startsWith("*.") ? host.endsWith(allowed.substring(1)) : host.equals(allowed)) {
        return true;
      }
    }
    return false;
  }
}
