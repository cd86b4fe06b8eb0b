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
 * @param allowHttp whether an endpoint address on a loopback host may be plain http (the demo's
 *     simulator); http to any other host is refused whatever this says
 * @param allowedHosts the hosts an endpoint address may be on ({@code *.nhs.uk} for any host under
 *     nhs.uk); empty: any host, allowed only when every call goes through the SSP (start-up refuses it
 *     otherwise: a lying SDS would be sent the patient's NHS number and the user's JWT)
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
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "an endpoint address with no host, or with credentials, a query or a fragment";
    }
    if (!scheme.equals("https") && !(allowHttp && scheme.equals("http") && loopback(uri.getHost()))) {
      return "an endpoint address that is not https";
    }
    if (!hostAllowed(uri.getHost().toLowerCase(Locale.ROOT))) {
      return "an endpoint address on a host that is not allowed";
    }
    return null;
  }

  /**
   * A host that names this machine: {@code localhost}, an IPv4 literal in 127/8 or {@code ::1}. A name
   * that merely starts with "127." ({@code 127.example.org}) is anyone's.
   */
  public static boolean loopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("[::1]") || h.equals("::1")
        || h.matches("127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
  }

  /** A URL that may be called: https, or plain http to this machine (the demo's simulator). */
  public static boolean httpsOrLoopback(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return uri.getHost() != null && (scheme.equals("https") || scheme.equals("http") && loopback(uri.getHost()));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
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
