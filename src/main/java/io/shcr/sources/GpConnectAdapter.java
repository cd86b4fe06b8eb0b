package io.shcr.sources;

import io.shcr.fhir.References;
import io.shcr.fhir.Resources;
import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * GP Connect Access Record: Structured ({@code gp-connect}): one
 * {@code POST [base]/Patient/$gpc.getstructuredrecord} for the requested clinical areas and the areas
 * needed to judge them ({@link GpConnectArea#judgedWith()}). Only the requested areas' resources are
 * handed over as sections; what was fetched to judge them goes into the source's index and nowhere else.
 * A link the privacy filter still needs into an area not yet asked is fetched by asking that area too
 * ({@link #lookups}). Pure: it builds the requests and reads the answers; the {@link SourceRequester} sends them. List warnings and OperationOutcome issues (an area disabled at the practice) of the
 * requested areas become readable source details, in our own words only.
 */
public final class GpConnectAdapter implements SourceAdapter {

  static final String OPERATION = "/Patient/$gpc.getstructuredrecord";
  static final String WARNING_EXTENSION = "ListWarningCode";
  /** List warnings that say an area may be incomplete: shown to the viewer, and the area counts as not fully returned. */
  static final Set<String> REPORTED_WARNINGS = Set.of("data-in-transit", "data-awaiting-filing");
  /** Spine codes of an issue that may be echoed in a detail; any other code a source sends is dropped. */
  static final Set<String> REPORTED_ISSUE_CODES = Set.of("NOT_IMPLEMENTED");

  static final String LOSSY_DETAIL = "items whose STU3 form would not convert to R4 without loss were withheld";

  /** Sections this protocol can supply. */
  public static final Set<Section> SUPPORTED;

  static {
    Set<Section> supported = EnumSet.of(Section.DEMOGRAPHICS);
    for (GpConnectArea area : GpConnectArea.values()) {
      supported.add(area.section());
    }
    SUPPORTED = Collections.unmodifiableSet(supported);
  }

  /** What one structured-record request asks: its areas, and whether it is the request for the sections. */
  private record Post(Set<GpConnectArea> areas, Set<GpConnectArea> shown, boolean forSections) {}

  @Override
  public List<SourceQuery> plan(SourceCall call) {
    String unnameable = GpConnectConsumer.unnameable(call.requester());
    if (unnameable != null) {
      throw new NotAsked(SourceFailure.notAsked(unnameable));
    }
    Set<GpConnectArea> shown = EnumSet.noneOf(GpConnectArea.class);
    call.sections().forEach(section -> GpConnectArea.filling(section).ifPresent(shown::add));
    Set<GpConnectArea> asked = EnumSet.noneOf(GpConnectArea.class);
    asked.addAll(shown);
    shown.forEach(area -> asked.addAll(area.judgedWith()));
    AskedAreas.of(call.index()).asking(asked);
    Set<Section> fills = EnumSet.noneOf(Section.class);
    call.sections().stream().filter(SUPPORTED::contains).forEach(fills::add);
    return List.of(post(call, asked, new Post(asked, shown, true), fills));
  }

  /** One structured-record request for these areas. */
  private static SourceQuery post(SourceCall call, Set<GpConnectArea> areas, Post post, Set<Section> fills) {
    JsonArray parameter = new JsonArray().add(new JsonObject()
        .put("name", "patientNHSNumber")
        .put("valueIdentifier", Resources.nhsIdentifier(call.nhsNumber())));
    areas.forEach(area -> parameter.add(area.parameter()));
    JsonObject body = new JsonObject().put("resourceType", "Parameters").put("parameter", parameter);
    Set<String> keys = new java.util.HashSet<>();
    areas.forEach(area -> keys.add(AskedAreas.key(area)));
    // Through the Spine Secure Proxy when configured, with its headers and a consumer JWT for this user.
    // The provider's service root and ASID come from SDS (or the practice's static override), never from the source list alone.
    io.shcr.sources.sds.ProviderEndpoint provider = java.util.Objects.requireNonNull(call.provider(), "no provider endpoint");
    SourceHttpRequest request = new SourceHttpRequest(io.vertx.core.http.HttpMethod.POST,
        call.gpConnect().route(provider.address()) + OPERATION, body.toBuffer(), GpConnectConsumer.MEDIA_TYPE,
        call.gpConnect().headers(provider, call.requester(), call.at()));
    return new SourceQuery(request,
        "structured record", fills, 1, keys, post);
  }

  /**
   * Reads a structured record: every resource goes into the index; the areas asked are noted as returned
   * whole or not; for the request for the sections, only the sections asked are filled (an area fetched to
   * judge them is never released) and warnings become details.
   */
  @Override
  public ResponseRead read(SourceCall call, SourceQuery query, SourceHttpResponse response) {
    Post post = (Post) query.tag();
    AskedAreas asked = AskedAreas.of(call.index());
    FhirJson.Answer answer = FhirJson.bundle(response, call, true);
    if (answer.failure() != null) {
      return ResponseRead.failed(answer.failure(), answer.resourceCount());
    }
    if (answer.patientNotFound()) {
      asked.answered(post.areas(), Set.of());
      return new ResponseRead(Map.of(), List.of(), List.of(), -1, null, ResponseRead.PatientWord.NOT_HELD, List.of(), null);
    }
    List<JsonObject> all = answer.resources();
    Set<GpConnectArea> whole = returnedAreas(all, post.areas());
    // An item left out because its STU3 form lost a link or a code in R4: its area is not whole, so what
    // links to it is reported not checked rather than judged against an area that seems complete.
    answer.lossy().forEach(id -> GpConnectArea.holding(References.typeOf(id)).ifPresent(whole::remove));
    asked.answered(post.areas(), whole);
    if (!post.forSections()) {
      return new ResponseRead(Map.of(), all, all, answer.resourceCount(), null, ResponseRead.PatientWord.UNSAID, List.of(), null);
    }
    Map<Section, List<JsonObject>> bySection = new LinkedHashMap<>();
    for (Section section : call.sections()) {
      if (SUPPORTED.contains(section)) {
        bySection.put(section, new ArrayList<>());
      }
    }
    Set<String> details = new LinkedHashSet<>();
    if (!answer.lossy().isEmpty()) {
      details.add(LOSSY_DETAIL);
    }
    boolean patientKnown = false;
    for (JsonObject resource : all) {
      String type = Resources.type(resource);
      if ("Patient".equals(type)) {
        patientKnown = true;
      }
      if ("List".equals(type)) {
        details.addAll(listWarnings(resource, post.shown(), post.areas()));
      } else if ("OperationOutcome".equals(type)) {
        details.addAll(outcomeWarnings(resource, post.shown(), post.areas()));
      }
      // Only the sections asked are filled: an area fetched to judge them is never released.
      Section.forResourceType(type).map(bySection::get).ifPresent(list -> list.add(resource));
    }
    return new ResponseRead(bySection, all, all, answer.resourceCount(), null,
        patientKnown ? ResponseRead.PatientWord.KNOWN : ResponseRead.PatientWord.UNSAID, new ArrayList<>(details), null);
  }

  /**
   * The areas asked that came back whole: their primary List is in the answer, without a warning that it
   * may be incomplete. What such an area does not hold, the practice left out (GP Connect leaves out what
   * is confidential, and every link to it).
   */
  static Set<GpConnectArea> returnedAreas(List<JsonObject> all, Set<GpConnectArea> asked) {
    Set<GpConnectArea> whole = EnumSet.noneOf(GpConnectArea.class);
    Set<GpConnectArea> partial = EnumSet.noneOf(GpConnectArea.class);
    for (JsonObject resource : all) {
      if ("List".equals(Resources.type(resource))) {
        GpConnectArea.listedBy(resource).filter(asked::contains)
            .ifPresent(area -> (warningCodes(resource).stream().anyMatch(REPORTED_WARNINGS::contains) ? partial : whole).add(area));
      }
    }
    whole.removeAll(partial);
    return whole;
  }

  /**
   * Links the privacy filter needs: a reference into an area not yet asked in this request makes that
   * area asked now (into the index only, never released); a reference into an area another lookup is
   * still asking waits for that one.
   */
  @Override
  public LinkLookup lookups(SourceCall call, Set<String> references) {
    AskedAreas asked = AskedAreas.of(call.index());
    Map<GpConnectArea, List<String>> byArea = new EnumMap<>(GpConnectArea.class);
    List<String> unheld = new ArrayList<>();
    classify(call, references, byArea, unheld);
    Set<String> awaiting = new java.util.HashSet<>();
    if (!unheld.isEmpty()) {
      awaiting.addAll(asked.keys());
    } else {
      byArea.keySet().forEach(area -> awaiting.add(AskedAreas.key(area)));
    }
    Set<GpConnectArea> toAsk = asked.notAsked(byArea.keySet());
    if (toAsk.isEmpty()) {
      return new LinkLookup(List.of(), awaiting);
    }
    asked.asking(toAsk);
    return new LinkLookup(List.of(post(call, toAsk, new Post(toAsk, Set.of(), false), Set.of())), awaiting);
  }

  /**
   * Once the areas concerned have answered, every reference into an area that came back whole is marked
   * sought (what it lacks, the practice left out), and so is a reference no area holds (an administrative
   * or document resource) once every area asked came back whole. The rest (an area switched off at the
   * practice, a request that failed) stay unlooked, and the items that needed them are reported as not
   * checked.
   */
  @Override
  public List<JsonObject> settle(SourceCall call, Set<String> references, Map<SourceQuery, List<JsonObject>> answered) {
    AskedAreas asked = AskedAreas.of(call.index());
    Map<GpConnectArea, List<String>> byArea = new EnumMap<>(GpConnectArea.class);
    List<String> unheld = new ArrayList<>();
    classify(call, references, byArea, unheld);
    byArea.forEach((area, refs) -> {
      if (asked.returned(area)) {
        call.index().markSought(refs);
      }
    });
    if (!unheld.isEmpty() && asked.allReturned()) {
      call.index().markSought(unheld);
    }
    return references.stream().map(call.index()::resolve).flatMap(Optional::stream).toList();
  }

  private static void classify(SourceCall call, Set<String> references, Map<GpConnectArea, List<String>> byArea,
      List<String> unheld) {
    for (String reference : references) {
      if (call.index().isForeign(reference)) {
        continue;
      }
      GpConnectArea.holding(References.typeOf(reference))
          .ifPresentOrElse(area -> byArea.computeIfAbsent(area, a -> new ArrayList<>()).add(reference), () -> unheld.add(reference));
    }
  }

  /**
   * "problems: data-in-transit" for each incompleteness warning on the List of an area the viewer asked
   * for (an area fetched only to judge says nothing). The area is named from the List's code or entries,
   * never from the source's free text; confidential-items maps to the standing statement every record
   * carries, so it is no per-patient tell.
   */
  private static List<String> listWarnings(JsonObject list, Set<GpConnectArea> shown, Set<GpConnectArea> asked) {
    Optional<GpConnectArea> area = GpConnectArea.listedBy(list);
    if (area.isPresent() && !shown.contains(area.get()) && asked.contains(area.get())) {
      return List.of();
    }
    String title = area.map(a -> a.section().wireName()).orElse("a clinical area");
    return warningCodes(list).stream().filter(REPORTED_WARNINGS::contains).map(code -> title + ": " + code).toList();
  }

  private static List<String> warningCodes(JsonObject list) {
    List<String> codes = new ArrayList<>();
    if (list.getValue("extension") instanceof JsonArray extensions) {
      for (Object e : extensions) {
        if (e instanceof JsonObject ext && ext.getValue("url") instanceof String u && u.contains(WARNING_EXTENSION)
            && ext.getValue("valueCode") instanceof String code) {
          codes.add(code);
        }
      }
    }
    return codes;
  }

  /**
   * Areas the practice has switched off come back as OperationOutcome issues. One that names an area
   * fetched only to judge says nothing (what it leaves unjudged is reported as not checked).
   */
  private static List<String> outcomeWarnings(JsonObject outcome, Set<GpConnectArea> shown, Set<GpConnectArea> asked) {
    List<String> warnings = new ArrayList<>();
    if (outcome.getValue("issue") instanceof JsonArray issues) {
      for (Object i : issues) {
        if (i instanceof JsonObject issue) {
          Optional<GpConnectArea> area = GpConnectArea.namedBy(issue);
          if (area.isPresent() && !shown.contains(area.get()) && asked.contains(area.get())) {
            continue;
          }
          warnings.add(area.map(a -> a.section().wireName() + ": switched off at source").orElse("a clinical area is switched off at source")
              + spineCode(issue));
        }
      }
    }
    return warnings;
  }

  /** Only the Spine codes listed here are echoed; whatever else a source writes there is never shown. */
  private static String spineCode(JsonObject issue) {
    String code = SpineCodes.ofIssue(issue);
    return code != null && REPORTED_ISSUE_CODES.contains(code) ? " (" + code + ")" : "";
  }
}
