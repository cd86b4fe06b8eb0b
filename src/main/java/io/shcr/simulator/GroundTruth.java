package io.shcr.simulator;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The demo network's ground truth, for tests: everything an organisation serves about a patient over its
 * own protocol (every section asked, as the routes answer it: nothing from a practice for an S-flagged
 * patient, nothing from a GP Connect area the practice's system does not support), each item with what the
 * simulator knows about it. The simulator knows which items it made sensitive because it wrote them so;
 * nothing here is derived from code lists or from the service's privacy filter.
 */
public final class GroundTruth {

  /**
   * One item as its organisation serves it.
   *
   * @param source the organisation's ODS code
   * @param type the resource type
   * @param id the resource id
   * @param disclosure whether it may be shown, and why not
   * @param resource the resource as served (written afresh for each call, as every answer is: not shared)
   */
  public record Item(String source, String type, String id, Disclosure disclosure, JsonObject resource) {

    /** {@code Type/id}, as references name it. */
    public String reference() {
      return type + "/" + id;
    }
  }

  private final Network network;
  private final SimulatorConfig config;

  public GroundTruth(Network network, SimulatorConfig config) {
    this.network = network;
    this.config = config;
  }

  public Network network() {
    return network;
  }

  /** What this organisation serves about the patient (empty when it answers that it does not know them). */
  public List<Item> servedBy(SyntheticPatient patient, Organisation org) {
    return network.records().servedAt(patient, org).map(record -> items(org, record)).orElse(List.of());
  }

  /**
   * Whether this organisation records the patient with another date of birth than PDS (a seeded slip,
   * {@link FixedPatients#recordedBirthDate}): the service then withholds all it serves as
   * {@code patient-mismatch}.
   */
  public static boolean birthDateDiffersFromPds(SyntheticPatient patient, Organisation org) {
    return !FixedPatients.recordedBirthDate(patient, org.ods()).equals(patient.birthDate());
  }

  /** Every item of the patient at every organisation of the network. */
  public List<Item> servedAnywhere(SyntheticPatient patient) {
    List<Item> all = new ArrayList<>();
    for (String ods : patient.holders()) {
      network.organisation(ods).ifPresent(org -> all.addAll(servedBy(patient, org)));
    }
    return all;
  }

  private List<Item> items(Organisation org, OrgRecord record) {
    Set<String> types = servedTypes(org);
    List<Item> items = new ArrayList<>();
    items.add(new Item(org.ods(), "Patient", record.patient().getString("id"), Disclosure.ORDINARY, record.patient()));
    for (JsonObject resource : record.resources()) {
      String type = resource.getString("resourceType");
      if (types.contains(type)) {
        items.add(new Item(org.ods(), type, resource.getString("id"), record.disclosureOf(resource), resource));
      }
    }
    return items;
  }

  /** The resource types the organisation's protocol can return. */
  private Set<String> servedTypes(Organisation org) {
    if (!org.gpConnect()) {
      return FhirSearchRoutes.TYPES;
    }
    Set<String> types = new HashSet<>();
    Set<GpArea> disabled = config.disabledAreasOf(org.ods());
    for (GpArea area : GpArea.values()) {
      if (!disabled.contains(area)) {
        types.addAll(area.resourceTypes());
      }
    }
    return types;
  }
}
