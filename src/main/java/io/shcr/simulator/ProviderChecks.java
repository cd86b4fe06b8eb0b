package io.shcr.simulator;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.shcr.sources.GpConnectConsumer;
import io.vertx.core.MultiMap;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a GP Connect 1.6 provider behind the Spine Secure Proxy checks before it reads a structured-record
 * request, so the demo refuses what a real practice would: the SSP headers (a GUID trace id, our ASID
 * from, the practice's ASID to, the interaction id), the media types, and the consumer JWT (unsecured,
 * every claim present and shaped as "Cross-organisation audit and provenance" says, {@code aud} the
 * practice's service root, five minutes between {@code iat} and {@code exp}, not expired). A refusal is
 * 400 {@code BAD_REQUEST} as GP Connect's error handling guidance gives for bad headers and tokens.
 */
final class ProviderChecks {

  private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");
  /** How many recent Ssp-TraceIDs are remembered to catch one sent again (bounded: the oldest are forgotten). */
  static final int REMEMBERED_TRACE_IDS = 20_000;

  private final Map<String, Boolean> seenTraceIds = new java.util.LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_TRACE_IDS;
    }
  };

  /** Why the request is refused, or empty when a provider would read it. */
  Optional<Reply> refusal(MultiMap headers, GpConnectConsumer consumer, String practiceAsid, String serviceRoot) {
    String problem = problem(headers, consumer, practiceAsid, serviceRoot);
    return problem == null ? Optional.empty() : Optional.of(Reply.error(400, "invalid", "BAD_REQUEST", problem));
  }

  String problem(MultiMap headers, GpConnectConsumer consumer, String practiceAsid, String serviceRoot) {
    String trace = headers.get("Ssp-TraceID");
    if (trace == null || !GUID.matcher(trace).matches()) {
      return "Ssp-TraceID must be a GUID";
    }
    if (!firstUse(trace.toLowerCase(java.util.Locale.ROOT))) {
      return "Ssp-TraceID must be new for every request; this one was sent before";
    }
    // A test bed without GP Connect configuration has no ASIDs to check against; everything else is checked.
    boolean configured = !consumer.consumerAsid().isEmpty();
    if (configured && !consumer.consumerAsid().equals(headers.get("Ssp-From"))) {
      return "Ssp-From is not a known consumer ASID";
    }
    if (configured && !practiceAsid.equals(headers.get("Ssp-To"))) {
      return "Ssp-To is not this provider's ASID";
    }
    if (!GpConnectConsumer.INTERACTION_GET_STRUCTURED.equals(headers.get("Ssp-InteractionID"))) {
      return "Ssp-InteractionID is not the get structured record interaction";
    }
    if (!mediaType(headers.get("Accept")) || !mediaType(headers.get("Content-Type"))) {
      return "Accept and Content-Type must be application/fhir+json";
    }
    String authorization = headers.get("Authorization");
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return "Authorization must carry a Bearer JWT";
    }
    return jwtProblem(authorization.substring(7), serviceRoot);
  }

  private synchronized boolean firstUse(String traceId) {
    return seenTraceIds.put(traceId, Boolean.TRUE) == null;
  }

  private static boolean mediaType(String value) {
    return value != null && value.replace(" ", "").toLowerCase().startsWith("application/fhir+json");
  }

  static String jwtProblem(String token, String serviceRoot) {
    JWTClaimsSet claims;
    try {
      claims = PlainJWT.parse(token).getJWTClaimsSet();
    } catch (ParseException e) {
      return "the JWT is not an unsecured JWT (alg none, empty signature)";
    }
    try {
      if (claims.getIssuer() == null || claims.getSubject() == null || claims.getIssueTime() == null
          || claims.getExpirationTime() == null) {
        return "the JWT lacks iss, sub, iat or exp";
      }
      if (claims.getAudience() == null || !claims.getAudience().equals(List.of(serviceRoot))) {
        return "the JWT's aud is not this provider's service root URL";
      }
      long lifetime = claims.getExpirationTime().getTime() - claims.getIssueTime().getTime();
      if (lifetime != 300_000 || claims.getExpirationTime().getTime() < System.currentTimeMillis()) {
        return "the JWT must expire five minutes after it was issued, and not be expired";
      }
      if (!"directcare".equals(claims.getStringClaim("reason_for_request"))) {
        return "reason_for_request must be directcare";
      }
      String scope = claims.getStringClaim("requested_scope");
      if (scope == null || !List.of(scope.split(" ")).contains("patient/*.read")) {
        return "requested_scope must include patient/*.read";
      }
      Map<String, Object> device = claims.getJSONObjectClaim("requesting_device");
      Map<String, Object> organisation = claims.getJSONObjectClaim("requesting_organization");
      Map<String, Object> practitioner = claims.getJSONObjectClaim("requesting_practitioner");
      if (device == null || !"Device".equals(device.get("resourceType")) || !(device.get("identifier") instanceof List)
          || device.get("model") == null || device.get("version") == null) {
        return "requesting_device must be a Device with identifier, model and version";
      }
      String ods = organisation == null ? null : identifierValue(organisation, ODS);
      if (organisation == null || !"Organization".equals(organisation.get("resourceType")) || ods == null
          || !(organisation.get("name") instanceof String orgName) || orgName.isBlank() || orgName.trim().equalsIgnoreCase(ods)) {
        return "requesting_organization must be an Organization with an ODS code and its name (not the code again)";
      }
      if (practitioner == null || !"Practitioner".equals(practitioner.get("resourceType"))
          || !claims.getSubject().equals(practitioner.get("id")) || !named(practitioner.get("name"))
          || identifierValue(practitioner, SDS_USER) == null || identifierValue(practitioner, SDS_ROLE_PROFILE) == null
          || !hasLocalIdentifier(practitioner)) {
        return "requesting_practitioner must be a Practitioner whose id is sub, with a name, SDS user and role profile ids"
            + " and a local user identifier";
      }
    } catch (ParseException | ClassCastException e) {
      return "the JWT's claims are not of the shapes GP Connect requires";
    }
    return null;
  }

  private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
  private static final String SDS_USER = "https://fhir.nhs.uk/Id/sds-user-id";
  private static final String SDS_ROLE_PROFILE = "https://fhir.nhs.uk/Id/sds-role-profile-id";

  /** The non-blank value of the resource's identifier in this system, or null. */
  private static String identifierValue(Map<String, Object> resource, String system) {
    if (!(resource.get("identifier") instanceof List<?> identifiers)) {
      return null;
    }
    for (Object i : identifiers) {
      if (i instanceof Map<?, ?> id && system.equals(id.get("system")) && id.get("value") instanceof String v && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  /** A local user identifier: one in a consumer-defined system (not SDS's), with a value. */
  private static boolean hasLocalIdentifier(Map<String, Object> practitioner) {
    return practitioner.get("identifier") instanceof List<?> identifiers && identifiers.stream().anyMatch(i -> i instanceof Map<?, ?> id
        && id.get("system") instanceof String system && !system.isBlank() && !system.equals(SDS_USER) && !system.equals(SDS_ROLE_PROFILE)
        && id.get("value") instanceof String v && !v.isBlank());
  }

  /** A HumanName list with a family name or a text. */
  private static boolean named(Object names) {
    return names instanceof List<?> list && list.stream().anyMatch(n -> n instanceof Map<?, ?> name
        && (name.get("family") instanceof String f && !f.isBlank() || name.get("text") instanceof String t && !t.isBlank()));
  }
}
