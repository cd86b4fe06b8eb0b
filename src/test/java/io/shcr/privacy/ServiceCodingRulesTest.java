package io.shcr.privacy;

import static io.shcr.privacy.SampleRecord.concept;
import static io.shcr.privacy.SampleRecord.ref;
import static io.shcr.privacy.SensitiveCodeRulesTest.FILTER;
import static io.shcr.privacy.SensitiveCodeRulesTest.SNOMED;
import static io.shcr.privacy.SensitiveCodeRulesTest.observation;
import static io.shcr.privacy.SensitiveCodeRulesTest.released;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.shcr.fhir.ResourceIndex;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * Service codings with the shipped rules: a clinic, service, specialty or care setting is judged under every
 * URI the NHS writes it with, and one in a system we do not know is withheld (fail closed), in every governed
 * field, contained resources and service extensions included, while codes elsewhere keep their usual rules.
 */
class ServiceCodingRulesTest {

  static final String TREATMENT_FUNCTION = "https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function";
  static final String LOCAL = "https://trust.example.nhs.uk/CodeSystem/clinic";

  static JsonObject encounter(String id) {
    return new JsonObject().put("resourceType", "Encounter").put("id", id).put("status", "finished")
        .put("subject", ref("Patient/p1"));
  }

  static JsonObject letter(String id) {
    return new JsonObject().put("resourceType", "DocumentReference").put("id", id).put("status", "current")
        .put("type", concept(SNOMED, "371531000", "Report of clinical encounter")).put("subject", ref("Patient/p1"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function, 360, false",
      "https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function, 504, false",
      "https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function, 300, true",
      "https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function, 502, true",
      "HTTPS://FHIR.NHS.UK/CodeSystem/NHSDataModelAndDictionary-treatment-function/, 360, false",
      "https://fhir.nhs.uk/CodeSystem/Specialty-1, 360, false",
      "https://fhir.nhs.uk/CodeSystem/Specialty-1, 110, true",
      "https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1, 360, false",
      "https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1, 320, true",
      "http://snomed.info/sct, 893131000000100, false",   // genitourinary medicine service
      "http://snomed.info/sct, 394579002, true",          // cardiology
      "https://trust.example.nhs.uk/CodeSystem/clinic, GUM, false",
      "https://trust.example.nhs.uk/CodeSystem/clinic, CARDIO, false",  // unknown system: any code withheld
      "https://fhir.nhs.uk/CodeSystem/NHSDigital-ClinicType, 1, false", // seen in the NHS, deliberately not known
      "http://terminology.hl7.org/CodeSystem/service-type, 124, false",
      "http://read.info/readv2, 9N1.., false",           // known for its codes, not for its services
      "urn:oid:2.16.840.1.113883.2.1.3.2.4.17.999, 360, false" // a treatment function under an OID we cannot confirm
  })
  void judgesAnEncounterServiceTypeUnderEveryUriAndWithholdsUnknownSystems(String system, String code, boolean expected) {
    assertThat(released(encounter("e1").put("serviceType", concept(system, code, "clinic")))).isEqualTo(expected);
  }

  @Test
  void encounterTypeIsAServiceCodingBecauseFeedsCodeTheSpecialtyThere() {
    JsonObject gum = encounter("e1").put("type", new JsonArray().add(concept("https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1", "360", "GUM")));
    JsonObject local = encounter("e2").put("type", new JsonArray().add(concept(LOCAL, "OPD", "Outpatient")));
    JsonObject snomed = encounter("e3").put("type", new JsonArray().add(concept(SNOMED, "11429006", "Consultation")));
    JsonObject textOnly = encounter("e4").put("type", new JsonArray().add(new JsonObject().put("text", "Care Act 2014 needs assessment")));
    JsonObject classOnly = encounter("e5").put("class", new JsonObject()
        .put("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode").put("code", "AMB"));
    assertThat(released(gum)).isFalse();
    assertThat(released(local)).isFalse();
    assertThat(released(snomed)).isTrue();
    assertThat(released(textOnly)).as("no coding at all: free text is not judged").isTrue();
    assertThat(released(classOnly)).as("Encounter.class is not a service coding").isTrue();
  }

  @Test
  void aCodingWithoutASystemInAServiceFieldIsWithheld() {
    JsonObject noSystem = encounter("e1").put("serviceType", new JsonObject().put("coding", new JsonArray()
        .add(new JsonObject().put("code", "360").put("display", "GUM"))));
    JsonObject blankSystem = encounter("e2").put("serviceType", concept(" ", "300", "Medicine"));
    JsonObject secondCodingUnknown = encounter("e3").put("serviceType", new JsonObject().put("coding", new JsonArray()
        .add(new JsonObject().put("system", TREATMENT_FUNCTION).put("code", "300"))
        .add(new JsonObject().put("system", LOCAL).put("code", "X"))));
    assertThat(released(noSystem)).isFalse();
    assertThat(released(blankSystem)).isFalse();
    assertThat(released(secondCodingUnknown)).as("every coding of the field must be known").isFalse();
    assertThat(released(encounter("e4").put("serviceType", "360"))).as("a bare string cannot be judged").isFalse();
    assertThat(released(encounter("e5").put("serviceType", new JsonArray().add(360)))).isFalse();
    assertThat(released(letter("d1").put("context", new JsonObject().put("practiceSetting", "GUM")))).isFalse();
  }

  @Test
  void documentPracticeSettingAndFacilityTypeWhereverTheSourcePutsThem() {
    JsonObject contextGum = letter("d1").put("context", new JsonObject().put("practiceSetting", concept(TREATMENT_FUNCTION, "360", "GUM")));
    JsonObject topLevelGum = letter("d2").put("practiceSetting", concept(TREATMENT_FUNCTION, "360", "GUM"));
    JsonObject topLevelOrdinary = letter("d3").put("practiceSetting", concept(TREATMENT_FUNCTION, "320", "Cardiology"));
    JsonObject facilityUnknown = letter("d4").put("context", new JsonObject().put("facilityType", concept(LOCAL, "CLINIC-7", "x")));
    JsonObject facilitySnomed = letter("d5").put("context", new JsonObject().put("facilityType", concept(SNOMED, "22232009", "Hospital")));
    JsonObject typeLocal = letter("d6").put("type", concept(LOCAL, "LETTER", "Letter"));
    assertThat(released(contextGum)).isFalse();
    assertThat(released(topLevelGum)).isFalse();
    assertThat(released(topLevelOrdinary)).isTrue();
    assertThat(released(facilityUnknown)).isFalse();
    assertThat(released(facilitySnomed)).isTrue();
    assertThat(released(typeLocal)).as("the document's type is a clinical code, judged by the lists only").isTrue();
  }

  @Test
  void referralsAppointmentsAndServicesAreJudgedByTheirServiceFields() {
    JsonObject referral = new JsonObject().put("resourceType", "ServiceRequest").put("id", "s1").put("status", "active")
        .put("intent", "order").put("subject", ref("Patient/p1"))
        .put("category", new JsonArray().add(concept(SNOMED, "306206005", "Referral to service")));
    JsonObject toUnknownPerformer = referral.copy().put("id", "s2")
        .put("performerType", concept(LOCAL, "SH", "Sexual health"));
    JsonObject toGumPerformer = referral.copy().put("id", "s3")
        .put("performerType", concept("https://fhir.nhs.uk/CodeSystem/Specialty-1", "360", "GUM"));
    JsonObject locationUnknown = referral.copy().put("id", "s4")
        .put("locationCode", new JsonArray().add(concept("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "GYN", "Gynecology clinic")));
    JsonObject stu3Referral = new JsonObject().put("resourceType", "ReferralRequest").put("id", "r1")
        .put("specialty", concept("http://hl7.org/fhir/practitioner-specialty", "cardio", "Cardiologist"));
    JsonObject stu3Unknown = stu3Referral.copy().put("id", "r2").put("serviceRequested", new JsonArray().add(concept(LOCAL, "GUM", "GUM")));
    JsonObject appointment = new JsonObject().put("resourceType", "Appointment").put("id", "a1").put("status", "booked")
        .put("serviceCategory", new JsonArray().add(concept(TREATMENT_FUNCTION, "110", "Trauma and orthopaedics")));
    JsonObject eRsClinic = appointment.copy().put("id", "a2")
        .put("serviceCategory", new JsonArray().add(concept("https://fhir.nhs.uk/CodeSystem/NHSDigital-ClinicType", "42", "clinic")));
    JsonObject service = new JsonObject().put("resourceType", "HealthcareService").put("id", "h1")
        .put("specialty", new JsonArray().add(concept(LOCAL, "SH", "x")));
    assertThat(released(referral)).isTrue();
    assertThat(released(toUnknownPerformer)).isFalse();
    assertThat(released(toGumPerformer)).isFalse();
    assertThat(released(locationUnknown)).isFalse();
    assertThat(released(stu3Referral)).isTrue();
    assertThat(released(stu3Unknown)).isFalse();
    assertThat(released(appointment)).isTrue();
    assertThat(released(eRsClinic)).isFalse();
    assertThat(released(service)).isFalse();
  }

  @Test
  void containedResourcesAreJudgedByTheirOwnType() {
    JsonObject contained = encounter("e1")
        .put("contained", new JsonArray().add(new JsonObject().put("resourceType", "HealthcareService").put("id", "svc")
            .put("type", new JsonArray().add(concept(LOCAL, "SH", "clinic")))))
        .put("serviceType", new JsonObject().put("coding", new JsonArray()).put("text", "Outpatients"));
    JsonObject containedLocation = observation("o1").put("contained", new JsonArray().add(new JsonObject()
        .put("resourceType", "Location").put("id", "loc").put("type", new JsonArray().add(concept(LOCAL, "CLINIC", "x")))));
    JsonObject containedKnown = encounter("e2").put("contained", new JsonArray().add(new JsonObject()
        .put("resourceType", "PractitionerRole").put("id", "pr").put("specialty", new JsonArray()
            .add(concept(TREATMENT_FUNCTION, "300", "General medicine")))));
    assertThat(released(contained)).isFalse();
    assertThat(released(containedLocation)).isFalse();
    assertThat(released(containedKnown)).isTrue();
  }

  @Test
  void aServiceCodingBelowTheFieldOrInAServiceExtensionCounts() {
    // A feed that puts its own specialty context in an extension of Encounter.type.
    JsonObject extended = encounter("e1").put("type", new JsonArray().add(concept(SNOMED, "11429006", "Consultation")
        .put("extension", new JsonArray().add(new JsonObject().put("url", "https://trust.example.nhs.uk/Extension-Specialty")
            .put("valueCodeableConcept", concept(LOCAL, "GUM", "GUM"))))));
    JsonObject reference = encounter("e2").put("serviceType", new JsonArray().add(new JsonObject()
        .put("concept", concept(LOCAL, "SH", "x"))));
    JsonObject taskExtensionGum = observation("o1").put("extension", new JsonArray().add(new JsonObject()
        .put("url", "https://fhir.nhs.uk/StructureDefinition/Extension-Task-TreatmentFunction")
        .put("valueCoding", new JsonObject().put("system", "https://fhir.nhs.uk/CodeSystem/Specialty-1").put("code", "360"))));
    JsonObject taskExtensionOrdinary = observation("o2").put("extension", new JsonArray().add(new JsonObject()
        .put("url", "https://fhir.nhs.uk/StructureDefinition/Extension-Task-TreatmentFunction")
        .put("valueCoding", new JsonObject().put("system", "https://fhir.nhs.uk/CodeSystem/Specialty-1").put("code", "330"))));
    JsonObject taskExtensionUnknown = observation("o3").put("extension", new JsonArray().add(new JsonObject()
        .put("url", "https://fhir.nhs.uk/StructureDefinition/Extension-Task-TreatmentFunction")
        .put("valueCoding", new JsonObject().put("system", LOCAL).put("code", "330"))));
    assertThat(released(extended)).isFalse();
    assertThat(released(reference)).isFalse();
    assertThat(released(taskExtensionGum)).isFalse();
    assertThat(released(taskExtensionOrdinary)).isTrue();
    assertThat(released(taskExtensionUnknown)).isFalse();
  }

  @Test
  void unknownSystemsOutsideServiceFieldsKeepTheUsualRules() {
    JsonObject localTest = observation("o1").put("code", concept(LOCAL, "LOCAL-BP", "Blood pressure"));
    JsonObject reportLab = new JsonObject().put("resourceType", "DiagnosticReport").put("id", "r1").put("status", "final")
        .put("category", new JsonArray().add(concept("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "Laboratory")));
    JsonObject reportStu3Lab = reportLab.copy().put("id", "r2")
        .put("category", new JsonArray().add(concept("http://hl7.org/fhir/v2/0074", "MB", "Microbiology")));
    JsonObject reportLocalDepartment = reportLab.copy().put("id", "r3")
        .put("category", new JsonArray().add(concept(LOCAL, "GUMLAB", "Clinic laboratory")));
    assertThat(released(localTest)).isTrue();
    assertThat(released(reportLab)).isTrue();
    assertThat(released(reportStu3Lab)).isTrue();
    assertThat(released(reportLocalDepartment)).as("DiagnosticReport.category is the department").isFalse();
  }

  @Test
  void whatAnUnknownClinicVisitProducedIsWithheldWithIt() {
    JsonObject visit = encounter("visit").put("serviceType", concept(LOCAL, "SH", "clinic"));
    JsonObject result = observation("result").put("encounter", ref("Encounter/visit"));
    JsonObject letter = letter("letter").put("context", new JsonObject().put("encounter", new JsonArray().add(ref("Encounter/visit"))));
    JsonObject other = observation("other");
    List<JsonObject> batch = List.of(visit, result, letter, other);
    var out = FILTER.filter(batch, ResourceIndex.of(batch));
    assertThat(out.released()).extracting(r -> r.getString("id")).containsExactly("other");
  }

  @Test
  void codingsThatCannotBeComparedAreWithheld() {
    JsonObject numericCode = observation("o1").put("code", new JsonObject().put("coding", new JsonArray()
        .add(new JsonObject().put("system", SNOMED).put("code", 86406008L))));
    JsonObject systemAsList = observation("o2").put("code", new JsonObject().put("coding", new JsonArray()
        .add(new JsonObject().put("system", new JsonArray().add(SNOMED)).put("code", "86406008"))));
    JsonObject objectCode = observation("o3").put("valueCodeableConcept", new JsonObject().put("coding", new JsonArray()
        .add(new JsonObject().put("system", SNOMED).put("code", new JsonObject().put("value", "86406008")))));
    JsonObject quantity = observation("o4").put("valueQuantity", new JsonObject().put("value", 135).put("unit", "g/L")
        .put("system", "http://unitsofmeasure.org").put("code", "g/L"));
    assertThat(released(numericCode)).isFalse();
    assertThat(released(systemAsList)).isFalse();
    assertThat(released(objectCode)).isFalse();
    assertThat(released(quantity)).as("a Quantity's number is not a code").isTrue();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "http://snomed.info/sct/83821000000107, 86406008, false",                   // UK edition URI as the system
      "http://snomed.info/sct/83821000000107/version/20250101, 86406008, false",  // and with its version
      "http://snomed.info/sct/83821000000107/version/20250101, 38341003, true",   // an ordinary code under it
      "https://fhir.nhs.uk/CodeSystem/Specialty-1/, 360, false",                   // trailing slash
      "http://snomed.info/sctx, 86406008, true",                                   // not a segment below SNOMED CT
      "http://snomed.info, 86406008, true",                                        // nor above it
      "2.16.840.1.113883.6.96, 86406008, false",                                   // a bare OID, without urn:oid:
      "2.16.840.1.113883.6.96.1, 86406008, true"                                   // another OID
  })
  void aUriBelowAConfiguredSystemIsThatSystem(String system, String code, boolean expected) {
    assertThat(released(observation("o1").put("code", concept(system, code, "x")))).isEqualTo(expected);
  }

  @Test
  void aServiceCodingUnderASnomedEditionUriIsKnown() {
    assertThat(released(encounter("e1").put("serviceType", concept("http://snomed.info/sct/83821000000107", "394579002", "Cardiology"))))
        .isTrue();
    assertThat(released(encounter("e2").put("serviceType", concept("http://snomed.info/sct/83821000000107", "893131000000100", "GUM"))))
        .isFalse();
  }

  @Test
  void startUpNamesTheGovernedFieldsAndTheKnownAndUnknownSystems() {
    List<String> summary = RuleBasedPrivacyFilter.load(java.nio.file.Path.of("conf")).serviceCodingSummary();
    assertThat(summary).hasSize(3);
    assertThat(summary.get(0)).contains("Encounter.serviceType", "Encounter.type", "DocumentReference.context.practiceSetting",
        "DocumentReference.practiceSetting", "ServiceRequest.performerType", "Appointment.serviceType", "HealthcareService.type",
        "EpisodeOfCare.type", "Extension-Task-TreatmentFunction");
    assertThat(summary.get(1)).contains(TREATMENT_FUNCTION, "https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1", SNOMED);
    assertThat(summary.get(2)).contains("NHSDigital-ClinicType", "http://read.info/readv2", "http://hl7.org/fhir/sid/icd-10",
        "every system not listed").doesNotContain(SNOMED + ",");
  }

  @Test
  void anUnknownSystemIsNamedOnceAndOnlyAsASafeUri() {
    Logger logger = (Logger) LoggerFactory.getLogger(UnknownSystemLog.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      UnknownSystemLog log = new UnknownSystemLog();
      log.seen("https://trust.example.nhs.uk/CodeSystem/clinic");
      log.seen("https://trust.example.nhs.uk/CodeSystem/clinic");
      log.seen("https://x.example/HIV 9990000018?patient=9990000018#frag");
      assertThat(appender.list).hasSize(2);
      assertThat(appender.list.get(0).getFormattedMessage()).contains("https://trust.example.nhs.uk/CodeSystem/clinic");
      assertThat(appender.list.get(1).getFormattedMessage()).contains("https://x.example/HIV?#")
          .doesNotContain("9990000018").doesNotContain("patient=");
      for (int i = 0; i < UnknownSystemLog.MAX_NAMED + 50; i++) {
        log.seen("https://flood.example/" + i);
      }
      assertThat(log.namedCount()).isEqualTo(UnknownSystemLog.MAX_NAMED);
      assertThat(appender.list).hasSize(UnknownSystemLog.MAX_NAMED + 1);
      assertThat(appender.list.get(appender.list.size() - 1).getFormattedMessage()).contains("further ones are withheld");
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void theFilterNamesTheUnknownSystemItMeets() {
    Logger logger = (Logger) LoggerFactory.getLogger(UnknownSystemLog.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      String system = "https://named-once.example.nhs.uk/CodeSystem/clinic";
      assertThat(released(encounter("e1").put("serviceType", concept(system, "A", "x")))).isFalse();
      assertThat(released(encounter("e2").put("serviceType", concept(system, "B", "y")))).isFalse();
      assertThat(appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(system))).hasSize(1);
      assertThat(appender.list.get(0).getFormattedMessage()).doesNotContain("\"A\"").doesNotContain("e1");
    } finally {
      logger.detachAppender(appender);
    }
  }
}
