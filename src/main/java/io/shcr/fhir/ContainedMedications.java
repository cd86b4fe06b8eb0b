package io.shcr.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A medicine that names its Medication by reference (GP Connect 1.6: every MedicationStatement and
 * MedicationRequest points at a Medication entry that carries the dm+d code) is given a copy of that
 * Medication, from the same source's answer, as a contained resource ({@code medicationReference}
 * {@code #id}). The item then travels with what it is: the privacy filter judges the Medication as part
 * of the item (its codes and security labels, at any depth), the patient guard sees it inside the item,
 * and the client and the reconciled record can read which medicine it is. Nothing is added that the
 * item did not already point at, and a Medication on its own (one whose every statement was withheld,
 * say) never travels.
 *
 * <p>Never trust a source: a reference that is foreign, ambiguous (the id used twice), not a Medication,
 * or not in the answer; an item that already contains a resource of that id; a Medication that itself
 * contains resources: the item is left as it came (the filter then follows the link as any other, and
 * the reconciled record keeps the item alone).
 */
public final class ContainedMedications {

  private static final String MEDICATION = "Medication/";

  private ContainedMedications() {}

  /** The items, each medicine with a resolvable Medication reference replaced by a copy that contains it. */
  public static List<JsonObject> inline(List<JsonObject> items, ResourceIndex index) {
    List<JsonObject> out = null;
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.get(i);
      JsonObject inlined = inline(item, index);
      if (inlined != item && out == null) {
        out = new ArrayList<>(items.subList(0, i));
      }
      if (out != null) {
        out.add(inlined);
      }
    }
    return out == null ? items : out;
  }

  /** The item with its Medication contained, or the item itself when there is none to contain safely. */
  static JsonObject inline(JsonObject item, ResourceIndex index) {
    if (!(item.getValue("medicationReference") instanceof JsonObject reference)
        || !(reference.getValue("reference") instanceof String target)
        || !MEDICATION.equals(typePrefix(target)) || index.isAmbiguous(target)) {
      return item;
    }
    JsonObject medication = index.resolve(target).orElse(null);
    if (medication == null || !"Medication".equals(medication.getValue("resourceType"))
        || !(medication.getValue("id") instanceof String id) || id.isBlank() || medication.containsKey("contained")) {
      return item;
    }
    JsonArray contained = item.getValue("contained") instanceof JsonArray c ? c : item.containsKey("contained") ? null : new JsonArray();
    if (contained == null) {
      return item; // "contained" that is not a list: left for the filter to judge as it is
    }
    for (Object c : contained) {
      if (c instanceof JsonObject other && id.equals(other.getValue("id"))) {
        return item;
      }
    }
    JsonObject copy = item.copy();
    JsonObject medicine = medication.copy();
    medicine.remove("text"); // a contained resource carries no narrative of its own (FHIR dom-2)
    JsonArray withIt = contained.copy().add(medicine);
    copy.put("contained", withIt);
    JsonObject rewritten = reference.copy().put("reference", "#" + id);
    copy.put("medicationReference", rewritten);
    return copy;
  }

  private static String typePrefix(String reference) {
    String type = References.typeOf(reference);
    return type == null ? null : type + "/";
  }
}
