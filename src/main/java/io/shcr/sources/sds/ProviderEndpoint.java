package io.shcr.sources.sds;

/**
 * Where a GP practice's GP Connect Access Record Structured service is, and who it is to the Spine:
 * from SDS, or from the practice's static override in {@code sources.yaml}.
 *
 * @param address the provider's service root URL (no trailing slash): the JWT's {@code aud}, appended to the SSP's URL
 * @param asid the provider system's Accredited System ID: {@code Ssp-To}
 */
public record ProviderEndpoint(String address, String asid) {

  public ProviderEndpoint {
    address = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
  }
}
