package io.shcr.sources;

import io.shcr.core.Section;
import io.shcr.fhir.BoundedJson;
import io.shcr.fhir.Bundles;
import io.shcr.fhir.References;
import io.shcr.fhir.Resources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * FHIR R4 REST search ({@code fhir-r4}): the Patient by NHS number, and one search per resource type
 * of every section the source holds by {@code patient.identifier}, all at once; the clinical sections
 * are complete together, once every search (and its next pages) and the Patient search are in, because
 * what groups an item may be any of them; sections not asked are read for judging only. Links are looked up with one {@code _id} search
 * per type. Where the source's CapabilityStatement declares {@code batch}, the first searches go in one
 * batch POST ({@link #batch}, {@link #unbatch}), each entry read as its search alone; an entry holding
 * matches of another searched type (a misordered batch) fails the batch. Pure: it builds the
 * searches and reads their pages; the {@link SourceRequester} sends them.
 */
public final class FhirSearchAdapter implements SourceAdapter {

  static final int PAGE_SIZE = 50;

  /**
   * One search across its pages: the ids and page links it has seen (so pages that do not end are
   * caught), the section it fills, and for a lookup the ids it asks. Read and written by one step at a
   * time (the source's lane).
   */
  static final class Search {
    final String type;
    final Section section;
    final boolean patientSearch;
    final List<String> ids;
    final Set<String> seenIds = new HashSet<>();
    final Set<String> seenUrls = new HashSet<>();

    Search(String type, Section section, boolean patientSearch, List<String> ids) {
      this.type = type;
      this.section = section;
      this.patientSearch = patientSearch;
      this.ids = ids;
    }
  }

  @Override
  public List<SourceQuery> plan(SourceCall call) {
    List<SourceQuery> queries = new ArrayList<>();
    String nhs = searchToken(call.nhsNumber());
    Section demographics = call.sections().contains(Section.DEMOGRAPHICS) ? Section.DEMOGRAPHICS : null;
    // The patient guard needs the source's Patient, so every section waits for the Patient search.
    queries.add(query(call, new Search("Patient", demographics, true, null), "identifier=" + nhs, call.sections()));
    // What groups an item (a Condition's evidence, a CarePlan's activity, an extension on anything) is
    // written only on the grouper, which may sit in another section: so every clinical section waits for
    // every clinical search of the source, and the sections a view did not ask are searched too, for the
    // privacy filter alone (they go to the source's index, fill nothing and are never released). A
    // search that fails fails every clinical section: not judged, not sent.
    Set<Section> clinical = new LinkedHashSet<>(call.sections());
    clinical.remove(Section.DEMOGRAPHICS);
    if (clinical.isEmpty()) {
      return queries;
    }
    for (Section section : clinical) {
      searches(call, nhs, section, section, clinical, queries);
    }
    for (Section section : call.source().sections()) {
      if (section != Section.DEMOGRAPHICS && !clinical.contains(section)) {
        searches(call, nhs, section, null, clinical, queries);
      }
    }
    return queries;
  }

  /** The searches of one section's types, filling {@code fills} (null: for judging only), waited for by {@code waiting}. */
  private static void searches(SourceCall call, String nhs, Section section, Section fills, Set<Section> waiting,
      List<SourceQuery> queries) {
    for (String type : section.resourceTypes()) {
      queries.add(query(call, new Search(type, fills, false, null), "patient.identifier=" + nhs + "&_count=" + PAGE_SIZE,
          waiting));
    }
  }

  private static SourceQuery query(SourceCall call, Search search, String parameters, Set<Section> fills) {
    String url = call.source().baseUrl() + "/" + search.type + "?" + parameters;
    search.seenUrls.add(url);
    return new SourceQuery(SourceHttpRequest.get(url), search.type, fills, 1, Set.of(), search);
  }

  /**
   * Reads one page. A source whose pages do not end (a next link it already gave, a page with nothing
   * new, more than the total it declared) fails: that is the source failing, not a long record. A next
   * link off the source fails too. A 404 PATIENT_NOT_FOUND to the Patient search is the source saying it
   * does not hold the patient.
   */
  @Override
  public ResponseRead read(SourceCall call, SourceQuery query, SourceHttpResponse response) {
    Search search = (Search) query.tag();
    FhirJson.Answer answer = FhirJson.bundle(response, call);
    if (answer.failure() != null) {
      return ResponseRead.failed(answer.failure(), answer.resourceCount());
    }
    if (answer.patientNotFound()) {
      return new ResponseRead(filling(search, List.of()), List.of(), List.of(), -1, null,
          search.patientSearch ? ResponseRead.PatientWord.NOT_HELD : ResponseRead.PatientWord.UNSAID, List.of(), null);
    }
    List<JsonObject> matches = Bundles.resources(answer.bundle(), "match");
    int before = search.seenIds.size();
    int fresh = 0;
    for (JsonObject match : matches) {
      String id = Resources.localReference(match);
      if (id == null || search.seenIds.add(id)) {
        fresh++;
      }
    }
    SourceQuery next = null;
    var link = Bundles.nextLink(answer.bundle());
    if (link.isPresent()) {
      Object total = answer.bundle().getValue("total");
      if (fresh == 0 || search.seenUrls.contains(link.get())
          || (total instanceof Integer declared && before + fresh >= declared)) {
        return ResponseRead.failed(SourceFailure.endlessPages(), answer.resourceCount(), answer.resources());
      }
      if (!withinSource(call.source().baseUrl(), link.get())) {
        return ResponseRead.failed(SourceFailure.nextOutsideSource(), answer.resourceCount(), answer.resources());
      }
      search.seenUrls.add(link.get());
      next = query.nextPage(link.get());
    }
    return new ResponseRead(filling(search, matches), matches, answer.resources(), answer.resourceCount(), next,
        matches.isEmpty() ? ResponseRead.PatientWord.UNSAID : ResponseRead.PatientWord.KNOWN, List.of(), null);
  }

  /**
   * All the first searches in one FHIR {@code batch} POST to the base, when the source declares
   * {@code batch} and there is more than one search: one round trip instead of one per type and the
   * Patient's. Each entry is the search exactly as it would be sent alone (a GET relative to the base).
   */
  @Override
  public SourceQuery batch(SourceCall call, List<SourceQuery> queries, FhirCapabilities declared) {
    if (!declared.batch() || queries.size() < 2) {
      return null;
    }
    String base = call.source().baseUrl() + "/";
    JsonArray entries = new JsonArray();
    for (SourceQuery query : queries) {
      if (!query.request().url().startsWith(base)) {
        return null;
      }
      entries.add(new JsonObject().put("request", new JsonObject().put("method", "GET")
          .put("url", query.request().url().substring(base.length()))));
    }
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "batch").put("entry", entries);
    return new SourceQuery(SourceHttpRequest.batch(call.source().baseUrl(), bundle.toBuffer(), queries.size()), "batch",
        Set.of(), 1, Set.of(), null);
  }

  /**
   * A {@code batch-response} with exactly one entry per search, in order (FHIR requires it); anything
   * else fails the whole batch. Each entry becomes the response its search would have had alone (its
   * status, its searchset or OperationOutcome, within the source's cap for one answer) and is read by
   * {@link #read} exactly as such: an entry that failed is that search's failure, one of another
   * patient is caught by the patient guard, one of the wrong type (misordered) fails its search.
   */
  @Override
  public BatchAnswer unbatch(SourceCall call, List<SourceQuery> queries, SourceHttpResponse response) {
    int status = response.status();
    if (status < 200 || status >= 300) {
      return BatchAnswer.failed(status >= 300 && status < 400 ? SourceFailure.redirected(status) : SourceFailure.httpStatus(status, null));
    }
    if (!FhirJson.declaredFhirJson(response.contentType())) {
      return BatchAnswer.failed(SourceFailure.wrongContentType());
    }
    JsonObject json;
    try {
      json = BoundedJson.object(response.body(), Math.max(queries.size(), call.source().maxResourcesPerAnswer()));
    } catch (BoundedJson.Unreadable e) {
      return BatchAnswer.failed(SourceFailure.unreadable(e.problem(), call.source().maxResourcesPerAnswer()));
    }
    if (!Bundles.isBundle(json) || !"batch-response".equals(json.getValue("type"))
        || !(json.getValue("entry") instanceof JsonArray entries) || entries.size() != queries.size()) {
      return BatchAnswer.failed(SourceFailure.batchMismatch());
    }
    Set<String> searched = new HashSet<>();
    queries.forEach(query -> searched.add(((Search) query.tag()).type));
    List<CallResult<SourceHttpResponse>> parts = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (misordered(entries.getValue(i), ((Search) queries.get(i).tag()).type, searched)) {
        return BatchAnswer.failed(SourceFailure.wrongResourceType());
      }
      parts.add(part(call, entries.getValue(i)));
    }
    return new BatchAnswer(parts, null);
  }

  /**
   * Whether an entry's matches include one of another type this batch searched: the answer to another
   * entry's search, put in the wrong place. (Other types are dropped later, as for a search sent alone.)
   */
  private static boolean misordered(Object item, String type, Set<String> searched) {
    if (item instanceof JsonObject entry && entry.getValue("resource") instanceof JsonObject resource && Bundles.isBundle(resource)) {
      for (JsonObject match : Bundles.resources(resource, "match")) {
        Object matchType = match.getValue("resourceType");
        if (!type.equals(matchType) && searched.contains(matchType)) {
          return true;
        }
      }
    }
    return false;
  }

  private static CallResult<SourceHttpResponse> part(SourceCall call, Object item) {
    if (!(item instanceof JsonObject entry) || !(entry.getValue("response") instanceof JsonObject answer)
        || !(answer.getValue("status") instanceof String statusLine)) {
      return CallResult.failed(SourceFailure.batchMismatch());
    }
    int status = entryStatus(statusLine);
    if (status < 0) {
      return CallResult.failed(SourceFailure.batchMismatch());
    }
    Object resource = entry.getValue("resource");
    io.vertx.core.buffer.Buffer body = resource instanceof JsonObject r ? r.toBuffer() : io.vertx.core.buffer.Buffer.buffer();
    if (body.length() > call.source().maxResponseBytes()) {
      return CallResult.failed(SourceFailure.tooLarge(call.source().maxResponseBytes()));
    }
    // The entry's resource was read with the batch, within the same limits (deeper, so no deeper than alone):
    // it is handed on as read, not read again from its encoding. The encoding stays for the size cap above
    // and for an error status's OperationOutcome.
    return CallResult.answered(new SourceHttpResponse(status, "application/fhir+json", body,
        resource instanceof JsonObject r ? r : null));
  }

  /** An entry's {@code response.status} ("200" or "200 OK"), or -1 when it is not one. */
  private static int entryStatus(String line) {
    String code = line.trim().split(" ", 2)[0];
    if (!code.matches("[1-5][0-9][0-9]")) {
      return -1;
    }
    return Integer.parseInt(code);
  }

  private static Map<Section, List<JsonObject>> filling(Search search, List<JsonObject> matches) {
    return search.section == null ? Map.of() : Map.of(search.section, matches);
  }

  /**
   * One {@code _id} search per type. A reference no FHIR server could answer (not {@code Type/id} with a
   * valid id) is the source's own doing and is marked sought without asking; one the source used for two
   * resources cannot be settled by asking again, and a foreign one is never asked of this source.
   */
  @Override
  public LinkLookup lookups(SourceCall call, Set<String> references) {
    Map<String, List<String>> idsByType = new TreeMap<>();
    List<String> unanswerable = new ArrayList<>();
    for (String reference : references) {
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
    List<SourceQuery> queries = new ArrayList<>();
    idsByType.forEach((type, ids) -> queries.add(query(call, new Search(type, null, false, List.copyOf(ids)),
        "_id=" + encode(String.join(",", ids)), Set.of())));
    return new LinkLookup(queries, Set.of());
  }

  /**
   * A lookup that answered marks its references sought, so what it did not return counts as left out by
   * the source ({@link io.shcr.fhir.ResourceIndex#leftOut}); one that failed marks nothing, so what needed
   * it is reported as not checked.
   */
  @Override
  public List<JsonObject> settle(SourceCall call, Set<String> references, Map<SourceQuery, List<JsonObject>> answered) {
    Set<String> wanted = new LinkedHashSet<>();
    references.forEach(ref -> wanted.add(References.localPart(ref)));
    List<JsonObject> found = new ArrayList<>();
    answered.forEach((query, matches) -> {
      Search search = (Search) query.tag();
      call.index().markSought(search.ids.stream().map(id -> search.type + "/" + id).toList());
      matches.stream().filter(r -> {
        String local = Resources.localReference(r);
        return local != null && wanted.contains(local);
      }).forEach(found::add);
    });
    return found;
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

  /** The system's part of every search token, encoded once (an NHS number is ten digits: nothing of it needs encoding). */
  private static final String ENCODED_SYSTEM = encode(io.shcr.nhs.NhsNumber.SYSTEM + "|");

  /** {@code encode(nhsNumber.searchToken())}, without running the encoder for every source of every view. */
  static String searchToken(io.shcr.nhs.NhsNumber nhsNumber) {
    return ENCODED_SYSTEM + nhsNumber.value();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
