package io.shcr.reconcile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Where a medicine item says what medicine it is: its own {@code medicationCodeableConcept}, or (as GP
 * Connect sends it) a {@code medicationReference} to a Medication whose {@code code} says. The reference
 * is followed to a Medication contained in the item ({@code #id}) or to one released in the same
 * source's section; nothing else. An item that names its medicine both ways, or by a reference that
 * does not lead to exactly one Medication, has no code here: it is then alone in its group, never
 * matched by its words.
 */
final class MedicationCodes {

  private MedicationCodes() {}

  /**
   * The medicine's CodeableConcept, or null.
   *
   * @param released a released Medication of the same source by its {@code Medication/id}, or null
   */
  static Object codeOf(JsonObject item, Function<String, JsonObject> released) {
    Object own = item.getValue("medicationCodeableConcept");
    Object reference = item.getValue("medicationReference");
    if (reference == null) {
      return own;
    }
    if (own != null || !(reference instanceof JsonObject ref) || !(ref.getValue("reference") instanceof String target)) {
      return null; // both, or a reference that is not one: which medicine is it?
    }
    JsonObject medication = target.startsWith("#") ? contained(item, target.substring(1)) : released.apply(localPart(target));
    return medication != null && "Medication".equals(medication.getValue("resourceType")) ? medication.getValue("code") : null;
  }

  /** The one contained resource with this id (none when the source used the id twice). */
  private static JsonObject contained(JsonObject item, String id) {
    if (id.isEmpty() || !(item.getValue("contained") instanceof JsonArray contained)) {
      return null;
    }
    JsonObject found = null;
    for (Object c : contained) {
      if (c instanceof JsonObject resource && id.equals(resource.getValue("id"))) {
        if (found != null) {
          return null;
        }
        found = resource;
      }
    }
    return found;
  }

  /**
   * {@code Medication/id} of a relative reference, or null: an absolute one may point at another server,
   * whose Medication of the same id is not this one.
   */
  static String localPart(String reference) {
    if (!reference.startsWith("Medication/")) {
      return null;
    }
    String id = reference.substring("Medication/".length());
    return id.isEmpty() || id.contains("/") ? null : reference;
  }
}
