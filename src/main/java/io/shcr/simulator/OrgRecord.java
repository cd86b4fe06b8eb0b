package io.shcr.simulator;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one organisation holds about one patient: its Patient resource and its clinical resources.
 * Built on demand from the seed and dropped with the response.
 *
 * @param patient the organisation's Patient resource
 * @param resources the clinical resources, in the order they were written
 * @param disclosures what the simulator knows about each clinical resource, by {@code Type/id}: the
 *     ground truth, never served
 */
public record OrgRecord(JsonObject patient, List<JsonObject> resources, Map<String, Disclosure> disclosures) {

  public OrgRecord {
    disclosures = Map.copyOf(disclosures);
  }

  public List<JsonObject> ofType(String type) {
    if ("Patient".equals(type)) {
      return List.of(patient);
    }
    return resources.stream().filter(r -> type.equals(r.getString("resourceType"))).toList();
  }

  public Optional<JsonObject> find(String type, String id) {
    return ofType(type).stream().filter(r -> id.equals(r.getString("id"))).findFirst();
  }

  /** Whether a resource of this record may be shown, and why not (the Patient is ordinary). */
  public Disclosure disclosureOf(JsonObject resource) {
    String key = resource.getString("resourceType") + "/" + resource.getString("id");
    return disclosures.getOrDefault(key, Disclosure.ORDINARY);
  }
}
