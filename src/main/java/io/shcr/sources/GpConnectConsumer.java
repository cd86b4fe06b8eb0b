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

  /**
   * Why no structured-record request can be made for this user, or null: GP Connect requires the consumer
   * JWT to name the user and their organisation, so a call on nobody's behalf, or for an organisation our
   * register does not name, is not made at all.
   */
  public static String unnameable(Principal user) {
    if (user == null) {
      return "no signed-in user to name to the practice, so it was not asked";
    }
    if (user.organisationName() == null || user.organisationName().isBlank()) {
      return "the user's organisation has no registered name to give the practice, so it was not asked";
    }
    return null;
  }

  /** The SSP headers and the bearer token for one structured-record request by this user to this provider. */
  public Map<String, String> headers(ProviderEndpoint provider, Principal user, Instant now) {
    String unnameable = unnameable(user);
    if (unnameable != null) {
      throw new IllegalArgumentException(unnameable);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Ssp-From", consumerAsid);
    headers.put("Ssp-To", provider.asid());
    headers.put("Ssp-InteractionID", INTERACTION_GET_STRUCTURED);
    headers.put("Accept", MEDIA_TYPE);
    headers.put("Authorization", "Bearer " + jwt(provider.address(), user, now));
    return headers;
  }

  /** The consumer-defined system of the local user identifier: our issuer's, holding the CIS2 {@code sub}. */
  public String localUserSystem() {
    return (issuer.endsWith("/") ? issuer : issuer + "/") + "Id/local-user-id";
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
            "name", user.organisationName()))
        .claim("requesting_practitioner", practitioner(user, localUserSystem()))
        .build();
    return new PlainJWT(claims).serialize();
  }

  /**
   * The user as a Practitioner: SDS user id, SDS role profile id ({@code UNK} when the token has none) and
   * our local user identifier (the CIS2 {@code sub}); the name as the token's {@code given_name} and
   * {@code family_name} when it has them, else its display name as text, never cut into parts.
   */
  private static Map<String, Object> practitioner(Principal user, String localSystem) {
    Map<String, Object> practitioner = new LinkedHashMap<>();
    practitioner.put("resourceType", "Practitioner");
    practitioner.put("id", user.userId());
    practitioner.put("identifier", List.of(
        Map.of("system", SDS_USER, "value", user.userId()),
        Map.of("system", SDS_ROLE_PROFILE, "value", user.roleProfileId() == null ? "UNK" : user.roleProfileId()),
        Map.of("system", localSystem, "value", user.userId())));
    Map<String, Object> name = new LinkedHashMap<>();
    if (user.familyName() != null) {
      name.put("family", user.familyName());
      if (user.givenName() != null) {
        name.put("given", List.of(user.givenName()));
      }
    } else {
      String display = user.name() == null ? "" : user.name().trim();
      name.put("text", display.isEmpty() ? "UNK" : display);
    }
    practitioner.put("name", List.of(name));
    return practitioner;
  }
}
