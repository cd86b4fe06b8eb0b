package io.shcr.sources;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.shcr.core.Principal;
import io.shcr.ops.ShcrVersion;
import io.shcr.sources.sds.ProviderEndpoint;
import io.shcr.sources.sds.SdsSettings;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who we are to GP Connect, as {@code sources.yaml}'s {@code gpConnect} block says: our ASID (sent as
 * {@code Ssp-From}), the Spine Secure Proxy's URL prefix (empty to call providers directly, as the demo
 * does), the issuer and device named in every consumer JWT, where each practice's endpoint comes from:
 * its static override ({@code providerAsids} with the source's {@code baseUrl}), else the Spine Directory
 * Service ({@code sds}).
 *
 * <p>The consumer JWT follows GP Connect 1.6 "Cross-organisation audit and provenance": an unsecured
 * JWT ({@code alg: none}, empty signature) built per request from the signed-in user, with
 * {@code reason_for_request: directcare}, {@code requested_scope: patient/*.read conf/N}, {@code aud}
 * the provider's service root URL and {@code exp} five minutes after {@code iat}.
 *
 * @param providerAsids each statically configured practice's ASID, by ODS code (its {@code baseUrl} is its service root)
 * @param sds how SDS is asked for every other practice, or null when it is not
 */
public record GpConnectConsumer(String consumerAsid, String sspUrl, String issuer, String deviceSystem,
    Map<String, String> providerAsids, SdsSettings sds) {

  public static final String INTERACTION_GET_STRUCTURED = "urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1";
  public static final String MEDIA_TYPE = "application/fhir+json;charset=utf-8";
  static final String SDS_USER = "https://fhir.nhs.uk/Id/sds-user-id";
  static final String SDS_ROLE_PROFILE = "https://fhir.nhs.uk/Id/sds-role-profile-id";
  static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";

  /** No GP Connect block: every header still has a value a provider can check, none of them ours to invent. */
  public static final GpConnectConsumer UNCONFIGURED = new GpConnectConsumer("", "", "", "", Map.of(), null);

  public GpConnectConsumer {
    providerAsids = Map.copyOf(providerAsids);
  }

  /** A consumer whose every practice is statically configured (no SDS). */
  public GpConnectConsumer(String consumerAsid, String sspUrl, String issuer, String deviceSystem, Map<String, String> providerAsids) {
    this(consumerAsid, sspUrl, issuer, deviceSystem, providerAsids, null);
  }

  /** The practice's static endpoint: its {@code baseUrl} and configured ASID, or empty when SDS is to be asked. */
  public java.util.Optional<ProviderEndpoint> staticEndpoint(SourceConfig practice) {
    String asid = providerAsids.get(practice.id());
    if (asid != null && practice.baseUrl() != null) {
      return java.util.Optional.of(new ProviderEndpoint(practice.baseUrl(), asid));
    }
    if (sds == null && practice.baseUrl() != null) {
      // No SDS and no ASID (a test bed without GP Connect configuration): the base URL, an empty Ssp-To.
      return java.util.Optional.of(new ProviderEndpoint(practice.baseUrl(), ""));
    }
    return java.util.Optional.empty();
  }

  /** The URL a request for the provider at {@code providerRoot} goes to: through the SSP when one is configured. */
  public String route(String providerRoot) {
    return sspUrl.isEmpty() ? providerRoot : sspUrl + "/" + providerRoot;
  }

  /** The SSP headers and the bearer token for one structured-record request by this user to this provider. */
  public Map<String, String> headers(ProviderEndpoint provider, Principal user, Instant now) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Ssp-From", consumerAsid);
    headers.put("Ssp-To", provider.asid());
    headers.put("Ssp-InteractionID", INTERACTION_GET_STRUCTURED);
    headers.put("Accept", MEDIA_TYPE);
    if (user != null) {
      headers.put("Authorization", "Bearer " + jwt(provider.address(), user, now));
    }
    return headers;
  }

  /** The unsecured consumer JWT (header {@code {"alg":"none"}}, trailing dot), as GP Connect 1.x requires. */
  String jwt(String audience, Principal user, Instant now) {
    String userId = user.userId();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(userId)
        .audience(audience)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .claim("reason_for_request", "directcare")
        .claim("requested_scope", "patient/*.read conf/N")
        .claim("requesting_device", new JsonObject().put("resourceType", "Device")
            .put("identifier", List.of(Map.of("system", deviceSystem, "value", consumerAsid)))
            .put("model", "shcr").put("version", ShcrVersion.version()).getMap())
        .claim("requesting_organization", Map.of("resourceType", "Organization",
            "identifier", List.of(Map.of("system", ODS, "value", user.organisation())),
            "name", user.organisation()))
        .claim("requesting_practitioner", practitioner(user))
        .build();
    return new PlainJWT(claims).serialize();
  }

  private static Map<String, Object> practitioner(Principal user) {
    Map<String, Object> practitioner = new LinkedHashMap<>();
    practitioner.put("resourceType", "Practitioner");
    practitioner.put("id", user.userId());
    practitioner.put("identifier", List.of(
        Map.of("system", SDS_USER, "value", user.userId()),
        Map.of("system", SDS_ROLE_PROFILE, "value", user.roleProfileId() == null ? "UNK" : user.roleProfileId())));
    String name = user.name() == null ? "" : user.name().trim();
    int space = name.lastIndexOf(' ');
    practitioner.put("name", List.of(space > 0
        ? Map.of("family", name.substring(space + 1), "given", List.of(name.substring(0, space)))
        : Map.of("family", name.isEmpty() ? "UNK" : name)));
    return practitioner;
  }
}
