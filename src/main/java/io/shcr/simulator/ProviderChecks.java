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

  private ProviderChecks() {}

  /** Why the request is refused, or empty when a provider would read it. */
  static Optional<Reply> refusal(MultiMap headers, GpConnectConsumer consumer, String practiceAsid, String serviceRoot) {
    String problem = problem(headers, consumer, practiceAsid, serviceRoot);
    return problem == null ? Optional.empty() : Optional.of(Reply.error(400, "invalid", "BAD_REQUEST", problem));
  }

  static String problem(MultiMap headers, GpConnectConsumer consumer, String practiceAsid, String serviceRoot) {
    if (consumer.consumerAsid().isEmpty()) {
      return null; // a test bed without GP Connect configuration: nothing to check against
    }
    String trace = headers.get("Ssp-TraceID");
    if (trace == null || !GUID.matcher(trace).matches()) {
      return "Ssp-TraceID must be a GUID";
    }
    if (!consumer.consumerAsid().equals(headers.get("Ssp-From"))) {
      return "Ssp-From is not a known consumer ASID";
    }
    if (!practiceAsid.equals(headers.get("Ssp-To"))) {
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

  private static boolean mediaType(String value) {
    return value != null && value.replace(" ", "").toLowerCase().startsWith("application/fhir+json");
  }

  @SuppressWarnings("unchecked")
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
      if (organisation == null || !"Organization".equals(organisation.get("resourceType")) || organisation.get("name") == null
          || !hasIdentifier(organisation, "https://fhir.nhs.uk/Id/ods-organization-code")) {
        return "requesting_organization must be an Organization with a name and an ODS code";
      }
      if (practitioner == null || !"Practitioner".equals(practitioner.get("resourceType"))
          || !claims.getSubject().equals(practitioner.get("id")) || practitioner.get("name") == null
          || !hasIdentifier(practitioner, "https://fhir.nhs.uk/Id/sds-user-id")
          || !hasIdentifier(practitioner, "https://fhir.nhs.uk/Id/sds-role-profile-id")) {
        return "requesting_practitioner must be a Practitioner whose id is sub, with a name, SDS user and role profile ids";
      }
    } catch (ParseException | ClassCastException e) {
      return "the JWT's claims are not of the shapes GP Connect requires";
    }
    return null;
  }

  private static boolean hasIdentifier(Map<String, Object> resource, String system) {
    return resource.get("identifier") instanceof List<?> identifiers && identifiers.stream()
        .anyMatch(i -> i instanceof Map<?, ?> id && system.equals(id.get("system")) && id.get("value") instanceof String v && !v.isBlank());
  }
}
