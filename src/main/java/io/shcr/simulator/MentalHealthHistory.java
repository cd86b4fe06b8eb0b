package io.shcr.simulator;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;

/**
 * What the mental health and community trust holds: diagnoses, community mental health team
 * contacts, risk alerts, a crisis and contingency plan, clinic letters (a psychology report marked
 * confidential at source when the patient has such items), medicines and referrals.
 */
final class MentalHealthHistory {

  private MentalHealthHistory() {}

  static void write(Chart chart) {
    SyntheticPatient p = chart.patient;
    Code diagnosis = p.chronic().contains(5) ? Codes.MENTAL_HEALTH.get(0)
        : p.chronic().contains(6) ? Codes.MENTAL_HEALTH.get(1) : chart.pick(Codes.MENTAL_HEALTH);
    LocalDate referred = chart.withinDays(1500);
    JsonObject condition = Entries.problem(chart, diagnosis, true, referred);
    int contacts = 2 + chart.random.nextInt(4);
    JsonObject last = null;
    for (int i = 0; i < contacts; i++) {
      LocalDate date = referred.plusDays(14L + chart.random.nextInt(400));
      last = Entries.encounter(chart, chart.chance(0.3) ? "HH" : "AMB", Codes.PATIENT_ENCOUNTER, Codes.TF_ADULT_MENTAL_ILLNESS, date, date)
          .put("reasonReference", Fhir.array(chart.ref(condition)));
    }
    if (chart.chance(0.4) || p.nhsNumber().value().equals(Population.RICH)) {
      Entries.flag(chart, Codes.AT_RISK_OF_SUICIDE, referred.plusDays(20));
    }
    Entries.carePlan(chart, "Crisis and contingency plan",
        "What to do if things get worse: early warning signs, who to contact and what helps.", referred.plusDays(30),
        "Contact the crisis line (24 hours) if early warning signs return",
        "Care coordinator contact every two weeks",
        "Family member to be contacted with consent if in crisis");
    Entries.letter(chart, Codes.CLINICAL_LETTER, "Community mental health team letter",
        "Reviewed by the community mental health team. Mood and risk reviewed; plan agreed.", referred.plusDays(40), last);
    if (p.confidentialAtSource()) {
      chart.confidential(Entries.letter(chart, Codes.CLINICAL_LETTER, "Psychology assessment report",
          "Detailed psychological assessment. Shared only with the treating team.", referred.plusDays(90), last));
    }
    if (diagnosis.equals(Codes.MENTAL_HEALTH.get(0))) {
      Entries.medicine(chart, Codes.CHRONIC.get(5).medicine().concept(), Codes.CHRONIC.get(5).dosage(), referred, condition);
    }
    if (chart.chance(0.5)) {
      Entries.referral(chart, Codes.REFERRAL, "Referral to psychological therapies", referred.plusDays(60), condition, null);
    }
  }
}
