package io.shcr.fhir;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Never trust a source: the one place that decides whether a resource is about the requested
 * patient. Every way a resource can name a patient must agree, wherever it sits (top level,
 * {@code contained}, extensions, backbone elements): {@code subject}, {@code patient},
 * {@code beneficiary}, {@code for}, {@code focus}, a {@code performer} or {@code asserter} that is a
 * Patient, any Reference carrying an NHS number, and every contained Patient. A reference to another
 * resource of the source counts too: if that resource names another patient, or a patient that cannot
 * be checked, so does this one. A resource is kept only when at least one of these proves the
 * requested NHS number and none names another patient or one that cannot be checked.
 *
 * <p>A Patient proves the number only when every NHS number it carries is the requested one. A
 * resource whose id the source used twice, or that relies on such an id, is never kept: which of the
 * two the source meant cannot be known.
 */
public final class PatientGuard {

  private static final String DIRECT_MEMO = "guard.direct";
  private static final String JUDGED_MEMO = "guard.judged";

  private final NhsNumber nhsNumber;
  /** This guard's keys in an index's memo (a guard judges for one NHS number). */
  private final String directMemo;
  private final String judgedMemo;

  public PatientGuard(NhsNumber nhsNumber) {
    this.nhsNumber = nhsNumber;
    this.directMemo = DIRECT_MEMO + nhsNumber.value();
    this.judgedMemo = JUDGED_MEMO + nhsNumber.value();
  }

  /**
   * @param kept resources that are about the patient
   * @param mismatched how many named another patient
   * @param unverifiable how many could not be tied to the patient, or relied on an ambiguous id
   */
  public record Verdict(List<JsonObject> kept, int mismatched, int unverifiable) {}

  /** Judges each resource; uses the index's per-request memo, so call it from one task at a time. */
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

  /** True when this Patient carries exactly the requested NHS number and its id is not ambiguous. */
  public boolean proves(JsonObject patient, ResourceIndex index) {
    return aboutPatient(patient) == Judgement.MATCH && !index.isAmbiguous(patient);
  }

  /** True when this Patient carries an NHS number other than the requested one. */
  public boolean namesAnotherPatient(JsonObject patient) {
    return aboutPatient(patient) == Judgement.OTHER_PATIENT;
  }

  /**
   * True when anything anywhere in a source's answer names another NHS number: a Patient (an entry
   * or contained) or a Reference's identifier. Such a source is reported {@code patient-mismatch}
   * and nothing of that answer is used.
   */
  public boolean anotherPatientIn(JsonObject answer) {
    Deque<Object> toVisit = new ArrayDeque<>();
    toVisit.push(answer);
    while (!toVisit.isEmpty()) {
      Object node = toVisit.pop();
      if (node instanceof JsonObject object) {
        if (isPatient(object) && namesAnotherPatient(object)) {
          return true;
        }
        if (object.getValue("identifier") instanceof JsonObject identifier && NhsNumber.isSystem(identifier.getValue("system"))
            && !(identifier.getValue("value") instanceof String v && nhsNumber.value().equals(NhsNumber.compact(v)))) {
          return true;
        }
        pushChildren(object.getMap().values(), toVisit);
      } else if (node instanceof JsonArray array) {
        pushChildren(array.getList(), toVisit);
      }
    }
    return false;
  }

  /**
   * Queues the objects and arrays among a node's values. Read from the backing map or list, not through
   * {@link JsonObject}'s iterator, which wraps every value it hands out; a plain {@link Map} or {@link List}
   * value (never from {@link BoundedJson}, but JSON built in code may hold one) is wrapped here as that
   * iterator would, so nothing below it goes unread.
   */
  @SuppressWarnings("unchecked")
  private static void pushChildren(Iterable<Object> values, Deque<Object> toVisit) {
    for (Object value : values) {
      if (value instanceof JsonObject || value instanceof JsonArray) {
        toVisit.push(value);
      } else if (value instanceof Map<?, ?> map) {
        toVisit.push(new JsonObject((Map<String, Object>) map));
      } else if (value instanceof List<?> list) {
        toVisit.push(new JsonArray(list));
      }
    }
  }

  private enum Judgement { MATCH, OTHER_PATIENT, UNKNOWN }

  /** A resource's judgement and the index's {@link ResourceIndex#changes} it was made at. */
  private record Judged(int changes, Judgement judgement) {}

  /** What one resource says about whose it is. */
  private static final class Claims {
    int match;
    int other;
    int unknown;

    void add(Judgement judgement) {
      switch (judgement) {
        case MATCH -> match++;
        case OTHER_PATIENT -> other++;
        case UNKNOWN -> unknown++;
      }
    }

    boolean namesAPatient() {
      return match + other + unknown > 0;
    }

    Judgement verdict() {
      if (other > 0) {
        return Judgement.OTHER_PATIENT;
      }
      return unknown == 0 && match > 0 ? Judgement.MATCH : Judgement.UNKNOWN;
    }
  }

  /**
   * A resource's judgement, remembered for the request: a section's resources are checked before its
   * links are fetched and again after, and what a resource claims can change only with the index (a
   * resource added under an id: {@link ResourceIndex#changes}), so while the index is as it was the
   * judgement stands. Resources are never changed in place once read (a medicine given its Medication
   * is a new copy, judged afresh).
   */
  private Judgement judge(JsonObject resource, ResourceIndex index) {
    if (resource == null) {
      return Judgement.UNKNOWN;
    }
    Map<JsonObject, Judged> memo = index.memo(judgedMemo, IdentityHashMap::new);
    int changes = index.changes();
    Judged known = memo.get(resource);
    if (known != null && known.changes() == changes) {
      return known.judgement();
    }
    Judgement judgement = index.isAmbiguous(resource) ? Judgement.UNKNOWN : claims(resource, index, true).verdict();
    memo.put(resource, new Judged(changes, judgement));
    return judgement;
  }

  /**
   * Every claim the resource makes about its patient. With {@code followOthers}, a reference to
   * another resource of the source adds what that resource claims (one level: its own claims are
   * read without following it further).
   */
  private Claims claims(JsonObject resource, ResourceIndex index, boolean followOthers) {
    Claims claims = new Claims();
    if (isPatient(resource)) {
      claims.add(aboutPatient(resource));
    }
    Deque<Object> toVisit = new ArrayDeque<>();
    toVisit.push(resource);
    while (!toVisit.isEmpty()) {
      Object node = toVisit.pop();
      if (node instanceof JsonObject object) {
        if (object != resource && isPatient(object)) {
          claims.add(aboutPatient(object)); // a contained Patient
        }
        reference(object, resource, index, followOthers, claims);
        pushChildren(object.getMap().values(), toVisit);
      } else if (node instanceof JsonArray array) {
        pushChildren(array.getList(), toVisit);
      }
    }
    return claims;
  }

  /** What one Reference-shaped object (a {@code reference} string or an {@code identifier}) claims. */
  private void reference(JsonObject object, JsonObject resource, ResourceIndex index, boolean followOthers, Claims claims) {
    if (object.getValue("identifier") instanceof JsonObject identifier && NhsNumber.isSystem(identifier.getValue("system"))) {
      claims.add(identifier.getValue("value") instanceof String v && nhsNumber.value().equals(NhsNumber.compact(v))
          ? Judgement.MATCH : Judgement.OTHER_PATIENT);
    }
    if (!(object.getValue("reference") instanceof String literal)) {
      return;
    }
    boolean toPatient = "Patient".equals(References.typeOf(literal)) || "Patient".equals(object.getValue("type"));
    if (literal.startsWith("#")) {
      return; // contained resources are walked as part of this one
    }
    if (index.isForeign(literal)) {
      if (toPatient) {
        claims.add(Judgement.UNKNOWN);
      }
      return;
    }
    if (index.isAmbiguous(literal)) {
      claims.add(Judgement.UNKNOWN);
      return;
    }
    JsonObject target = index.resolve(literal).orElse(null);
    if (target == null) {
      if (toPatient) {
        claims.add(Judgement.UNKNOWN);
      }
    } else if (isPatient(target)) {
      claims.add(aboutPatient(target));
    } else if (followOthers && target != resource) {
      Claims theirs = direct(target, index);
      if (theirs.other > 0) {
        claims.add(Judgement.OTHER_PATIENT);
      } else if (theirs.unknown > 0) {
        claims.add(Judgement.UNKNOWN);
      }
    }
  }

  /** A referenced resource's own claims, judged once per request. */
  private Claims direct(JsonObject target, ResourceIndex index) {
    Map<JsonObject, Claims> memo = index.memo(directMemo, IdentityHashMap::new);
    Claims known = memo.get(target);
    if (known == null) {
      known = claims(target, index, false);
      if (!known.namesAPatient()) {
        known = new Claims();
      }
      memo.put(target, known);
    }
    return known;
  }

  /**
   * A Patient however the source spells its type ({@code patient}, {@code PATIENT}, padded): FHIR types
   * are case-sensitive, so such a resource is never released as a Patient, but what it says about whose
   * data this is still counts.
   */
  private static boolean isPatient(JsonObject object) {
    return object.getValue("resourceType") instanceof String type && type.trim().equalsIgnoreCase("Patient");
  }

  private Judgement aboutPatient(JsonObject patient) {
    List<String> numbers = Resources.nhsNumbers(patient);
    if (numbers.isEmpty()) {
      return Judgement.UNKNOWN;
    }
    for (String number : numbers) {
      if (!nhsNumber.value().equals(number)) {
        return Judgement.OTHER_PATIENT;
      }
    }
    return Judgement.MATCH;
  }
}
