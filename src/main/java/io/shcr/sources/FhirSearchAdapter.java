package io.shcr.sources;

import io.shcr.fhir.Bundles;
import io.shcr.fhir.References;
import io.shcr.fhir.Resources;
import io.shcr.record.Section;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * FHIR R4 REST search ({@code fhir-r4}): the Patient by NHS number, and one search per resource type
 * of each section by {@code patient.identifier}, all at once; each section is handed over as soon as
 * its searches (and their next pages, up to the page cap) are complete.
 */
public final class FhirSearchAdapter implements SourceAdapter {

  static final int PAGE_SIZE = 50;

  @Override
  public Future<SourceReport> fetch(SourceCall call, SectionListener listener) {
    Set<String> truncated = new java.util.LinkedHashSet<>();
    Future<List<JsonObject>> patients = searchAll(call, "Patient", "identifier=" + encode(call.nhsNumber().searchToken()), truncated);
    List<Future<Integer>> sections = new ArrayList<>();
    for (Section section : call.sections()) {
      Future<List<JsonObject>> resources = section == Section.DEMOGRAPHICS ? patients : searchSection(call, section, truncated);
      // The patient guard needs the source's Patient, so a section is handed over once both are in.
      sections.add(Future.all(patients, resources)
          .compose(both -> listener.onSection(section, resources.result()).map(v -> resources.result().size())));
    }
    // join, not all: a failed section must not let the source finish while others are still streaming.
    return Future.join(sections).map(done -> {
      boolean known = !patients.result().isEmpty() || sections.stream().anyMatch(f -> f.result() > 0);
      // A clinician must know when a list is incomplete: say which searches hit the page limit.
      List<String> details = truncated.stream().map(type -> type + ": more results than shown (page limit)").toList();
      return SourceReport.of(known, details);
    });
  }

  private Future<List<JsonObject>> searchSection(SourceCall call, Section section, Set<String> truncated) {
    String query = "patient.identifier=" + encode(call.nhsNumber().searchToken()) + "&_count=" + PAGE_SIZE;
    List<Future<List<JsonObject>>> searches = section.resourceTypes().stream()
        .map(type -> searchAll(call, type, query, truncated))
        .toList();
    return Future.all(searches).map(all -> searches.stream()
        .flatMap(f -> f.result().stream())
        .collect(Collectors.toList()));
  }

  /** One search, following next links on the same source up to the page cap; adds all to the index. */
  private Future<List<JsonObject>> searchAll(SourceCall call, String type, String query, Set<String> truncated) {
    List<JsonObject> collected = new ArrayList<>();
    return page(call, type, call.source().baseUrl() + "/" + type + "?" + query, 1, collected, truncated);
  }

  private Future<List<JsonObject>> page(SourceCall call, String type, String url, int pageNumber, List<JsonObject> collected,
      Set<String> truncated) {
    return call.client().send(SourceHttpRequest.get(url), call.deadline(), call.scope()).compose(response -> {
      JsonObject bundle = FhirJson.bundle(response);
      List<JsonObject> matches = Bundles.resources(bundle, "match");
      collected.addAll(matches);
      call.index().addAll(Bundles.resources(bundle));
      var next = Bundles.nextLink(bundle);
      if (next.isEmpty()) {
        return Future.succeededFuture(collected);
      }
      if (pageNumber >= call.source().pageCap()) {
        truncated.add(type);
        return Future.succeededFuture(collected);
      }
      if (!withinSource(call.source().baseUrl(), next.get())) {
        return Future.failedFuture(new SourceFailure(SourceStatus.ERROR, "next page link points outside the source"));
      }
      return page(call, type, next.get(), pageNumber + 1, collected, truncated);
    });
  }

  /**
   * One {@code _id} search per type. A lookup that answers marks its references sought, so what it did not
   * return counts as left out by the source ({@link io.shcr.fhir.ResourceIndex#leftOut}); one that fails
   * marks nothing, so what needed it is reported as not checked. A reference no FHIR server could answer
   * (not {@code Type/id} with a valid id) is the source's own doing and is marked sought without asking.
   */
  @Override
  public Future<List<JsonObject>> resolve(SourceCall call, Set<String> references) {
    Map<String, List<String>> idsByType = new TreeMap<>();
    List<String> unanswerable = new ArrayList<>();
    for (String reference : references) {
      if (call.index().isForeign(reference)) {
        continue;
      }
      String local = References.localPart(reference);
      String type = References.typeOf(local);
      String id = type == null ? null : local.substring(type.length() + 1);
      if (type != null && type.matches("[A-Z][A-Za-z]+") && id.matches("[A-Za-z0-9\\-.]{1,64}")) {
        idsByType.computeIfAbsent(type, t -> new ArrayList<>()).add(id);
      } else {
        unanswerable.add(reference);
      }
    }
    call.index().markSought(unanswerable);
    List<Future<List<JsonObject>>> lookups = idsByType.entrySet().stream()
        .map(e -> searchAll(call, e.getKey(), "_id=" + encode(String.join(",", e.getValue())), new java.util.HashSet<>())
            .onSuccess(found -> call.index().markSought(e.getValue().stream().map(id -> e.getKey() + "/" + id).toList())))
        .toList();
    // join, not all: the lookups that answered count even when another failed.
    return Future.join(lookups).transform(done -> Future.succeededFuture(lookups.stream()
        .filter(Future::succeeded)
        .flatMap(f -> f.result().stream())
        .filter(r -> references.stream().anyMatch(ref -> References.localPart(ref).equals(Resources.localReference(r))))
        .collect(Collectors.toList())));
  }

  /**
   * A next link must stay on this source: same scheme, host and port, under the source's base path,
   * with no user-info and no dot segments (plain or encoded), so a source cannot steer us to another
   * source or endpoint behind the same gateway.
   */
  static boolean withinSource(String baseUrl, String url) {
    try {
      URI base = URI.create(baseUrl);
      URI next = URI.create(url);
      String rawPath = next.getRawPath() == null ? "" : next.getRawPath();
      String lower = rawPath.toLowerCase(java.util.Locale.ROOT);
      return base.getScheme().equalsIgnoreCase(next.getScheme())
          && base.getHost().equalsIgnoreCase(next.getHost())
          && base.getPort() == next.getPort()
          && next.getRawUserInfo() == null
          && !rawPath.contains("..") && !lower.contains("%2e") && !lower.contains("%2f")
          && (rawPath.equals(base.getRawPath()) || rawPath.startsWith(base.getRawPath() + "/"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
