package io.shcr.simulator;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;

/**
 * What an acute trust holds: A&E attendances, emergency admissions with their diagnoses, discharge
 * summaries, discharge medicines and blood results, outpatient clinic contacts and letters, imaging,
 * alerts, allergies recorded on admission and onward referrals. A patient's sexual and reproductive
 * health care sits at their local trust ({@link SensitiveHistory#atHospital}).
 */
final class HospitalHistory {

  private HospitalHistory() {}

  static void write(Chart chart) {
    for (Code allergy : GpHistory.allergiesOf(chart.patient)) {
      Entries.allergy(chart, allergy, chart.withinDays(2000));
    }
    alerts(chart);
    int attendances = 1 + chart.random.nextInt(3);
    boolean demo = chart.patient.nhsNumber().value().equals(Population.RICH);
    for (int i = 0; i < attendances; i++) {
      emergency(chart, demo && i == 0);
    }
    int clinics = chart.random.nextInt(3);
    for (int i = 0; i < clinics; i++) {
      outpatient(chart);
    }
    if (chart.chance(0.3)) {
      Entries.imagingReport(chart, chart.pick(Codes.IMAGING), chart.withinDays(900), "No acute abnormality demonstrated.", null);
    }
    if (chart.patient.confidentialAtSource()) {
      LocalDate date = chart.withinDays(700);
      JsonObject contact = Entries.encounter(chart, "AMB", Codes.CONSULTATION, Codes.OUTPATIENT_SERVICES.get(0), date, date);
      chart.confidential(Entries.diagnosis(chart, Codes.MENTAL_HEALTH.get(4), date, contact));
    }
    SensitiveHistory.atHospital(chart);
  }

  private static void alerts(Chart chart) {
    if (chart.age() >= 75) {
      Entries.flag(chart, Codes.AT_RISK_OF_FALLS, chart.withinDays(700));
    }
    if (chart.patient.chronic().contains(12)) {
      Entries.flag(chart, Codes.CHRONIC.get(12).condition(), chart.withinDays(1500));
    }
  }

  private static void emergency(Chart chart, boolean admitted) {
    LocalDate date = chart.withinDays(1800);
    Code complaint = chart.pick(Codes.PRESENTING_COMPLAINTS);
    JsonObject attendance = Entries.encounter(chart, "EMER", Codes.EMERGENCY_VISIT, Codes.TF_EMERGENCY, date, date)
        .put("reasonCode", Fhir.array(complaint.concept()));
    Entries.labReport(chart, Codes.FULL_BLOOD_COUNT, Codes.BLOOD_COUNT, date, attendance);
    if (!chart.chance(0.45) && !admitted) {
      return;
    }
    LocalDate discharged = date.plusDays(1 + chart.random.nextInt(8));
    JsonObject admission = Entries.encounter(chart, "IMP", Codes.EMERGENCY_ADMISSION, Codes.OUTPATIENT_SERVICES.get(0), date, discharged)
        .put("reasonCode", Fhir.array(complaint.concept()))
        .put("partOf", chart.ref(attendance))
        .put("hospitalization", new JsonObject().put("dischargeDisposition", new JsonObject().put("text", "Discharged home")));
    Code diagnosis = chart.patient.chronic().isEmpty() || chart.chance(0.5)
        ? complaint : Codes.CHRONIC.get(chart.pick(chart.patient.chronic())).condition();
    Entries.diagnosis(chart, diagnosis, date, admission);
    Entries.labReport(chart, Codes.UREA_AND_ELECTROLYTES, Codes.RENAL, date, admission);
    for (int index : chart.patient.chronic()) {
      Codes.Chronic chronic = Codes.CHRONIC.get(index);
      if (chronic.medicine() != null) {
        boolean brand = FixedPatients.recordsBrand(chart.patient, chart.org.ods(), index);
        Entries.medicine(chart, brand ? Codes.AMLODIPINE_BRAND.concept() : chronic.medicine().concept(),
            brand ? FixedPatients.BRAND_DOSE : chronic.dosage(), discharged, null);
      }
    }
    Entries.letter(chart, Codes.DISCHARGE_SUMMARY, "Discharge summary",
        "Admitted as an emergency with " + complaint.display().toLowerCase() + ". Investigated and treated; "
            + "discharged home on usual medicines with GP follow-up.", discharged, admission, diagnosis);
    if (chart.chance(0.4)) {
      Entries.referral(chart, Codes.REFERRAL, "Referral to community physiotherapy", discharged, null, complaint);
    }
  }

  private static void outpatient(Chart chart) {
    LocalDate date = chart.withinDays(1200);
    Code service = chart.pick(Codes.OUTPATIENT_SERVICES);
    JsonObject clinic = Entries.encounter(chart, "AMB", Codes.CONSULTATION, service, date, date);
    Entries.letter(chart, Codes.CLINICAL_LETTER, service.display() + " clinic letter",
        "Reviewed in the " + service.display() + " clinic. Plan discussed with the patient; letter copied to the GP.",
        date.plusDays(5), clinic);
  }
}
