package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Participation, role views and legitimate relationship, and what each demo persona is shown. */
@ExtendWith(VertxExtension.class)
class DecisionTest {

  private static final List<String> CLINICAL = List.of("alerts", "allergies", "care-plans", "demographics", "documents",
      "encounters", "immunisations", "medications", "problems", "referrals", "results");

  private final AccessTestBed bed = new AccessTestBed();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    bed.start(vertx, 100, 1000).onComplete(test.succeedingThenComplete());
  }

  @Test
  void edDoctorSeesEveryClinicalSectionSettledByTheirOwnTrust(VertxTestContext test) {
    check(test, bed.open(bed.persona("ed-doctor"), AccessTestBed.RICH), json -> {
      assertThat(json.getJsonArray("sections").getList()).containsExactlyElementsOf(CLINICAL);
      assertThat(json.getString("relationshipVia")).isEqualTo("RXN");
      assertThat(json.getString("purpose")).isEqualTo("direct-care");
      assertThat(json.getBoolean("masked")).isFalse();
    });
  }

  @Test
  void everyClinicalRoleSeesEverySection(VertxTestContext test) {
    Future<List<JsonObject>> all = Future.all(List.of("R8000", "R8001", "R8003", "R8016").stream()
        .map(role -> bed.open(bed.token("u-" + role, role, "RXN"), AccessTestBed.RICH)).toList()).map(f -> f.list());
    check(test, all.map(list -> new JsonObject().put("list", list)), json -> json.getJsonArray("list").forEach(item ->
        assertThat(((JsonObject) item).getJsonArray("sections").getList()).containsExactlyElementsOf(CLINICAL)));
  }

  @Test
  void socialWorkerSeesDemographicsAlertsCarePlansAndEncounters(VertxTestContext test) {
    check(test, bed.open(bed.persona("social-worker"), AccessTestBed.RICH), json -> {
      assertThat(json.getJsonArray("sections").getList()).containsExactly("alerts", "care-plans", "demographics", "encounters");
      assertThat(json.getString("relationshipVia")).isEqualTo("888");
    });
  }

  @Test
  void onlyRequestedSectionsTheRoleMaySeeAreFetched(VertxTestContext test) {
    check(test, bed.open(bed.persona("social-worker"), AccessTestBed.RICH, "results,care-plans,documents"), json ->
        assertThat(json.getJsonArray("sections").getList()).containsExactly("care-plans"));
  }

  @Test
  void askingOnlyForForbiddenSectionsIsRefused(VertxTestContext test) {
    check(test, bed.open(bed.persona("social-worker"), AccessTestBed.RICH, "results,documents"), json -> {
      assertThat(json.getString("code")).isEqualTo("ACCESS_DENIED");
      assertThat(json.getInteger("status")).isEqualTo(403);
      assertThat(json.getString("message")).contains("may see demographics, alerts, encounters, care-plans");
    });
  }

  @Test
  void receptionistAndAdminSeeDemographicsAndAlerts(VertxTestContext test) {
    Future<JsonObject> both = Future.all(bed.open(bed.persona("receptionist"), AccessTestBed.RICH),
        bed.open(bed.token("u-admin", "R8008", "RXN"), AccessTestBed.RICH)).map(f -> new JsonObject().put("r", f.resultAt(0)).put("a", f.resultAt(1)));
    check(test, both, json -> {
      assertThat(json.getJsonObject("r").getJsonArray("sections").getList()).containsExactly("alerts", "demographics");
      assertThat(json.getJsonObject("r").getString("relationshipVia")).isEqualTo("P81901");
      assertThat(json.getJsonObject("a").getJsonArray("sections").getList()).containsExactly("alerts", "demographics");
    });
  }

  @Test
  void privacyOfficerSeesNoRecord(VertxTestContext test) {
    check(test, bed.open(bed.persona("privacy-officer"), AccessTestBed.RICH), json -> {
      assertThat(json.getString("code")).isEqualTo("ACCESS_DENIED");
      assertThat(json.getString("message")).contains("audit trail");
    });
  }

  @Test
  void anUnknownRoleSeesNothing(VertxTestContext test) {
    check(test, bed.open(bed.token("u-x", "R9999", "RXN"), AccessTestBed.RICH), json -> {
      assertThat(json.getString("code")).isEqualTo("ACCESS_DENIED");
      assertThat(json.getString("message")).contains("R9999");
    });
  }

  @Test
  void aNotLiveCouncilIsRefused(VertxTestContext test) {
    check(test, bed.open(bed.persona("not-live-council"), AccessTestBed.RICH), json -> {
      assertThat(json.getInteger("status")).isEqualTo(403);
      assertThat(json.getString("code")).isEqualTo("NO_ORGANISATION_CONSENT");
      assertThat(json.getString("message")).contains("890").contains("not yet live");
    });
  }

  @Test
  void anOrganisationOutsideTheAgreementIsRefused(VertxTestContext test) {
    check(test, bed.open(bed.token("u-y", "R8000", "ZZZ99"), AccessTestBed.RICH), json -> {
      assertThat(json.getString("code")).isEqualTo("NO_ORGANISATION_CONSENT");
      assertThat(json.getString("message")).contains("not a participant");
    });
  }

  @Test
  void aParticipantWithoutItsOwnSourceHasNoRelationshipAndIsToldHowToProceed(VertxTestContext test) {
    check(test, bed.open(bed.token("u-amb", "R8000", "RX7"), AccessTestBed.RICH), json -> {
      assertThat(json.getInteger("status")).isEqualTo(403);
      assertThat(json.getString("code")).isEqualTo("NO_RELATIONSHIP");
      assertThat(json.getString("message")).contains("/break-glass").contains("emergency-treatment").doesNotContain(AccessTestBed.RICH);
    });
  }

  @Test
  void aSmartPatientContextIsARelationship(VertxTestContext test) {
    String token = bed.tokens.mint(new DemoTokens.Spec("u-amb", "Paramedic", "u-amb-01", "S0:G0:R8003", "RX7", List.of(),
        AccessTestBed.RICH, java.time.Duration.ofHours(1)));
    check(test, bed.open(token, AccessTestBed.RICH), json -> {
      assertThat(json.getBoolean("allowed")).isTrue();
      assertThat(json.getString("relationshipVia")).isNull();
    });
  }

  @Test
  void aPatientContextForAnotherPatientIsNoRelationship(VertxTestContext test) {
    String token = bed.tokens.mint(new DemoTokens.Spec("u-amb", "Paramedic", "u-amb-01", "S0:G0:R8003", "RX7", List.of(),
        AccessTestBed.OBJECTED, java.time.Duration.ofHours(1)));
    check(test, bed.open(token, AccessTestBed.RICH), json -> assertThat(json.getString("code")).isEqualTo("NO_RELATIONSHIP"));
  }

  @Test
  void aPatientContextSkipsTheOwnOrganisationCheck(VertxTestContext test) {
    check(test, bed.open(bed.personaWithPatient("ed-doctor", AccessTestBed.RICH), AccessTestBed.RICH), json ->
        assertThat(json.getString("relationshipVia")).isNull());
  }

  private static void check(VertxTestContext test, Future<JsonObject> result, Consumer<JsonObject> assertions) {
    result.onComplete(test.succeeding(json -> test.verify(() -> {
      assertions.accept(json);
      test.completeNow();
    })));
  }
}
