package io.shcr.simulator;

import static io.shcr.simulator.Code.dmd;
import static io.shcr.simulator.Code.snomed;
import static io.shcr.simulator.Code.treatmentFunction;

import java.util.List;

/**
 * The clinical vocabulary of the simulated network: SNOMED CT concepts for conditions, procedures,
 * allergies, tests and encounters, dm+d for medicines and NHS treatment function codes for services.
 * The sensitive concepts come from ../shared/reference/ (codes/ and sensitive-data.md).
 */
public final class Codes {

  private Codes() {}

  /**
   * A brand of Amlodipine 5mg tablets (an AMP of VMP 319283006), as a hospital pharmacy records it.
   * Synthetic: the supplier and its id are the simulator's; io/shcr/reconcile/dmd-amp-vmp.tsv maps it.
   */
  static final Code AMLODIPINE_BRAND = dmd("39990001000001101", "Amlocare 5mg tablets (Simulated Pharma Ltd)");

  /** A long-term condition with the medicine usually prescribed for it (null when none is simulated). */
  public record Chronic(Code condition, Code medicine, String dosage) {}

  public static final List<Chronic> CHRONIC = List.of(
      new Chronic(snomed("38341003", "Hypertensive disorder, systemic arterial"), dmd("319283006", "Amlodipine 5mg tablets"), "One tablet once a day"),
      new Chronic(snomed("44054006", "Diabetes mellitus type 2"), dmd("325278007", "Metformin 500mg tablets"), "One tablet twice a day with meals"),
      new Chronic(snomed("195967001", "Asthma"), dmd("320176004", "Salbutamol 100micrograms/dose inhaler CFC free"), "Two puffs when required"),
      new Chronic(snomed("13645005", "Chronic obstructive lung disease"), dmd("320176004", "Salbutamol 100micrograms/dose inhaler CFC free"), "Two puffs four times a day when required"),
      new Chronic(snomed("49436004", "Atrial fibrillation"), null, null),
      new Chronic(snomed("35489007", "Depressive disorder"), dmd("321987003", "Citalopram 20mg tablets"), "One tablet once a day"),
      new Chronic(snomed("197480006", "Anxiety disorder"), dmd("321196004", "Diazepam 2mg tablets"), "One tablet up to three times a day when required"),
      new Chronic(snomed("13644009", "Hypercholesterolemia"), dmd("320000009", "Atorvastatin 20mg tablets"), "One tablet at night"),
      new Chronic(snomed("396275006", "Osteoarthritis"), dmd("322236009", "Paracetamol 500mg tablets"), "Two tablets up to four times a day"),
      new Chronic(snomed("40930008", "Hypothyroidism"), null, null),
      new Chronic(snomed("709044004", "Chronic kidney disease"), null, null),
      new Chronic(snomed("84114007", "Heart failure"), null, null),
      new Chronic(snomed("52448006", "Dementia"), null, null),
      new Chronic(snomed("254837009", "Malignant neoplasm of breast"), null, null));

  /** Indexes into {@link #CHRONIC} of conditions that bring palliative and end-of-life care. */
  public static final List<Integer> LIFE_LIMITING = List.of(11, 12, 13, 3);

  public static final List<Code> MINOR_PROBLEMS = List.of(
      snomed("80146002", "Appendectomy"),
      snomed("38102005", "Cholecystectomy"),
      snomed("68566005", "Urinary tract infectious disease"),
      snomed("233604007", "Pneumonia"),
      snomed("65966004", "Fracture of forearm"),
      snomed("44465007", "Sprain of ankle"),
      snomed("36971009", "Sinusitis"));

  public static final List<Code> ALLERGIES = List.of(
      snomed("91936005", "Allergy to penicillin"),
      snomed("91935009", "Allergy to peanut"),
      snomed("300913006", "Shellfish allergy"),
      snomed("418689008", "Allergy to grass pollen"),
      snomed("232350006", "House dust mite allergy"),
      snomed("300916003", "Latex allergy"));

  public static final List<Code> MENTAL_HEALTH = List.of(
      snomed("35489007", "Depressive disorder"),
      snomed("197480006", "Anxiety disorder"),
      snomed("58214004", "Schizophrenia"),
      snomed("13746004", "Bipolar disorder"),
      snomed("47505003", "Posttraumatic stress disorder"));

  public static final List<Code> GP_CONSULTATIONS = List.of(
      snomed("185317003", "Telephone encounter"),
      snomed("185345009", "Encounter for symptom"),
      snomed("390906007", "Follow-up encounter"),
      snomed("185349003", "Encounter for check up"));

  public static final List<Code> PRESENTING_COMPLAINTS = List.of(
      snomed("29857009", "Chest pain"),
      snomed("21522001", "Abdominal pain"),
      snomed("267036007", "Dyspnea"),
      snomed("65966004", "Fracture of forearm"),
      snomed("44465007", "Sprain of ankle"));

  public static final Code EMERGENCY_VISIT = snomed("4525004", "Emergency department patient visit");
  public static final Code EMERGENCY_ADMISSION = snomed("183452005", "Emergency hospital admission");
  public static final Code HOSPITAL_ADMISSION = snomed("32485007", "Hospital admission");
  public static final Code CONSULTATION = snomed("11429006", "Consultation");
  public static final Code PATIENT_ENCOUNTER = snomed("308335008", "Patient encounter procedure");

  public static final Code TF_EMERGENCY = treatmentFunction("180", "Emergency Medicine");
  public static final Code TF_GUM = treatmentFunction("360", "Genitourinary Medicine");
  public static final Code TF_GYNAECOLOGY = treatmentFunction("502", "Gynaecology");
  public static final Code TF_ADULT_MENTAL_ILLNESS = treatmentFunction("710", "Adult Mental Illness");
  public static final Code TF_PALLIATIVE = treatmentFunction("315", "Palliative Medicine");
  public static final List<Code> OUTPATIENT_SERVICES = List.of(
      treatmentFunction("300", "General Internal Medicine"),
      treatmentFunction("320", "Cardiology"),
      treatmentFunction("301", "Gastroenterology"),
      treatmentFunction("110", "Trauma and Orthopaedics"),
      treatmentFunction("340", "Respiratory Medicine"));

  /** A laboratory test: what it measures, its unit and a plausible normal range. */
  public record Test(Code code, String unit, double low, double high) {}

  public static final Code FULL_BLOOD_COUNT = snomed("26604007", "Complete blood count");
  public static final Code UREA_AND_ELECTROLYTES = snomed("252167001", "Measurement of urea and electrolytes");
  public static final List<Test> BLOOD_COUNT = List.of(
      new Test(snomed("1022431000000105", "Haemoglobin estimation"), "g/L", 120, 165),
      new Test(snomed("1022541000000102", "Total white cell count"), "10*9/L", 4.0, 11.0),
      new Test(snomed("1022651000000100", "Platelet count"), "10*9/L", 150, 400));
  public static final List<Test> RENAL = List.of(
      new Test(snomed("1000661000000107", "Serum sodium level"), "mmol/L", 135, 145),
      new Test(snomed("1000651000000109", "Serum potassium level"), "mmol/L", 3.5, 5.3),
      new Test(snomed("1000731000000107", "Serum creatinine level"), "umol/L", 60, 110));
  public static final Test HBA1C = new Test(snomed("999791000000106",
      "Haemoglobin A1c level - International Federation of Clinical Chemistry and Laboratory Medicine standardised"),
      "mmol/mol", 30, 58);
  public static final List<Code> IMAGING = List.of(
      snomed("399208008", "Plain chest X-ray"),
      snomed("77477000", "Computerized axial tomography"));

  public static final List<Code> VACCINATIONS = List.of(
      snomed("822851000000102", "Seasonal influenza vaccination"),
      snomed("1324681000000101", "Administration of first dose of severe acute respiratory syndrome coronavirus 2 vaccine"),
      snomed("12866006", "Pneumococcal vaccination"));

  public static final Code REFERRAL = snomed("306206005", "Referral to service");
  public static final Code CARE_PLAN = snomed("734163000", "Care plan");
  public static final Code DISCHARGE_SUMMARY = snomed("373942005", "Discharge summary");
  public static final Code CLINICAL_LETTER = snomed("371531000", "Report of clinical encounter");

  public static final Code NOT_FOR_RESUSCITATION = snomed("304253006", "Not for resuscitation");
  public static final Code AT_RISK_OF_FALLS = snomed("129839007", "At risk for falls");
  public static final Code AT_RISK_OF_SUICIDE = snomed("225444004", "At risk for suicide");
  public static final Code OPIOID_DEPENDENCE = snomed("75544000", "Opioid dependence");
  public static final Code ALCOHOL_DEPENDENCE = snomed("66590003", "Alcohol dependence");

  // Sensitive concepts (../shared/reference/sensitive-data.md and codes/).
  public static final Code CHLAMYDIA = snomed("105629000", "Chlamydial infection");
  public static final Code HIV = snomed("86406008", "Human immunodeficiency virus infection");
  public static final Code HIV_TEST = snomed("31676001", "Human immunodeficiency virus antigen test");
  public static final Code HIV_POSITIVE = snomed("165816005", "Human immunodeficiency virus positive");
  public static final Code HIV_NEGATIVE = snomed("165815009", "Human immunodeficiency virus negative");
  public static final Code STI_SCREEN_REFERRAL = snomed("171128005", "Referral for STI screening");
  public static final Code TERMINATION = snomed("386639001", "Termination of pregnancy");
  public static final Code TOP_COUNSELLING_REFERRAL = snomed("183606009", "Refer to TOP counselling");
  public static final Code IVF = snomed("52637005", "Test tube ovum fertilization");
  public static final Code FEMALE_TO_MALE = snomed("407377005", "Female-to-male transsexual");
  public static final Code MALE_TO_FEMALE = snomed("407376001", "Male-to-female transsexual");
  public static final Code GENDER_CONFIRMATION_SURGERY = snomed("719670005", "Gender confirmation surgery");
}
