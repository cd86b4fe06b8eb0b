package io.shcr.sources;

import io.shcr.fhir.Resources;
import io.shcr.record.Section;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GP Connect Access Record: Structured ({@code gp-connect}): one
 * {@code POST [base]/Patient/$gpc.getstructuredrecord} for the requested clinical areas. The
 * Bundle's resources are read back into sections by type; List warnings and OperationOutcome issues
 * (an area disabled at the practice) become readable source details.
 */
public final class GpConnectAdapter implements SourceAdapter {

  static final String OPERATION = "/Patient/$gpc.getstructuredrecord";
  static final String WARNING_EXTENSION = "ListWarningCode";
  static final Set<String> REPORTED_WARNINGS = Set.of("data-in-transit", "data-awaiting-filing");

  /** The Parameters part that asks for each section; demographics always comes back. */
  static final Map<Section, String> PARAMETER = new EnumMap<>(Map.of(
      Section.ALLERGIES, "includeAllergies",
      Section.MEDICATIONS, "includeMedication",
      Section.PROBLEMS, "includeProblems",
      Section.ENCOUNTERS, "includeConsultations",
      Section.IMMUNISATIONS, "includeImmunisations",
      Section.RESULTS, "includeInvestigations",
      Section.REFERRALS, "includeReferrals"));

  /** Sections this protocol can supply. */
  public static final Set<Section> SUPPORTED;

  static {
    var supported = java.util.EnumSet.copyOf(PARAMETER.keySet());
    supported.add(Section.DEMOGRAPHICS);
    SUPPORTED = java.util.Collections.unmodifiableSet(supported);
  }

  @Override
  public Future<SourceReport> fetch(SourceCall call, SectionListener listener) {
    String url = call.source().baseUrl() + OPERATION;
    return call.client()
        .send(SourceHttpRequest.postJson(url, parameters(call).toBuffer()), call.deadline(), call.scope(), response -> {
          FhirJson.Answer answer = FhirJson.bundle(response, call);
          call.index().addAll(answer.resources());
          return answer;
        })
        .compose(answer -> answer.patientNotFound() ? Future.succeededFuture(SourceReport.of(false, List.of()))
            : release(call, answer.resources(), listener));
  }

  private Future<SourceReport> release(SourceCall call, List<JsonObject> all, SectionListener listener) {
    Map<Section, List<JsonObject>> bySection = new LinkedHashMap<>();
    for (Section section : call.sections()) {
      if (SUPPORTED.contains(section)) {
        bySection.put(section, new ArrayList<>());
      }
    }
    List<String> details = new ArrayList<>();
    boolean patientKnown = false;
    for (JsonObject resource : all) {
      String type = Resources.type(resource);
      if ("Patient".equals(type)) {
        patientKnown = true;
      }
      if ("List".equals(type)) {
        details.addAll(listWarnings(resource));
      } else if ("OperationOutcome".equals(type)) {
        details.addAll(outcomeWarnings(resource));
      }
      Section.forResourceType(type).map(bySection::get).ifPresent(list -> list.add(resource));
    }
    List<Future<Void>> released = new ArrayList<>();
    bySection.forEach((section, resources) -> released.add(listener.onSection(section, resources)));
    boolean known = patientKnown;
    return Future.join(released).map(v -> SourceReport.of(known, details));
  }

  private static JsonObject parameters(SourceCall call) {
    JsonArray parameter = new JsonArray().add(new JsonObject()
        .put("name", "patientNHSNumber")
        .put("valueIdentifier", Resources.nhsIdentifier(call.nhsNumber())));
    for (Section section : call.sections()) {
      String name = PARAMETER.get(section);
      if (name == null) {
        continue;
      }
      JsonObject part = new JsonObject().put("name", name);
      if (section == Section.ALLERGIES) {
        part.put("part", new JsonArray().add(new JsonObject().put("name", "includeResolvedAllergies").put("valueBoolean", true)));
      } else if (section == Section.MEDICATIONS) {
        part.put("part", new JsonArray().add(new JsonObject().put("name", "includePrescriptionIssues").put("valueBoolean", false)));
      }
      parameter.add(part);
    }
    return new JsonObject().put("resourceType", "Parameters").put("parameter", parameter);
  }

  /**
   * "problems: data-in-transit" for each warning a List carries. The area is named from what the
   * List holds, never from the source's free text.
   */
  private static List<String> listWarnings(JsonObject list) {
    List<String> warnings = new ArrayList<>();
    String title = areaOf(list);
    if (list.getValue("extension") instanceof JsonArray extensions) {
      for (Object e : extensions) {
        if (e instanceof JsonObject ext && ext.getValue("url") instanceof String u && u.contains(WARNING_EXTENSION)
            && ext.getValue("valueCode") instanceof String code) {
          // confidential-items maps to the standing statement every record carries: no per-patient tell.
          // Only the known codes are echoed; anything else a source sends is dropped, never shown.
          if (REPORTED_WARNINGS.contains(code)) {
            warnings.add(title + ": " + code);
          }
        }
      }
    }
    return warnings;
  }

  /** Areas the practice has switched off come back as OperationOutcome issues. */
  private static List<String> outcomeWarnings(JsonObject outcome) {
    List<String> warnings = new ArrayList<>();
    if (outcome.getValue("issue") instanceof JsonArray issues) {
      for (Object i : issues) {
        if (i instanceof JsonObject issue) {
          warnings.add("a clinical area is switched off at source" + spineCode(issue));
        }
      }
    }
    return warnings;
  }

  private static String areaOf(JsonObject list) {
    if (list.getValue("entry") instanceof JsonArray entries) {
      for (Object e : entries) {
        if (e instanceof JsonObject entry && entry.getValue("item") instanceof JsonObject item
            && item.getValue("reference") instanceof String ref) {
          var section = Section.forResourceType(io.shcr.fhir.References.typeOf(ref));
          if (section.isPresent()) {
            return section.get().wireName();
          }
        }
      }
    }
    return "a clinical area";
  }

  /** Only a Spine code we ship is echoed; whatever else a source writes there is never shown. */
  private static String spineCode(JsonObject issue) {
    String code = SpineCodes.ofIssue(issue);
    return code == null ? "" : " (" + code + ")";
  }

  @Override
  public Future<List<JsonObject>> resolve(SourceCall call, Set<String> references) {
    // The structured record is one Bundle: what it did not include cannot be fetched separately.
    return Future.succeededFuture(List.of());
  }
}
