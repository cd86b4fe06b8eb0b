package io.shcr.simulator;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The primary care record a GP practice holds: allergies, problems, medicines (each linked to the
 * problem it treats), consultations, immunisations, investigations and referrals, plus the sensitive
 * items a patient's history carries, where a practice really records them.
 */
final class GpHistory {

  private GpHistory() {}

  /** A patient's allergies, the same wherever they are recorded. */
  static List<Code> allergiesOf(SyntheticPatient patient) {
    Random random = new Random(patient.seed() ^ 0x5A11E6L);
    List<Code> allergies = new ArrayList<>();
    int count = random.nextDouble() < 0.3 || patient.nhsNumber().value().equals(Population.RICH) ? 1 + random.nextInt(2) : 0;
    while (allergies.size() < count) {
      Code code = Codes.ALLERGIES.get(random.nextInt(Codes.ALLERGIES.size()));
      if (!allergies.contains(code)) {
        allergies.add(code);
      }
    }
    return allergies;
  }

  static void write(Chart chart) {
    for (Code allergy : allergiesOf(chart.patient)) {
      Entries.allergy(chart, allergy, chart.sometime());
    }
    Map<Integer, JsonObject> problems = new HashMap<>();
    for (int index : chart.patient.chronic()) {
      problems.put(index, Entries.problem(chart, Codes.CHRONIC.get(index).condition(), true, chart.sometime()));
    }
    int minor = 1 + chart.random.nextInt(3);
    for (int i = 0; i < minor; i++) {
      Entries.problem(chart, chart.pick(Codes.MINOR_PROBLEMS), false, chart.sometime());
    }
    for (var entry : problems.entrySet()) {
      Codes.Chronic chronic = Codes.CHRONIC.get(entry.getKey());
      if (chronic.medicine() != null) {
        LocalDate start = LocalDate.parse(entry.getValue().getString("onsetDateTime"));
        Entries.medicine(chart, chronic.medicine().concept(), chronic.dosage(), start, entry.getValue());
      }
    }
    consultations(chart, problems);
    immunisations(chart);
    investigations(chart);
    referrals(chart, problems);
    SensitiveHistory.atPractice(chart);
  }

  private static void consultations(Chart chart, Map<Integer, JsonObject> problems) {
    int count = 2 + chart.random.nextInt(5);
    List<JsonObject> reasons = new ArrayList<>(problems.values());
    for (int i = 0; i < count; i++) {
      LocalDate date = chart.withinDays(900);
      Code type = chart.pick(Codes.GP_CONSULTATIONS);
      JsonObject encounter = Entries.encounter(chart, type.code().equals("185317003") ? "VR" : "AMB", type, null, date, date);
      if (!reasons.isEmpty() && chart.chance(0.6)) {
        encounter.put("reasonReference", Fhir.array(chart.ref(chart.pick(reasons))));
      }
    }
  }

  private static void immunisations(Chart chart) {
    int age = chart.age();
    if (age >= 18) {
      Entries.immunisation(chart, Codes.VACCINATIONS.get(1), LocalDate.of(2021, 1 + chart.random.nextInt(6), 1 + chart.random.nextInt(28)));
    }
    if (age >= 65) {
      for (int year = 2022; year <= 2024; year++) {
        Entries.immunisation(chart, Codes.VACCINATIONS.get(0), LocalDate.of(year, 10, 1 + chart.random.nextInt(30)));
      }
      Entries.immunisation(chart, Codes.VACCINATIONS.get(2), chart.patient.birthDate().plusYears(65).plusDays(chart.random.nextInt(200)));
    }
  }

  private static void investigations(Chart chart) {
    if (chart.patient.chronic().contains(1)) {
      for (int i = 0; i < 3; i++) {
        Entries.labReport(chart, Codes.HBA1C.code(), List.of(Codes.HBA1C), chart.withinDays(365 * (i + 1)), null);
      }
    }
    if (chart.age() >= 18 && chart.chance(0.6)) {
      LocalDate date = chart.withinDays(540);
      Entries.labReport(chart, Codes.FULL_BLOOD_COUNT, Codes.BLOOD_COUNT, date, null);
      Entries.labReport(chart, Codes.UREA_AND_ELECTROLYTES, Codes.RENAL, date, null);
    }
  }

  private static void referrals(Chart chart, Map<Integer, JsonObject> problems) {
    if (problems.isEmpty() || !chart.chance(0.5)) {
      return;
    }
    int index = chart.pick(new ArrayList<>(problems.keySet()));
    String service = switch (index) {
      case 0, 4, 7, 11 -> "Referral to cardiology";
      case 2, 3 -> "Referral to respiratory medicine";
      case 1 -> "Referral to diabetic eye screening";
      case 5, 6 -> "Referral to talking therapies";
      case 13 -> "Urgent suspected cancer referral (breast)";
      default -> "Referral to general internal medicine";
    };
    Entries.referral(chart, Codes.REFERRAL, service, chart.withinDays(700), problems.get(index), null);
  }
}
