package io.shcr.record;

import io.shcr.fhir.ResourceIndex;
import io.shcr.fhir.Resources;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Never trust a source: keeps only resources provably about the requested patient. A Patient must
 * carry the requested NHS number; any other resource must point (subject or patient) at such a
 * Patient, by a literal reference the source also returned or by an NHS number identifier. What
 * names another patient is a mismatch; what cannot be tied to the patient at all is dropped too.
 */
public final class PatientGuard {

  private final NhsNumber nhsNumber;

  public PatientGuard(NhsNumber nhsNumber) {
    this.nhsNumber = nhsNumber;
  }

  /**
   * @param kept resources that are about the patient
   * @param mismatched how many named another patient
   * @param unverifiable how many could not be tied to any patient
   */
  public record Verdict(List<JsonObject> kept, int mismatched, int unverifiable) {}

  public Verdict check(List<JsonObject> resources, ResourceIndex index) {
    List<JsonObject> kept = new ArrayList<>();
    int mismatched = 0;
    int unverifiable = 0;
    for (JsonObject resource : resources) {
      switch (judge(resource, index)) {
        case MATCH -> kept.add(resource);
        case OTHER_PATIENT -> mismatched++;
        case UNKNOWN -> unverifiable++;
      }
    }
    return new Verdict(kept, mismatched, unverifiable);
  }

  private enum Judgement { MATCH, OTHER_PATIENT, UNKNOWN }

  private Judgement judge(JsonObject resource, ResourceIndex index) {
    if (resource == null) {
      return Judgement.UNKNOWN;
    }
    if ("Patient".equals(Resources.type(resource))) {
      return aboutPatient(resource);
    }
    Object pointer = resource.getValue("subject");
    if (pointer == null) {
      pointer = resource.getValue("patient");
    }
    if (!(pointer instanceof JsonObject reference)) {
      return Judgement.UNKNOWN;
    }
    Judgement byIdentifier = Judgement.UNKNOWN;
    if (reference.getValue("identifier") instanceof JsonObject identifier && NhsNumber.SYSTEM.equals(identifier.getValue("system"))) {
      Object value = identifier.getValue("value");
      byIdentifier = value instanceof String v && nhsNumber.value().equals(v.replace(" ", "")) ? Judgement.MATCH : Judgement.OTHER_PATIENT;
    }
    Judgement byReference = Judgement.UNKNOWN;
    if (reference.getValue("reference") instanceof String literal) {
      byReference = index.resolve(literal).map(this::aboutPatient).orElse(Judgement.UNKNOWN);
    }
    // Both present: both must agree; a resource that contradicts itself is not about our patient.
    if (byIdentifier == Judgement.OTHER_PATIENT || byReference == Judgement.OTHER_PATIENT) {
      return Judgement.OTHER_PATIENT;
    }
    if (reference.getValue("reference") instanceof String && byReference == Judgement.UNKNOWN) {
      return Judgement.UNKNOWN;
    }
    return byIdentifier == Judgement.MATCH || byReference == Judgement.MATCH ? Judgement.MATCH : Judgement.UNKNOWN;
  }

  private Judgement aboutPatient(JsonObject patient) {
    if (!"Patient".equals(Resources.type(patient))) {
      return Judgement.OTHER_PATIENT;
    }
    List<String> numbers = Resources.nhsNumbers(patient);
    if (numbers.isEmpty()) {
      return Judgement.UNKNOWN;
    }
    return numbers.stream().allMatch(nhsNumber.value()::equals) ? Judgement.MATCH : Judgement.OTHER_PATIENT;
  }
}
