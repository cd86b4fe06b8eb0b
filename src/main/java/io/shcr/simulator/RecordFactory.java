package io.shcr.simulator;

import io.shcr.sources.SourceKind;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;

/**
 * Writes what an organisation holds about a patient, by the kind of organisation: GP practices the
 * whole primary care record, acute trusts hospital episodes, the mental health trust its care, and so
 * on. Nothing is kept: the same call always writes the same record.
 */
public final class RecordFactory {

  private final Population population;
  private final Map<String, String> orgNames;

  /** @param orgNames every organisation's name by ODS code (to name a patient's practice) */
  public RecordFactory(Population population, Map<String, String> orgNames) {
    this.population = population;
    this.orgNames = Map.copyOf(orgNames);
  }

  public Population population() {
    return population;
  }

  /** The record this organisation holds, or empty when it does not know the patient. */
  public Optional<OrgRecord> recordAt(SyntheticPatient patient, Organisation org) {
    if (!patient.heldBy(org.ods())) {
      return Optional.empty();
    }
    return Optional.of(write(patient, org));
  }

  /**
   * The record this organisation answers with when asked about the patient: GP practices, like GP
   * Connect providers, answer nothing for an S-flagged (restricted) patient.
   */
  public Optional<OrgRecord> servedAt(SyntheticPatient patient, Organisation org) {
    if (org.gpConnect() && patient.restricted()) {
      return Optional.empty();
    }
    return recordAt(patient, org);
  }

  /** The record as this organisation would hold it, whether or not it really knows the patient. */
  public OrgRecord write(SyntheticPatient patient, Organisation org) {
    Chart chart = new Chart(patient, org);
    switch (org.kind()) {
      case GP -> GpHistory.write(chart);
      case ACUTE -> HospitalHistory.write(chart);
      case MENTAL_HEALTH, COMMUNITY -> MentalHealthHistory.write(chart);
      default -> CommunityHistory.write(chart);
    }
    return new OrgRecord(patientResource(chart), chart.resources(), chart.disclosures());
  }

  /** The record holding a resource id, when the id is one of this organisation's. */
  public Optional<OrgRecord> recordHolding(Organisation org, String id) {
    var index = Ids.patientIndex(org, id);
    if (index.isEmpty()) {
      return Optional.empty();
    }
    return population.at(index.getAsInt()).flatMap(p -> recordAt(p, org));
  }

  private JsonObject patientResource(Chart chart) {
    SyntheticPatient p = chart.patient;
    JsonObject patient = Fhir.resource("Patient", chart.patientId)
        .put("identifier", Fhir.array(
            new JsonObject().put("system", io.shcr.nhs.NhsNumber.SYSTEM).put("value", p.nhsNumber().value()),
            new JsonObject().put("system", "https://" + chart.org.ods().toLowerCase() + ".simulated.nhs.uk/Id/local-patient-id")
                .put("value", chart.org.ods() + String.format("%07d", p.index() * 7 + 1_000_003))))
        .put("active", true)
        .put("name", Fhir.array(new JsonObject().put("use", "official").put("family", p.family())
            .put("given", new io.vertx.core.json.JsonArray(FixedPatients.recordedGiven(p, chart.org.ods())))
            .put("text", String.join(" ", FixedPatients.recordedGiven(p, chart.org.ods())) + " " + p.family().toUpperCase())))
        .put("gender", p.gender())
        .put("birthDate", FixedPatients.recordedBirthDate(p, chart.org.ods()).toString())
        .put("address", Fhir.array(new JsonObject().put("use", "home").put("line", Fhir.array(p.addressLine()))
            .put("city", p.town()).put("postalCode", p.postcode())))
        .put("managingOrganization", chart.self());
    if (chart.org.kind() == SourceKind.GP) {
      patient.put("generalPractitioner", Fhir.array(Fhir.ref("Organization", chart.org.ods())));
    } else if (p.practice() != null) {
      patient.put("generalPractitioner", Fhir.array(Fhir.orgRef(p.practice(), orgNames.getOrDefault(p.practice(), p.practice()))));
    }
    return patient;
  }
}
