package io.shcr.sources;

import io.shcr.fhir.Bundles;
import io.shcr.fhir.References;
import io.shcr.fhir.Resources;
import io.shcr.core.Section;
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
    Search patientSearch = new Search("Patient", truncated);
    Future<List<JsonObject>> patients = searchAll(call, patientSearch, "identifier=" + encode(call.nhsNumber().searchToken()));
    List<Future<Integer>> sections = new ArrayList<>();
    for (Section section : call.sections()) {
      Future<List<JsonObject>> resources = section == Section.DEMOGRAPHICS ? patients : searchSection(call, section, truncated);
      // The patient guard needs the source's Patient, so a section is handed over once both are in.
      sections.add(Future.all(patients, resources)
          .compose(both -> listener.onSection(section, resources.result()).map(v -> resources.result().size())));
    }
    // join, not all: a failed section must not let the source finish while others are still streaming.
    return Future.join(sections).transform(done -> {
      if (done.failed()) {
        return Future.failedFuture(worstFailure(sections));
      }
      // A 404 PATIENT_NOT_FOUND to the Patient search is the source saying it does not hold the patient.
      boolean known = !patientSearch.notFound
          && (!patients.result().isEmpty() || sections.stream().anyMatch(f -> f.result() > 0));
      // A clinician must know when a list is incomplete: say which searches hit the page limit.
      List<String> details = truncated.stream().map(type -> type + ": more results than shown (page limit)").toList();
      return Future.succeededFuture(SourceReport.of(known, details));
    });
  }

  private static SourceFailure worstFailure(List<? extends Future<?>> futures) {
    SourceFailure worst = null;
    for (Future<?> future : futures) {
      if (future.failed()) {
        worst = SourceFailure.worse(worst, SourceFailure.from(future.cause()));
      }
    }
    return worst == null ? SourceFailure.unprocessable() : worst;
  }

  private Future<List<JsonObject>> searchSection(SourceCall call, Section section, Set<String> truncated) {
    String query = "patient.identifier=" + encode(call.nhsNumber().searchToken()) + "&_count=" + PAGE_SIZE;
    List<Future<List<JsonObject>>> searches = section.resourceTypes().stream()
        .map(type -> searchAll(call, new Search(type, truncated), query))
        .toList();
    return Future.all(searches).map(all -> searches.stream()
        .flatMap(f -> f.result().stream())
        .collect(Collectors.toList()));
  }

  /**
   * One search's state across its pages: what it has collected, the pages it has asked for, and
   * whether the source said it does not know the patient. Read and written by one step at a time.
   */
  private static final class Search {
    final String type;
    final Set<String> truncated;
    final List<JsonObject> collected = new ArrayList<>();
    final Set<String> seenIds = new java.util.HashSet<>();
    final Set<String> seenUrls = new java.util.HashSet<>();
    boolean notFound;

    Search(String type, Set<String> truncated) {
      this.type = type;
      this.truncated = truncated;
    }
  }

  /** What one page gave: its next link, if another page is to be asked for. */
  private record Page(String next) {}

  /** One search, following next links on the same source up to the page cap; adds all to the index. */
  private Future<List<JsonObject>> searchAll(SourceCall call, Search search, String query) {
    return page(call, search, call.source().baseUrl() + "/" + search.type + "?" + query, 1);
  }

  private Future<List<JsonObject>> page(SourceCall call, Search search, String url, int pageNumber) {
    search.seenUrls.add(url);
    return call.client().send(SourceHttpRequest.get(url), call.deadline(), call.scope(),
            response -> readPage(call, search, response, pageNumber))
        .compose(page -> page.next() == null ? Future.succeededFuture(search.collected)
            : page(call, search, page.next(), pageNumber + 1));
  }

  /**
   * Reads one page on the source's lane. A source whose pages do not end (a next link it already
   * gave, a page with nothing new, more than the total it declared) fails: that is the source failing,
   * not a long record. A next link off the source fails too.
   */
  private static Page readPage(SourceCall call, Search search, SourceResponse response, int pageNumber) {
    FhirJson.Answer answer = FhirJson.bundle(response, call);
    if (answer.patientNotFound()) {
      search.notFound = true;
      return new Page(null);
    }
    call.index().addAll(answer.resources());
    int before = search.seenIds.size();
    int fresh = 0;
    for (JsonObject match : Bundles.resources(answer.bundle(), "match")) {
      search.collected.add(match);
      String id = Resources.localReference(match);
      if (id == null || search.seenIds.add(id)) {
        fresh++;
      }
    }
    var next = Bundles.nextLink(answer.bundle());
    if (next.isEmpty()) {
      return new Page(null);
    }
    Object total = answer.bundle().getValue("total");
    if (fresh == 0 || search.seenUrls.contains(next.get())
        || (total instanceof Integer declared && before + fresh >= declared)) {
      throw SourceFailure.endlessPages();
    }
    if (!withinSource(call.source().baseUrl(), next.get())) {
      throw SourceFailure.nextOutsideSource();
    }
    if (pageNumber >= call.source().pageCap()) {
      search.truncated.add(search.type);
      return new Page(null);
    }
    return new Page(next.get());
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
      // An id the source used twice cannot be settled by asking for it again.
      if (call.index().isForeign(reference) || call.index().isAmbiguous(reference)) {
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
        .map(e -> searchAll(call, new Search(e.getKey(), new java.util.HashSet<>()), "_id=" + encode(String.join(",", e.getValue())))
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
