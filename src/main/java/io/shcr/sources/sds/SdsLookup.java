package io.shcr.sources.sds;

/**
 * How looking up one practice's endpoint ended, as a value: the endpoint, or why there is none in our
 * own words (never SDS's text). A lookup never fails its Future.
 *
 * @param endpoint the endpoint, or null
 * @param problem why there is none ("did not answer", "gave several endpoints", ...), or null
 */
public record SdsLookup(ProviderEndpoint endpoint, String problem) {

  public static SdsLookup found(ProviderEndpoint endpoint) {
    return new SdsLookup(endpoint, null);
  }

  public static SdsLookup failed(String problem) {
    return new SdsLookup(null, problem);
  }

  public boolean found() {
    return endpoint != null;
  }
}
