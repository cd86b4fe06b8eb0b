package io.shcr.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.List;

/**
 * The FHIR R4 resources a chart is made of, written the way UK systems write them. Each method adds
 * one resource (or a report with its results) to the chart and returns it for linking.
 */
final class Entries {

  static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
  static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
  static final String DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074";

  private Entries() {}

  static JsonObject problem(Chart chart, Code code, boolean active, LocalDate onset) {
    return condition(chart, code, active, onset, "problem-list-item", "Problem List Item");
  }

  static JsonObject diagnosis(Chart chart, Code code, LocalDate onset, JsonObject encounter) {
    JsonObject condition = condition(chart, code, false, onset, "encounter-diagnosis", "Encounter Diagnosis");
    return condition.put("encounter", chart.ref(encounter));
  }

  private static JsonObject condition(Chart chart, Code code, boolean active, LocalDate onset, String category, String display) {
    JsonObject condition = chart.add("Condition")
        .put("clinicalStatus", Fhir.clinicalStatus(active))
        .put("verificationStatus", Fhir.status("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"))
        .put("category", Fhir.array(Fhir.category(CONDITION_CATEGORY, category, display)))
        .put("code", code.concept())
        .put("onsetDateTime", onset.toString())
        .put("recordedDate", onset.toString());
    if (!active) {
      condition.put("abatementDateTime", onset.plusDays(14 + chart.random.nextInt(60)).toString());
    }
    return condition;
  }

  static JsonObject allergy(Chart chart, Code code, LocalDate recorded) {
    String category = code.display().contains("penicillin") ? "medication"
        : code.display().matches(".*(peanut|Shellfish).*") ? "food" : "environment";
    return chart.add("AllergyIntolerance")
        .put("clinicalStatus", Fhir.status("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"))
        .put("verificationStatus", Fhir.status("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed"))
        .put("category", Fhir.array(category))
        .put("code", code.concept())
        .put("recordedDate", recorded.toString());
  }

  /**
   * An encounter. {@code cls} is the v3 ActCode class (AMB, EMER, IMP, HH, VR); {@code service} the
   * treatment function, when the organisation records one.
   */
  static JsonObject encounter(Chart chart, String cls, Code type, Code service, LocalDate start, LocalDate end) {
    JsonObject encounter = chart.add("Encounter")
        .put("status", "finished")
        .put("class", Fhir.encounterClass(cls, classDisplay(cls)))
        .put("type", Fhir.array(type.concept()))
        .put("period", Fhir.period(start, end == null ? start : end))
        .put("serviceProvider", chart.self());
    if (service != null) {
      encounter.put("serviceType", service.concept());
    }
    return encounter;
  }

  private static String classDisplay(String cls) {
    return switch (cls) {
      case "EMER" -> "emergency";
      case "IMP" -> "inpatient encounter";
      case "HH" -> "home health";
      case "VR" -> "virtual";
      default -> "ambulatory";
    };
  }

  /** An authorised medicine: the MedicationRequest (plan) and the MedicationStatement based on it. */
  static JsonObject medicine(Chart chart, JsonObject medication, String dosage, LocalDate start, JsonObject reason) {
    JsonObject request = chart.add("MedicationRequest")
        .put("status", "active").put("intent", "plan")
        .put("medicationCodeableConcept", medication)
        .put("authoredOn", start.toString())
        .put("requester", chart.self())
        .put("dosageInstruction", Fhir.array(new JsonObject().put("text", dosage)));
    JsonObject statement = chart.add("MedicationStatement")
        .put("status", "active")
        .put("basedOn", Fhir.array(chart.ref(request)))
        .put("medicationCodeableConcept", medication)
        .put("effectivePeriod", Fhir.period(start, null))
        .put("dateAsserted", start.toString())
        .put("informationSource", chart.self())
        .put("dosage", Fhir.array(new JsonObject().put("text", dosage)));
    if (reason != null) {
      request.put("reasonReference", Fhir.array(chart.ref(reason)));
      statement.put("reasonReference", Fhir.array(chart.ref(reason)));
    }
    return statement;
  }

  /** A laboratory report with one Observation per test; values mostly within range. */
  static JsonObject labReport(Chart chart, Code panel, List<Codes.Test> tests, LocalDate date, JsonObject encounter) {
    JsonArray results = new JsonArray();
    for (Codes.Test test : tests) {
      double span = test.high() - test.low();
      double value = Math.round((test.low() + span * (chart.random.nextDouble() * 1.3 - 0.1)) * 10) / 10.0;
      JsonObject observation = chart.add("Observation")
          .put("status", "final")
          .put("category", Fhir.array(Fhir.category(OBSERVATION_CATEGORY, "laboratory", "Laboratory")))
          .put("code", test.code().concept())
          .put("effectiveDateTime", date.toString())
          .put("issued", date.plusDays(1) + "T09:30:00Z")
          .put("performer", Fhir.array(chart.self()))
          .put("valueQuantity", Fhir.quantity(value, test.unit()))
          .put("referenceRange", Fhir.array(new JsonObject()
              .put("low", Fhir.quantity(test.low(), test.unit())).put("high", Fhir.quantity(test.high(), test.unit()))));
      linkEncounter(chart, observation, encounter);
      results.add(chart.ref(observation));
    }
    return report(chart, panel, "LAB", "Laboratory", date, encounter).put("result", results);
  }

  /** A coded single-result test (such as an HIV test) and its report. */
  static JsonObject codedResult(Chart chart, Code test, Code value, LocalDate date, JsonObject encounter) {
    JsonObject observation = chart.add("Observation")
        .put("status", "final")
        .put("category", Fhir.array(Fhir.category(OBSERVATION_CATEGORY, "laboratory", "Laboratory")))
        .put("code", test.concept())
        .put("effectiveDateTime", date.toString())
        .put("performer", Fhir.array(chart.self()))
        .put("valueCodeableConcept", value.concept());
    linkEncounter(chart, observation, encounter);
    return report(chart, test, "LAB", "Laboratory", date, encounter).put("result", Fhir.array(chart.ref(observation)));
  }

  static JsonObject imagingReport(Chart chart, Code procedure, LocalDate date, String conclusion, JsonObject encounter) {
    return report(chart, procedure, "RAD", "Radiology", date, encounter).put("conclusion", conclusion);
  }

  private static JsonObject report(Chart chart, Code code, String service, String display, LocalDate date, JsonObject encounter) {
    JsonObject report = chart.add("DiagnosticReport")
        .put("status", "final")
        .put("category", Fhir.array(Fhir.category(DIAGNOSTIC_SERVICE, service, display)))
        .put("code", code.concept())
        .put("effectiveDateTime", date.toString())
        .put("issued", date.plusDays(1) + "T10:00:00Z")
        .put("performer", Fhir.array(chart.self()));
    linkEncounter(chart, report, encounter);
    return report;
  }

  private static void linkEncounter(Chart chart, JsonObject resource, JsonObject encounter) {
    if (encounter != null) {
      resource.put("encounter", chart.ref(encounter));
    }
  }

  /** A letter between organisations; {@code events} code what it is about (DocumentReference.context.event). */
  static JsonObject letter(Chart chart, Code type, String title, String text, LocalDate date, JsonObject encounter, Code... events) {
    JsonObject context = new JsonObject().put("period", Fhir.period(date, date));
    if (encounter != null) {
      context.put("encounter", Fhir.array(chart.ref(encounter)));
    }
    if (events.length > 0) {
      JsonArray coded = new JsonArray();
      for (Code event : events) {
        coded.add(event.concept());
      }
      context.put("event", coded);
    }
    return chart.add("DocumentReference")
        .put("status", "current")
        .put("type", type.concept())
        .put("date", date + "T12:00:00Z")
        .put("author", Fhir.array(chart.self()))
        .put("custodian", chart.self())
        .put("description", title)
        .put("content", Fhir.array(new JsonObject().put("attachment", Fhir.textAttachment(title, text))))
        .put("context", context);
  }

  static JsonObject referral(Chart chart, Code code, String service, LocalDate date, JsonObject reason, Code reasonCode) {
    JsonObject referral = chart.add("ServiceRequest")
        .put("status", date.isBefore(Population.AS_OF.minusDays(90)) ? "completed" : "active")
        .put("intent", "order")
        .put("category", Fhir.array(Codes.REFERRAL.concept()))
        .put("code", new JsonObject().put("coding", Fhir.array(code.coding())).put("text", service))
        .put("authoredOn", date.toString())
        .put("requester", chart.self());
    if (reason != null) {
      referral.put("reasonReference", Fhir.array(chart.ref(reason)));
    }
    if (reasonCode != null) {
      referral.put("reasonCode", Fhir.array(reasonCode.concept()));
    }
    return referral;
  }

  static JsonObject flag(Chart chart, Code code, LocalDate start) {
    return chart.add("Flag")
        .put("status", "active")
        .put("category", Fhir.array(Fhir.category("http://terminology.hl7.org/CodeSystem/flag-category", "clinical", "Clinical")))
        .put("code", code.concept())
        .put("period", new JsonObject().put("start", start.toString()))
        .put("author", chart.self());
  }

  static JsonObject carePlan(Chart chart, String title, String description, LocalDate start, String... activities) {
    JsonArray activity = new JsonArray();
    for (String text : activities) {
      activity.add(new JsonObject().put("detail", new JsonObject().put("status", "in-progress").put("description", text)));
    }
    return chart.add("CarePlan")
        .put("status", "active")
        .put("intent", "plan")
        .put("category", Fhir.array(Codes.CARE_PLAN.concept()))
        .put("title", title)
        .put("description", description)
        .put("period", Fhir.period(start, null))
        .put("created", start.toString())
        .put("author", chart.self())
        .put("activity", activity);
  }

  static JsonObject immunisation(Chart chart, Code vaccine, LocalDate date) {
    return chart.add("Immunization")
        .put("status", "completed")
        .put("vaccineCode", vaccine.concept())
        .put("occurrenceDateTime", date.toString())
        .put("primarySource", true)
        .put("performer", Fhir.array(new JsonObject().put("actor", chart.self())));
  }
}
