package io.shcr.simulator;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;

/**
 * What the organisations outside the NHS trusts and practices hold: a council's needs assessment and
 * care package, a hospice's end-of-life plan, DNACPR decision and palliative care contacts, a care
 * home's residential care plan and falls alert, and a drug and alcohol service's treatment episode.
 */
final class CommunityHistory {

  private CommunityHistory() {}

  static void write(Chart chart) {
    switch (chart.org.kind()) {
      case SOCIAL_CARE -> council(chart);
      case HOSPICE -> hospice(chart);
      case CARE_HOME -> careHome(chart);
      case SUBSTANCE_MISUSE -> drugAndAlcohol(chart);
      default -> { }
    }
  }

  private static void council(Chart chart) {
    LocalDate assessed = chart.withinDays(900);
    Entries.encounter(chart, "HH", Codes.PATIENT_ENCOUNTER, null, assessed, assessed)
        .put("type", Fhir.array(new JsonObject().put("text", "Care Act 2014 needs assessment")));
    Entries.carePlan(chart, "Home care package", "Adult social care support agreed after a needs assessment.",
        assessed.plusDays(21),
        "Two home care visits a day for personal care",
        "Meals on wheels, weekdays",
        "Review by the social worker in twelve months");
  }

  private static void hospice(Chart chart) {
    LocalDate referred = chart.withinDays(400);
    Entries.flag(chart, Codes.NOT_FOR_RESUSCITATION, referred.plusDays(7))
        .put("category", Fhir.array(new JsonObject().put("text", "DNACPR decision")));
    Entries.carePlan(chart, "End of life care plan", "Advance care plan agreed with the patient and family.",
        referred.plusDays(10),
        "Preferred place of care and death: home",
        "Anticipatory medicines prescribed and in the home",
        "Hospice at home team visits; 24-hour advice line");
    int visits = 1 + chart.random.nextInt(4);
    for (int i = 0; i < visits; i++) {
      LocalDate date = referred.plusDays(3L + chart.random.nextInt(120));
      Entries.encounter(chart, "HH", Codes.PATIENT_ENCOUNTER, Codes.TF_PALLIATIVE, date, date);
    }
    Entries.letter(chart, Codes.CLINICAL_LETTER, "Advance care planning summary",
        "Summary of the advance care planning conversation and the decisions recorded.", referred.plusDays(12), null);
  }

  private static void careHome(Chart chart) {
    LocalDate admitted = chart.withinDays(1000);
    Entries.flag(chart, Codes.AT_RISK_OF_FALLS, admitted);
    Entries.encounter(chart, "HH", Codes.PATIENT_ENCOUNTER, null, admitted, null)
        .put("status", "in-progress")
        .put("type", Fhir.array(new JsonObject().put("text", "Residential care admission")));
    Entries.carePlan(chart, "Residential care plan", "Day-to-day care and support in the home.", admitted,
        "Assistance with washing and dressing each morning",
        "Walking frame at all times; night checks every two hours",
        "Monthly weight and nutrition review");
  }

  private static void drugAndAlcohol(Chart chart) {
    LocalDate started = chart.withinDays(700);
    boolean opioids = chart.chance(0.6) || chart.patient.nhsNumber().value().equals(Population.RICH);
    JsonObject dependence = Entries.problem(chart, opioids ? Codes.OPIOID_DEPENDENCE : Codes.ALCOHOL_DEPENDENCE, true, started);
    Entries.carePlan(chart, "Recovery plan (treatment episode)", "Structured treatment episode with a named key worker.",
        started,
        opioids ? "Opioid substitution therapy: methadone oral solution, supervised consumption"
            : "Community alcohol detoxification followed by relapse prevention",
        "Key worker appointment every two weeks",
        "Blood-borne virus testing and vaccination offered")
        .put("addresses", Fhir.array(chart.ref(dependence)));
    int sessions = 2 + chart.random.nextInt(3);
    for (int i = 0; i < sessions; i++) {
      LocalDate date = started.plusDays(14L * (i + 1));
      Entries.encounter(chart, "AMB", Codes.PATIENT_ENCOUNTER, null, date, date)
          .put("type", Fhir.array(new JsonObject().put("text", "Key worker session")))
          .put("reasonReference", Fhir.array(chart.ref(dependence)));
    }
  }
}
