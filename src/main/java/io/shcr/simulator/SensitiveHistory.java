package io.shcr.simulator;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;

/**
 * Where sensitive items really sit in a record (../shared/reference/sensitive-data.md): on the GP
 * problem list, in a medicine prescribed for a sensitive condition, in referrals, and at the local
 * hospital as a sexual health (GUM, treatment function 360) clinic contact with its results and letter,
 * a gynaecology day case, fertility clinic letters and gender identity correspondence.
 *
 * <p>Every item written here is recorded as one that must never be shown ({@link Disclosure}): what
 * records the sensitive care itself as {@code sensitive}, what is ordinary in itself but tied to it (an
 * antiretroviral whose reason is HIV) as {@code linked}. The free text written here (referral and letter
 * titles, attachments) sits only on such items.
 */
final class SensitiveHistory {

  private SensitiveHistory() {}

  static void atPractice(Chart chart) {
    SyntheticPatient p = chart.patient;
    if (p.has(Sensitive.STI)) {
      LocalDate date = chart.withinDays(1500);
      try (var s = chart.writing(Disclosure.sensitive(Sensitive.STI))) {
        JsonObject chlamydia = Entries.problem(chart, Codes.CHLAMYDIA, false, date);
        try (var linked = chart.writing(Disclosure.linkedTo(Sensitive.STI))) {
          JsonObject visit = Entries.encounter(chart, "AMB", Codes.GP_CONSULTATIONS.get(1), null, date, date);
          visit.put("reasonReference", Fhir.array(chart.ref(chlamydia)));
        }
        Entries.referral(chart, Codes.STI_SCREEN_REFERRAL, "Referral to sexual health clinic", date, chlamydia, null);
      }
    }
    if (p.has(Sensitive.HIV)) {
      JsonObject hiv;
      try (var s = chart.writing(Disclosure.sensitive(Sensitive.HIV))) {
        hiv = Entries.problem(chart, Codes.HIV, true, chart.sometime());
      }
      try (var s = chart.writing(Disclosure.linkedTo(Sensitive.HIV))) {
        JsonObject medicine = new JsonObject()
            .put("text", "Bictegravir 50mg / Emtricitabine 200mg / Tenofovir alafenamide 25mg tablets");
        Entries.medicine(chart, medicine, "One tablet once a day", LocalDate.parse(hiv.getString("onsetDateTime")), hiv);
      }
    }
    if (p.has(Sensitive.TERMINATION_OF_PREGNANCY)) {
      try (var s = chart.writing(Disclosure.sensitive(Sensitive.TERMINATION_OF_PREGNANCY))) {
        LocalDate date = chart.sometime();
        JsonObject top = Entries.problem(chart, Codes.TERMINATION, false, date);
        Entries.referral(chart, Codes.TOP_COUNSELLING_REFERRAL, "Referral to pregnancy advisory service", date.minusDays(10), top, null);
      }
    }
    if (p.has(Sensitive.ASSISTED_CONCEPTION)) {
      try (var s = chart.writing(Disclosure.sensitive(Sensitive.ASSISTED_CONCEPTION))) {
        LocalDate date = chart.sometime();
        Entries.problem(chart, Codes.IVF, false, date);
        Entries.referral(chart, Codes.REFERRAL, "Referral to reproductive medicine (fertility) clinic", date.minusDays(200), null, Codes.IVF);
      }
    }
    if (p.has(Sensitive.GENDER_REASSIGNMENT)) {
      Code identity = "male".equals(p.gender()) ? Codes.FEMALE_TO_MALE : Codes.MALE_TO_FEMALE;
      JsonObject gender;
      try (var s = chart.writing(Disclosure.sensitive(Sensitive.GENDER_REASSIGNMENT))) {
        gender = Entries.problem(chart, identity, true, chart.sometime());
      }
      try (var s = chart.writing(Disclosure.linkedTo(Sensitive.GENDER_REASSIGNMENT))) {
        Entries.referral(chart, Codes.REFERRAL, "Referral to gender identity clinic", LocalDate.parse(gender.getString("onsetDateTime")), gender, null);
      }
    }
  }

  /** At the patient's local acute trust only: where their sexual and reproductive health care happened. */
  static void atHospital(Chart chart) {
    SyntheticPatient p = chart.patient;
    if (!chart.org.ods().equals(p.area().acute())) {
      return;
    }
    if (p.has(Sensitive.STI) || p.has(Sensitive.HIV)) {
      // The visit to the sexual health clinic, and everything it produced, is sexual health care.
      try (var s = chart.writing(Disclosure.sensitive(p.has(Sensitive.HIV) ? Sensitive.HIV : Sensitive.STI))) {
        LocalDate date = chart.withinDays(1200);
        JsonObject gum = Entries.encounter(chart, "AMB", Codes.CONSULTATION, Codes.TF_GUM, date, date);
        if (p.has(Sensitive.STI)) {
          Entries.diagnosis(chart, Codes.CHLAMYDIA, date, gum);
        }
        Entries.codedResult(chart, Codes.HIV_TEST, p.has(Sensitive.HIV) ? Codes.HIV_POSITIVE : Codes.HIV_NEGATIVE, date, gum);
        // The clinic's specialty as the letter's practice setting (DocumentReference.context.practiceSetting).
        JsonObject letter = Entries.letter(chart, Codes.CLINICAL_LETTER, "Sexual health clinic letter",
            "Seen in the sexual health clinic. Results and treatment discussed; follow-up arranged.", date.plusDays(3), gum);
        JsonObject context = letter.getValue("context") instanceof JsonObject c ? c : new JsonObject();
        letter.put("context", context.put("practiceSetting", Codes.TF_GUM.concept()));
      }
    }
    if (p.has(Sensitive.TERMINATION_OF_PREGNANCY)) {
      try (var s = chart.writing(Disclosure.sensitive(Sensitive.TERMINATION_OF_PREGNANCY))) {
        LocalDate date = chart.sometime();
        JsonObject dayCase = Entries.encounter(chart, "AMB", Codes.HOSPITAL_ADMISSION, Codes.TF_GYNAECOLOGY, date, date);
        dayCase.put("reasonCode", Fhir.array(Codes.TERMINATION.concept()));
        Entries.letter(chart, Codes.DISCHARGE_SUMMARY, "Gynaecology day case discharge summary",
            "Day case procedure completed without complication. Discharged home the same day.", date, dayCase, Codes.TERMINATION);
      }
    }
    if (p.has(Sensitive.ASSISTED_CONCEPTION)) {
      try (var s = chart.writing(Disclosure.sensitive(Sensitive.ASSISTED_CONCEPTION))) {
        LocalDate date = chart.sometime();
        JsonObject clinic = Entries.encounter(chart, "AMB", Codes.CONSULTATION, Codes.TF_GYNAECOLOGY, date, date);
        clinic.put("reasonCode", Fhir.array(Codes.IVF.concept()));
        Entries.letter(chart, Codes.CLINICAL_LETTER, "Reproductive medicine clinic letter",
            "Reviewed in the reproductive medicine clinic; treatment cycle planned.", date, clinic, Codes.IVF);
      }
    }
    if (p.has(Sensitive.GENDER_REASSIGNMENT)) {
      try (var s = chart.writing(Disclosure.sensitive(Sensitive.GENDER_REASSIGNMENT))) {
        Entries.letter(chart, Codes.CLINICAL_LETTER, "Letter from the gender identity service",
            "Correspondence from the regional gender identity service about ongoing care.", chart.sometime(), null,
            Codes.GENDER_CONFIRMATION_SURGERY);
      }
    }
  }
}
