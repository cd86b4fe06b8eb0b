package io.shcr.fhir;

import io.vertx.core.json.JsonObject;
import org.hl7.fhir.convertors.factory.VersionConvertorFactory_30_40;

/**
 * STU3 and R4, one resource at a time, with HAPI FHIR's version converter ({@code conv30_40}): GP
 * Connect Access Record Structured 1.6 answers in STU3 (CareConnect profiles), and everything after a
 * source's answer (the patient guard, the privacy filter, the clients) reads R4 only. The simulator's
 * practices use the other direction to answer as a real provider would.
 *
 * <p>Costly (HAPI parses into its model and composes again, some milliseconds per hundred resources):
 * callers run it on a source's lane, off the event loop. Whatever the converter cannot read or convert
 * is {@link NotConvertible}, which carries no part of the input.
 */
public final class FhirVersions {

  private FhirVersions() {}

  /**
   * Loads the converter's classes and HAPI's model once (some seconds cold), so the first GP Connect
   * answer of a running service is not the one that pays for it inside its deadline. Blocking: call it
   * on a worker.
   */
  public static void warmUp() {
    try {
      stu3BundleToR4(structuredRecordAsStu3(new JsonObject().put("resourceType", "Bundle").put("type", "collection")
          .put("entry", new io.vertx.core.json.JsonArray().add(new JsonObject().put("resource", new JsonObject()
              .put("resourceType", "MedicationStatement").put("id", "warm-up").put("status", "active")
              .put("subject", new JsonObject().put("reference", "Patient/warm-up"))
              .put("medicationCodeableConcept", new JsonObject().put("text", "warm-up")))))));
    } catch (NotConvertible e) {
      throw new IllegalStateException("the STU3 converter does not work", e);
    }
  }

  /** An answer that could not be read as STU3 or converted; never says what it held. */
  public static final class NotConvertible extends Exception {
    NotConvertible() {
      super("not convertible", null, false, false);
    }
  }

  /**
   * One STU3 resource (a Bundle with everything in it, say) as R4 JSON. The input was already read within
   * {@link BoundedJson}'s limits; HAPI reads it again from its encoding.
   */
  public static JsonObject stu3ToR4(JsonObject stu3) throws NotConvertible {
    try {
      org.hl7.fhir.dstu3.model.Resource parsed = new org.hl7.fhir.dstu3.formats.JsonParser().parse(stu3.encode());
      org.hl7.fhir.r4.model.Resource converted = VersionConvertorFactory_30_40.convertResource(parsed);
      if (converted == null) {
        throw new NotConvertible();
      }
      return new JsonObject(new org.hl7.fhir.r4.formats.JsonParser().composeString(converted));
    } catch (NotConvertible e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      throw new NotConvertible();
    }
  }

  /**
   * What a GP Connect provider sends for an R4 structured record: the Bundle in STU3, with what STU3
   * requires that R4 no longer has ({@code MedicationStatement.taken}, 1..1 in STU3) filled in.
   */
  public static JsonObject structuredRecordAsStu3(JsonObject r4Bundle) {
    JsonObject r4 = r4Bundle.copy();
    for (JsonObject entry : entries(r4)) {
      if (entry.getValue("resource") instanceof JsonObject resource && "Encounter".equals(resource.getValue("resourceType"))
          && resource.remove("reasonReference") instanceof io.vertx.core.json.JsonArray reasons) {
        // STU3 Encounter has no reasonReference: the problems a consultation was for go in diagnosis.condition.
        io.vertx.core.json.JsonArray diagnosis = resource.getJsonArray("diagnosis", new io.vertx.core.json.JsonArray());
        reasons.forEach(reason -> diagnosis.add(new JsonObject().put("condition", reason)));
        resource.put("diagnosis", diagnosis);
      }
    }
    JsonObject stu3 = renameReferences(r4ToStu3(r4), TO_STU3);
    for (JsonObject entry : entries(stu3)) {
      if (entry.getValue("fullUrl") instanceof String fullUrl) {
        entry.put("fullUrl", renamed(fullUrl, TO_STU3));
      }
      if (entry.getValue("resource") instanceof JsonObject resource) {
        JsonObject stu3Resource = Referrals.asReferralRequest(resource);
        if ("MedicationStatement".equals(stu3Resource.getValue("resourceType")) && !stu3Resource.containsKey("taken")) {
          String status = String.valueOf(stu3Resource.getValue("status"));
          stu3Resource.put("taken", "active".equals(status) || "completed".equals(status) ? "y" : "unk");
        }
        entry.put("resource", stu3Resource);
      }
    }
    return stu3;
  }

  /** A Bundle's entries that are objects (none when it has no entry list). */
  private static java.util.List<JsonObject> entries(JsonObject bundle) {
    java.util.List<JsonObject> out = new java.util.ArrayList<>();
    if (bundle.getValue("entry") instanceof io.vertx.core.json.JsonArray entries) {
      entries.forEach(e -> {
        if (e instanceof JsonObject entry) {
          out.add(entry);
        }
      });
    }
    return out;
  }

  /**
   * A STU3 Bundle as R4, entry by entry. An entry whose conversion would lose a reference or a code it
   * carried (a field STU3 has and R4 does not, or the converter drops) is left out and named in
   * {@code lossy}: what the privacy filter cannot see in R4 must not be released as if it had been judged.
   */
  public static Converted stu3BundleToR4(JsonObject stu3Bundle) throws NotConvertible {
    io.vertx.core.json.JsonArray kept = new io.vertx.core.json.JsonArray();
    java.util.List<String> lossy = new java.util.ArrayList<>();
    JsonObject shell = stu3Bundle.copy();
    Object entries = shell.remove("entry");
    JsonObject r4 = stu3ToR4(shell);
    if (entries instanceof io.vertx.core.json.JsonArray list) {
      for (Object e : list) {
        if (!(e instanceof JsonObject entry) || !(entry.getValue("resource") instanceof JsonObject resource)) {
          throw new NotConvertible();
        }
        // Checked on what is released: the converter keeps some STU3 fields in 3.0 extensions, which are
        // dropped, so a reference or code moved into one is lost, not carried.
        JsonObject converted = withoutVersionExtensions(renameReferences(stu3ToR4(Referrals.asProcedureRequest(resource)), TO_R4));
        if (!carried(renameReferences(resource.copy(), TO_R4)).stream().allMatch(carried(converted)::contains)) {
          lossy.add(converted.getValue("resourceType") + "/" + converted.getValue("id"));
          continue;
        }
        JsonObject out = entry.copy().put("resource", converted);
        if (out.getValue("fullUrl") instanceof String fullUrl) {
          out.put("fullUrl", renamed(fullUrl, TO_R4));
        }
        kept.add(out);
      }
    }
    if (!kept.isEmpty()) {
      r4.put("entry", kept);
    }
    return new Converted(r4, java.util.List.copyOf(lossy));
  }

  /** STU3 resource types R4 renamed: the converter renames the resource, never the references to it. */
  private static final java.util.Map<String, String> TO_R4 = java.util.Map.of(
      "ReferralRequest", "ServiceRequest", "ProcedureRequest", "ServiceRequest");
  private static final java.util.Map<String, String> TO_STU3 = java.util.Map.of("ServiceRequest", "ReferralRequest");

  /** Every {@code reference} in the resource, renamed where its type was renamed between versions. */
  static JsonObject renameReferences(JsonObject resource, java.util.Map<String, String> names) {
    forEachField(resource, (object, field) -> {
      if ("reference".equals(field.getKey()) && field.getValue() instanceof String reference) {
        field.setValue(renamed(reference, names));
      }
    });
    return resource;
  }

  /** Visits every field of every object in the tree (depth first, each object's own fields before what they hold). */
  private static void forEachField(JsonObject root,
      java.util.function.BiConsumer<JsonObject, java.util.Map.Entry<String, Object>> visit) {
    java.util.ArrayDeque<Object> todo = new java.util.ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Object next = todo.pop();
      if (next instanceof JsonObject object) {
        for (java.util.Map.Entry<String, Object> field : object) {
          visit.accept(object, field);
          if (field.getValue() instanceof JsonObject || field.getValue() instanceof io.vertx.core.json.JsonArray) {
            todo.push(field.getValue());
          }
        }
      } else if (next instanceof io.vertx.core.json.JsonArray array) {
        array.forEach(item -> {
          if (item instanceof JsonObject || item instanceof io.vertx.core.json.JsonArray) {
            todo.push(item);
          }
        });
      }
    }
  }

  private static String renamed(String reference, java.util.Map<String, String> names) {
    for (java.util.Map.Entry<String, String> name : names.entrySet()) {
      if (reference.startsWith(name.getKey() + "/")) {
        return name.getValue() + reference.substring(name.getKey().length());
      }
      int at = reference.indexOf("/" + name.getKey() + "/");
      if (at >= 0) {
        return reference.substring(0, at + 1) + name.getValue() + reference.substring(at + 1 + name.getKey().length());
      }
    }
    return reference;
  }

  static final String CROSS_VERSION = "http://hl7.org/fhir/3.0/StructureDefinition/extension-";

  /**
   * The converter keeps STU3-only values as cross-version extensions (taken, notGiven, the STU3 status),
   * which R4 readers and validators do not know. What they say that matters is put in R4's own terms
   * (not taken, not given), then they go.
   */
  static JsonObject withoutVersionExtensions(JsonObject resource) {
    if (!(resource.getValue("extension") instanceof io.vertx.core.json.JsonArray extensions)) {
      return resource;
    }
    io.vertx.core.json.JsonArray kept = new io.vertx.core.json.JsonArray();
    for (Object e : extensions) {
      if (e instanceof JsonObject ext && ext.getValue("url") instanceof String url && url.startsWith(CROSS_VERSION)) {
        if (url.endsWith("MedicationStatement.taken") && "n".equals(ext.getValue("valueCode"))) {
          resource.put("status", "not-taken");
        } else if (url.endsWith("Immunization.notGiven") && Boolean.TRUE.equals(ext.getValue("valueBoolean"))) {
          resource.put("status", "not-done");
        }
      } else {
        kept.add(e);
      }
    }
    if (kept.isEmpty()) {
      resource.remove("extension");
    } else {
      resource.put("extension", kept);
    }
    return resource;
  }

  /** An R4 Bundle, and the {@code Type/id} of each entry left out because converting it lost something. */
  public record Converted(JsonObject bundle, java.util.List<String> lossy) {}

  /** Every reference and every code a resource carries, wherever it sits (systems may be renamed between versions). */
  static java.util.Set<String> carried(JsonObject resource) {
    java.util.Set<String> out = new java.util.HashSet<>();
    forEachField(resource, (object, field) -> {
      if (field.getValue() instanceof String value && ("reference".equals(field.getKey())
          || "code".equals(field.getKey()) && object.containsKey("system"))) {
        out.add(field.getKey() + "=" + value);
      }
    });
    return out;
  }

  /** One R4 resource as STU3 JSON (the simulator's GP practices). */
  public static JsonObject r4ToStu3(JsonObject r4) {
    try {
      org.hl7.fhir.r4.model.Resource parsed = new org.hl7.fhir.r4.formats.JsonParser().parse(r4.encode());
      org.hl7.fhir.dstu3.model.Resource converted = VersionConvertorFactory_30_40.convertResource(parsed);
      return new JsonObject(new org.hl7.fhir.dstu3.formats.JsonParser().composeString(converted));
    } catch (Exception e) {
      throw new IllegalStateException("R4 to STU3 conversion failed: " + e.getClass().getSimpleName(), e);
    }
  }
}
