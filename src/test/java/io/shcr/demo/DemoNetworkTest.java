package io.shcr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.support.DemoNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo end to end, as its personas would use it: the shipped configuration, the simulated
 * network, real tokens, real HTTP. What each person sees, what each is refused, and that no
 * sensitive item reaches anyone while ordinary care data does.
 */
class DemoNetworkTest {

  private static final String RICH = "9990000018";
  private static final String RESTRICTED = "9990000026";
  private static final String OBJECTED = "9990000034";
  private static final String NOBODY = "9990000042";
  /** Sensitive items the simulator is known to hold for 999 000 0018, besides the code lists. */
  private static final Set<String> KNOWN_SENSITIVE = Set.of("105629000", "386639001", "52637005", "719670005", "86406008");

  private static Vertx vertx;
  private static DemoNetwork demo;
  private static WebClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    demo = await(DemoNetwork.start(vertx, true));
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    await(demo.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<Buffer> record(String persona, String nhs) {
    return await(client.get(demo.service.port(), "127.0.0.1", "/api/v1/patients/" + nhs + "/record")
        .putHeader("Accept", "application/json")
        .putHeader("Authorization", "Bearer " + demo.token(persona)).send());
  }

  private static String code(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("issue").getJsonObject(0).getJsonObject("details")
        .getJsonArray("coding").getJsonObject(0).getString("code");
  }

  private static List<JsonObject> sections(JsonObject document) {
    return document.getJsonArray("sections").stream().map(JsonObject.class::cast).toList();
  }

  private static Map<String, String> statuses(JsonObject document) {
    return document.getJsonArray("sources").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(s -> s.getString("source"), s -> s.getString("status")));
  }

  @Test
  void edDoctorSeesTheWholeRegionWithoutAnySensitiveItem() throws IOException {
    HttpResponse<Buffer> response = record("ed-doctor", RICH);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject document = response.bodyAsJsonObject();
    Set<String> organisationsWithData = sections(document).stream()
        .filter(s -> !s.getJsonArray("resources").isEmpty()).map(s -> s.getString("source")).collect(Collectors.toSet());
    assertThat(organisationsWithData).hasSizeGreaterThanOrEqualTo(10);
    assertThat(statuses(document)).containsEntry("889", "not-live").containsEntry("890", "not-live");
    assertThat(document.getString("standingStatement")).contains("does not mean it does not exist");

    String body = response.bodyAsString();
    Set<String> leaked = new HashSet<>(codesIn(body));
    leaked.retainAll(sensitiveCodes());
    assertThat(leaked).as("sensitive codes in the record").isEmpty();
    assertThat(body).doesNotContain("\"div\"").doesNotContain("v3-Confidentiality\",\"code\":\"R\"")
        .doesNotContain("confidential-items");

    // The test can fail: the same sources do hold sensitive items for this patient.
    String raw = await(client.getAbs(demo.simulator.baseUrl() + "/RXN/Condition")
        .addQueryParam("patient.identifier", "https://fhir.nhs.uk/Id/nhs-number|" + RICH).send()).bodyAsString();
    assertThat(codesIn(raw)).containsAnyElementsOf(KNOWN_SENSITIVE);
    // ... and ordinary care arrives: allergies, medicines, problems, encounters, results, letters.
    Set<String> types = sections(document).stream().flatMap(s -> s.getJsonArray("resources").stream())
        .map(r -> ((JsonObject) r).getString("resourceType")).collect(Collectors.toSet());
    assertThat(types).contains("Patient", "AllergyIntolerance", "MedicationStatement", "Condition", "Encounter",
        "Observation", "DocumentReference", "CarePlan", "Flag");
  }

  @Test
  void socialWorkerAndReceptionistSeeOnlyTheirSections() {
    JsonObject social = record("social-worker", RICH).bodyAsJsonObject();
    assertThat(sections(social).stream().map(s -> s.getString("section")).collect(Collectors.toSet()))
        .isSubsetOf("demographics", "alerts", "care-plans", "encounters").contains("care-plans");
    HttpResponse<Buffer> receptionist = record("receptionist", RICH);
    assertThat(receptionist.statusCode()).isEqualTo(200);
    assertThat(sections(receptionist.bodyAsJsonObject()).stream().map(s -> s.getString("section")).collect(Collectors.toSet()))
        .isSubsetOf("demographics", "alerts");
  }

  @Test
  void refusalsCarryTheirCodes() {
    assertThat(code(record("privacy-officer", RICH))).isEqualTo("ACCESS_DENIED");
    assertThat(code(record("not-live-council", RICH))).isEqualTo("NO_ORGANISATION_CONSENT");
    HttpResponse<Buffer> objected = record("ed-doctor", OBJECTED);
    assertThat(objected.statusCode()).isEqualTo(403);
    assertThat(code(objected)).isIn("NO_PATIENT_CONSENT", "NO_RELATIONSHIP");
    assertThat(code(record("ed-doctor", "9990000019"))).isEqualTo("INVALID_NHS_NUMBER");
    HttpResponse<Buffer> forged = await(client.get(demo.service.port(), "127.0.0.1", "/api/v1/patients/" + RICH + "/record")
        .putHeader("Authorization", "Bearer " + demo.token("ed-doctor") + "x").send());
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.bodyAsString()).contains("UNAUTHORISED").contains("signature");
  }

  @Test
  void breakGlassOpensARecordWithNoRelationshipAndIsAlertedToPrivacyOfficers() {
    assertThat(code(record("ed-doctor", NOBODY))).isEqualTo("NO_RELATIONSHIP");
    HttpResponse<Buffer> glass = await(client.post(demo.service.port(), "127.0.0.1", "/api/v1/patients/" + NOBODY + "/break-glass")
        .putHeader("Authorization", "Bearer " + demo.token("ed-doctor"))
        .sendJsonObject(new JsonObject().put("reasonCode", "emergency-treatment")
            .put("justification", "Unconscious patient brought in by ambulance, no history available.")));
    assertThat(glass.statusCode()).isEqualTo(201);
    HttpResponse<Buffer> after = record("ed-doctor", NOBODY);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(statuses(after.bodyAsJsonObject()).values()).doesNotContain("ok");
    assertThat(sections(after.bodyAsJsonObject())).allSatisfy(s -> assertThat(s.getJsonArray("resources")).isEmpty());

    HttpResponse<Buffer> alerts = await(client.get(demo.service.port(), "127.0.0.1", "/api/v1/audit/alerts")
        .putHeader("Authorization", "Bearer " + demo.token("privacy-officer")).send());
    assertThat(alerts.statusCode()).isEqualTo(200);
    assertThat(alerts.bodyAsString()).contains(NOBODY).contains("emergency-treatment");
    HttpResponse<Buffer> events = await(client.get(demo.service.port(), "127.0.0.1", "/api/v1/audit/AuditEvent")
        .addQueryParam("patient", NOBODY).putHeader("Authorization", "Bearer " + demo.token("privacy-officer")).send());
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.bodyAsString()).contains("110127").contains("ETREAT");
  }

  @Test
  void restrictedPatientHasNoAddressOrTelephoneAnywhere() {
    HttpResponse<Buffer> response = record("ed-doctor", RESTRICTED);
    assertThat(response.statusCode()).isEqualTo(200);
    String body = response.bodyAsString();
    assertThat(body).doesNotContain("\"address\"").doesNotContain("\"telecom\"").doesNotContain("generalPractitioner");
    // Nor which practice, care home, hospice or council holds them: those sources appear under aliases.
    assertThat(body).doesNotContain("P81901").doesNotContain("Primrose Bank").doesNotContain("Lancashire County Council")
        .doesNotContain("Hospice").contains("withheld-");
    assertThat(response.bodyAsJsonObject().getJsonArray("sources").stream().map(s -> ((JsonObject) s).getString("source")))
        .contains("RXN");
  }

  private static Set<String> codesIn(String json) {
    Set<String> codes = new HashSet<>();
    Matcher matcher = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    while (matcher.find()) {
      codes.add(matcher.group(1));
    }
    return codes;
  }

  private static Set<String> sensitiveCodes() throws IOException {
    Set<String> codes = new HashSet<>(KNOWN_SENSITIVE);
    try (Stream<Path> files = Files.list(demo.configDir.resolve("codes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".txt")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank() && !line.startsWith("#")) {
            codes.add(line.split("\t")[0].trim());
          }
        }
      }
    }
    return codes;
  }

}
