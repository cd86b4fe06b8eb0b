package io.shcr.access;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hides where a restricted (PDS S-flagged) patient can be found, in every resource released for them.
 * A Patient, at any depth (contained too), is reduced to an allow-list: id, NHS number, name, birth
 * date, gender, active and deceased, with meta stripped of its labels. Everywhere else, by type: every
 * Address and ContactPoint ({@code address}, {@code telecom}, {@code contact}, and typed values such as
 * an extension's {@code valueAddress} or {@code valueContactPoint}), every {@code position} and
 * {@code location}, every reference to a Location, and the {@code display} of references to
 * organisations, locations, practitioners and services (it names the practice and its town). A Location
 * object at any depth is reduced to its id. Works on a copy; the source's object is never changed.
 *
 * <p>What is left stays valid FHIR: a masked reference that would say nothing ({@code {}}) is removed
 * where it is optional and replaced by display "Withheld" with the data-absent-reason {@code masked}
 * where it is required; an element or list emptied by masking is removed with it.
 */
public final class RestrictedPatientMask implements ResourceTransform {

  public static final RestrictedPatientMask INSTANCE = new RestrictedPatientMask();

  private static final Set<String> ANYWHERE = Set.of("address", "telecom", "contact", "position", "location", "origin", "destination");
  private static final Pattern TYPED_LOCATOR = Pattern.compile("[a-z][A-Za-z]*(Address|ContactPoint)");
  private static final Set<String> PATIENT_KEEPS = Set.of("resourceType", "id", "meta", "identifier", "name", "birthDate", "gender",
      "active", "deceasedBoolean", "deceasedDateTime");
  private static final Set<String> META_LABELS = Set.of("security", "tag");
  private static final Set<String> PLACE_OR_PERSON_TYPES = Set.of("Organization", "Location", "Practitioner", "PractitionerRole",
      "HealthcareService");

  /**
   * Elements whose reference FHIR requires (Immunization.performer.actor, Provenance.agent.who, a
   * subject or patient): a masked one is replaced by {@link #withheldReference()}, any other removed.
   */
  private static final Set<String> REQUIRED_REFERENCES = Set.of("actor", "who", "subject", "patient", "beneficiary");

  private static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";

  private RestrictedPatientMask() {}

  @Override
  public boolean hidesWhereThePatientIs() {
    return true;
  }

  @Override
  public JsonObject apply(JsonObject resource) {
    if (resource == null) {
      return null;
    }
    JsonObject copy = resource.copy();
    return masked(copy);
  }

  /**
   * The object masked in place, its replacement (a Location stub), or null when masking left nothing
   * of it that says anything: a reference with neither target, identifier nor display, or an element
   * all of whose content was removed. FHIR allows no empty objects, so the caller removes it (or, where
   * a reference is required, puts {@link #withheldReference()} in its place).
   */
  private static JsonObject masked(JsonObject object) {
    boolean reference = !object.containsKey("resourceType")
        && (object.containsKey("reference") || object.containsKey("identifier") || object.containsKey("display"));
    boolean hadContent = !object.isEmpty();
    JsonObject out = maskedInPlace(object);
    if (out.containsKey("resourceType")) {
      return out;
    }
    boolean hollow = reference && !out.containsKey("reference") && !out.containsKey("identifier") && !out.containsKey("display")
        && !out.containsKey("extension");
    return hollow || (hadContent && out.isEmpty()) ? null : out;
  }

  /** A reference that says one was here and was withheld: display "Withheld", data-absent-reason masked. */
  static JsonObject withheldReference() {
    return new JsonObject()
        .put("extension", new JsonArray().add(new JsonObject()
            .put("url", "http://hl7.org/fhir/StructureDefinition/data-absent-reason").put("valueCode", "masked")))
        .put("display", "Withheld");
  }

  private static JsonObject maskedInPlace(JsonObject object) {
    String type = object.getValue("resourceType") instanceof String t ? t : null;
    if ("Location".equals(type)) {
      JsonObject stub = new JsonObject().put("resourceType", "Location");
      if (object.containsKey("id")) {
        stub.put("id", object.getValue("id"));
      }
      return stub;
    }
    if ("Patient".equals(type)) {
      reduceToIdentity(object);
    }
    if (isPlaceOrPersonReference(object)) {
      object.remove("display");
    }
    if (type == null && isOdsIdentifier(asObject(object.getValue("identifier")))) {
      // A logical reference to an organisation by ODS code names the practice or home as surely as an address.
      object.remove("identifier");
      object.remove("display");
    }
    Iterator<Map.Entry<String, Object>> fields = object.getMap().entrySet().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, Object> field = fields.next();
      if (locates(field.getKey()) || isLocationReference(field.getValue())) {
        fields.remove();
        continue;
      }
      Object value = maskedValue(field.getValue());
      if (value == null) {
        if (REQUIRED_REFERENCES.contains(field.getKey())) {
          field.setValue(field.getValue() instanceof JsonArray || field.getValue() instanceof List<?>
              ? new JsonArray().add(withheldReference()) : withheldReference());
        } else {
          fields.remove();
        }
      } else {
        field.setValue(value);
      }
    }
    return object;
  }

  private static void reduceToIdentity(JsonObject patient) {
    patient.getMap().keySet().removeIf(key -> !PATIENT_KEEPS.contains(key));
    if (patient.getValue("meta") instanceof JsonObject meta) {
      META_LABELS.forEach(meta::remove);
    } else {
      patient.remove("meta");
    }
    if (patient.getValue("identifier") instanceof JsonArray identifiers) {
      identifiers.getList().removeIf(id -> !isNhsNumber(asObject(id)));
    } else {
      patient.remove("identifier");
    }
  }

  private static boolean isOdsIdentifier(JsonObject identifier) {
    return identifier != null && ODS_SYSTEM.equals(identifier.getValue("system"));
  }

  private static boolean isNhsNumber(JsonObject identifier) {
    return identifier != null && NhsNumber.SYSTEM.equals(identifier.getValue("system"));
  }

  /** The value masked; null when nothing of it is left (an emptied object, or an array all of whose items went). */
  private static Object maskedValue(Object value) {
    JsonObject object = asObject(value);
    if (object != null) {
      return masked(object);
    }
    if (value instanceof JsonArray || value instanceof List<?>) {
      JsonArray array = value instanceof JsonArray a ? a : new JsonArray(castList((List<?>) value));
      List<Object> items = array.getList();
      boolean hadItems = !items.isEmpty();
      items.removeIf(RestrictedPatientMask::isLocationReference);
      items.replaceAll(RestrictedPatientMask::maskedValue);
      items.removeIf(java.util.Objects::isNull);
      return hadItems && items.isEmpty() ? null : array;
    }
    return value;
  }

  private static boolean locates(String key) {
    return ANYWHERE.contains(key) || TYPED_LOCATOR.matcher(key).matches();
  }

  private static boolean isLocationReference(Object value) {
    JsonObject o = asObject(value);
    return o != null && !o.containsKey("resourceType") && "Location".equals(referencedType(o));
  }

  private static boolean isPlaceOrPersonReference(JsonObject o) {
    if (o.containsKey("resourceType") || !o.containsKey("display")) {
      return false;
    }
    String type = referencedType(o);
    return type != null && PLACE_OR_PERSON_TYPES.contains(type);
  }

  /** The type a Reference points at, from {@code type} or the reference's path; null when not a reference. */
  private static String referencedType(JsonObject o) {
    if (o.getValue("type") instanceof String type && (o.containsKey("reference") || o.containsKey("identifier") || o.containsKey("display"))) {
      return type;
    }
    if (o.getValue("reference") instanceof String reference) {
      String path = reference.replaceFirst("[?#].*$", "").replaceFirst("/_history/.*$", "");
      String[] parts = path.split("/");
      return parts.length >= 2 ? parts[parts.length - 2] : null;
    }
    return null;
  }

  private static JsonObject asObject(Object value) {
    if (value instanceof JsonObject o) {
      return o;
    }
    return value instanceof Map<?, ?> m ? new JsonObject(castMap(m)) : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> castList(List<?> list) {
    return (List<Object>) list;
  }
}
