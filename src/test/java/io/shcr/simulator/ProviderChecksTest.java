package io.shcr.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.shcr.core.Principal;
import io.shcr.sources.GpConnectConsumer;
import io.shcr.sources.sds.ProviderEndpoint;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The consumer JWT as GP Connect 1.6 "Cross-organisation audit and provenance" asks for it, checked as a
 * provider would: the organisation's name (not its code), the practitioner's SDS ids and a local user
 * identifier, a name from the token's given and family names (never a display name cut in two); and the
 * checks run even for a test bed with no ASIDs configured.
 */
class ProviderChecksTest {

  private static final String ROOT = "https://gp1.example.nhs.uk/gpc";
  private static final GpConnectConsumer CONSUMER = new GpConnectConsumer("200000000359", "", "https://shcr.example/",
      "https://fhir.nhs.uk/Id/nhsSpineASID", Map.of());
  private static final Principal DOCTOR = new Principal("555000100001", "Dr Mary Anne van der Berg", "555000200001", "R8000",
      "RXN", Set.of(), null, "Mary Anne", "van der Berg", "Lancashire Teaching Hospitals NHS Foundation Trust");

  private static MultiMap headers(GpConnectConsumer consumer, Principal user) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Ssp-TraceID", UUID.randomUUID().toString())
        .add("Content-Type", GpConnectConsumer.MEDIA_TYPE);
    consumer.headers(new ProviderEndpoint(ROOT, "918999198001"), user, Instant.now()).forEach(headers::add);
    return headers;
  }

  private static JWTClaimsSet claims(MultiMap headers) throws Exception {
    return PlainJWT.parse(headers.get("Authorization").substring(7)).getJWTClaimsSet();
  }

  @Test
  void theJwtNamesTheOrganisationAndThePractitionerAsGpConnectAsks() throws Exception {
    MultiMap headers = headers(CONSUMER, DOCTOR);
    assertThat(new ProviderChecks().problem(headers, CONSUMER, "918999198001", ROOT)).isNull();
    JWTClaimsSet claims = claims(headers);
    assertThat(claims.getJSONObjectClaim("requesting_organization").get("name"))
        .isEqualTo("Lancashire Teaching Hospitals NHS Foundation Trust");
    Map<String, Object> practitioner = claims.getJSONObjectClaim("requesting_practitioner");
    assertThat(practitioner.get("name")).isEqualTo(List.of(Map.of("family", "van der Berg", "given", List.of("Mary Anne"))));
    assertThat(practitioner.get("identifier").toString()).contains("https://shcr.example/Id/local-user-id")
        .contains("sds-user-id").contains("sds-role-profile-id");
  }

  @Test
  void withoutGivenAndFamilyNamesTheDisplayNameIsSentWholeAsText() throws Exception {
    Principal noParts = new Principal(DOCTOR.userId(), DOCTOR.name(), DOCTOR.roleProfileId(), DOCTOR.jobRole(),
        DOCTOR.organisation(), Set.of(), null, null, null, DOCTOR.organisationName());
    MultiMap headers = headers(CONSUMER, noParts);
    assertThat(new ProviderChecks().problem(headers, CONSUMER, "918999198001", ROOT)).isNull();
    assertThat(claims(headers).getJSONObjectClaim("requesting_practitioner").get("name"))
        .isEqualTo(List.of(Map.of("text", "Dr Mary Anne van der Berg")));
  }

  @Test
  void aProviderRefusesAJwtThatDoesNotNameTheOrganisationOrThePractitioner() throws Exception {
    JWTClaimsSet good = claims(headers(CONSUMER, DOCTOR));
    Map<String, UnaryOperator<Map<String, Object>>> organisation = Map.of(
        "the ODS code as the name", o -> with(o, "name", "RXN"),
        "no name", o -> with(o, "name", null));
    for (var lie : organisation.entrySet()) {
      String token = token(good, "requesting_organization", lie.getValue());
      assertThat(ProviderChecks.jwtProblem(token, ROOT)).as(lie.getKey()).contains("requesting_organization");
    }
    Map<String, UnaryOperator<Map<String, Object>>> practitioner = Map.of(
        "no local user identifier", p -> with(p, "identifier", List.of(
            Map.of("system", "https://fhir.nhs.uk/Id/sds-user-id", "value", "555000100001"),
            Map.of("system", "https://fhir.nhs.uk/Id/sds-role-profile-id", "value", "555000200001"))),
        "no name", p -> with(p, "name", List.of(Map.of())),
        "an empty name", p -> with(p, "name", List.of(Map.of("text", " "))),
        "another id than sub", p -> with(p, "id", "someone-else"));
    for (var lie : practitioner.entrySet()) {
      String token = token(good, "requesting_practitioner", lie.getValue());
      assertThat(ProviderChecks.jwtProblem(token, ROOT)).as(lie.getKey()).contains("requesting_practitioner");
    }
  }

  @Test
  void aTestBedWithoutAsidsStillHasItsHeadersAndJwtChecked() {
    GpConnectConsumer unconfigured = GpConnectConsumer.UNCONFIGURED;
    MultiMap headers = headers(unconfigured, DOCTOR);
    ProviderChecks checks = new ProviderChecks();
    assertThat(checks.problem(headers, unconfigured, "", ROOT)).isNull();
    headers.remove("Authorization");
    assertThat(checks.problem(headers.set("Ssp-TraceID", UUID.randomUUID().toString()), unconfigured, "", ROOT))
        .contains("Authorization");
    assertThat(checks.problem(headers.set("Ssp-TraceID", "not-a-guid"), unconfigured, "", ROOT)).contains("Ssp-TraceID");
  }

  private static Map<String, Object> with(Map<String, Object> resource, String field, Object value) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(resource);
    if (value == null) {
      copy.remove(field);
    } else {
      copy.put(field, value);
    }
    return copy;
  }

  private static String token(JWTClaimsSet good, String claim, UnaryOperator<Map<String, Object>> change) throws Exception {
    return new PlainJWT(new JWTClaimsSet.Builder(good).claim(claim, change.apply(good.getJSONObjectClaim(claim))).build()).serialize();
  }
}
