package io.shcr.api.fhir;

import io.shcr.fhir.References;
import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns one finished view (its sources, their released resources, their final statuses) into one page
 * of a FHIR {@code searchset} Bundle. A pure function of its inputs: it runs on a worker thread, holds
 * nothing after it returns, and is tested on its own.
 *
 * <ul>
 *   <li>every entry's {@code fullUrl} is absolute and names its source: the source's base URL, or for a
 *       source not named for a restricted patient, {@code {our base}/fhir/{alias}} (the alias of this
 *       request only);</li>
 *   <li>matches are ordered by source (registry order, unnamed sources last), type and id, so a page
 *       asked again by the next link slices the same order while sources answer the same;</li>
 *   <li>a relative reference that resolves within the page is kept; one that does not is made absolute
 *       against its source's base URL, or, for an unnamed source, replaced by {@code display:
 *       "Withheld"} (its base is ours and would resolve nowhere);</li>
 *   <li>a {@code Provenance} per source with entries on the page; an {@code OperationOutcome} entry
 *       ({@code search.mode = outcome}) per source that failed, timed out, was not live or was skipped
 *       (not for one that answered it does not hold the patient), with the SSE
 *       {@code source} event's status code, and one for the standing statement.</li>
 * </ul>
 */
final class SearchBundle {

  static final String STATUS_SYSTEM = "https://shcr.nhs.uk/CodeSystem/source-status";
  static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
  static final String WITHHELD = "Withheld";

  /** One source as the view showed it. */
  record Source(String shownId, String name, String baseUrl, boolean named) {}

  /**
   * What to put on the page.
   *
   * @param matchType the searched type, or null for {@code $everything} (every resource matches)
   * @param offset index of the first match on the page
   * @param count most matches on the page
   * @param countOnly {@code _summary=count}: the total and the outcomes, no resources
   * @param pageUrl the URL of a page of this search at an offset (self, next, previous)
   */
  record Page(String matchType, int offset, int count, boolean countOnly, java.util.function.IntFunction<String> pageUrl) {}

  /** The Bundle and how many resources it carries (entries with search.mode match or include). */
  record Result(JsonObject bundle, int delivered) {}

  private record Entry(int sourceRank, Source source, String fullUrl, JsonObject resource, String sortKey) {
    String type() {
      return resource.getString("resourceType");
    }
  }

  private SearchBundle() {}

  static Result build(List<Source> sources, Map<String, JsonArray> releasedBySource, JsonArray statuses,
      String standingStatement, Page page) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (int rank = 0; rank < sources.size(); rank++) {
      Source source = sources.get(rank);
      JsonArray released = releasedBySource.get(source.shownId());
      if (released == null) {
        continue;
      }
      for (Object item : released) {
        if (item instanceof JsonObject resource && resource.getValue("resourceType") instanceof String type) {
          String id = resource.getValue("id") instanceof String s ? s : null;
          String fullUrl = id == null ? "urn:uuid:" + UUID.randomUUID() : source.baseUrl() + "/" + type + "/" + id;
          // Unnamed sources share one rank: their order in this request is random and must not show.
          int sourceRank = source.named() ? rank : sources.size();
          String sortKey = type + "/" + (id == null ? "" : id) + (source.named() ? "" : "#" + digest(resource.encode()));
          entries.putIfAbsent(fullUrl, new Entry(sourceRank, source, fullUrl, resource, sortKey));
        }
      }
    }
    List<Entry> matches = entries.values().stream().filter(e -> matches(e, page.matchType()))
        .sorted(Comparator.comparingInt(Entry::sourceRank).thenComparing(Entry::sortKey)).toList();

    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("id", UUID.randomUUID().toString())
        .put("meta", new JsonObject().put("lastUpdated", Instant.now().toString()))
        .put("type", "searchset").put("total", matches.size());
    JsonArray links = new JsonArray().add(link("self", page.pageUrl().apply(page.offset())));
    JsonArray out = new JsonArray();
    int delivered = 0;
    if (!page.countOnly()) {
      int from = Math.min(page.offset(), matches.size());
      int to = (int) Math.min((long) from + page.count(), matches.size());
      List<Entry> onPage = new ArrayList<>(matches.subList(from, to));
      Set<String> matchSources = new LinkedHashSet<>();
      onPage.forEach(e -> matchSources.add(e.source().shownId()));
      List<Entry> included = page.matchType() == null ? List.of() : entries.values().stream()
          .filter(e -> !matches(e, page.matchType()) && isSupporting(e.type()) && matchSources.contains(e.source().shownId()))
          .toList();
      Set<String> inBundle = new LinkedHashSet<>();
      onPage.forEach(e -> inBundle.add(e.fullUrl()));
      included.forEach(e -> inBundle.add(e.fullUrl()));
      for (Entry e : onPage) {
        out.add(entry(e, inBundle, "match"));
      }
      for (Entry e : included) {
        out.add(entry(e, inBundle, "include"));
      }
      delivered = onPage.size() + included.size();
      List<Entry> all = new ArrayList<>(onPage);
      all.addAll(included);
      for (Source source : sources) {
        List<String> targets = all.stream().filter(e -> e.source() == source).map(Entry::fullUrl).toList();
        if (!targets.isEmpty()) {
          out.add(provenance(source, targets));
        }
      }
      if (from > 0) {
        links.add(link("first", page.pageUrl().apply(0)));
        links.add(link("previous", page.pageUrl().apply(Math.max(0, from - page.count()))));
      }
      if (to < matches.size()) {
        links.add(link("next", page.pageUrl().apply(to)));
      }
    }
    for (Object status : statuses) {
      // A source that does not hold the patient answered; the others did not, or not in full.
      if (status instanceof JsonObject json && !"ok".equals(json.getString("status")) && !"not-found".equals(json.getString("status"))) {
        out.add(outcome(sources, json));
      }
    }
    out.add(outcomeEntry(new JsonObject().put("severity", "information").put("code", "informational")
        .put("diagnostics", standingStatement)));
    return new Result(bundle.put("link", links).put("entry", out), delivered);
  }

  private static boolean matches(Entry entry, String matchType) {
    return matchType == null || matchType.equals(entry.type());
  }

  /** Resources that help read a match (its patient, organisations, people, medicines), not other sections' items. */
  private static boolean isSupporting(String type) {
    return "Patient".equals(type) || Section.forResourceType(type).isEmpty();
  }

  private static JsonObject entry(Entry e, Set<String> inBundle, String mode) {
    rewriteReferences(e.resource(), e.source(), inBundle);
    return new JsonObject().put("fullUrl", e.fullUrl()).put("resource", e.resource())
        .put("search", new JsonObject().put("mode", mode));
  }

  /** Every reference in the resource made to resolve within the page, or to its source (see the class comment). */
  static void rewriteReferences(Object node, Source source, Set<String> inBundle) {
    if (node instanceof JsonObject object) {
      if (object.getValue("reference") instanceof String reference) {
        rewrite(object, reference, source, inBundle);
      }
      for (Map.Entry<String, Object> field : object) {
        if (!"reference".equals(field.getKey())) {
          rewriteReferences(field.getValue(), source, inBundle);
        }
      }
    } else if (node instanceof JsonArray array) {
      for (Object item : array) {
        rewriteReferences(item, source, inBundle);
      }
    }
  }

  private static void rewrite(JsonObject reference, String value, Source source, Set<String> inBundle) {
    if (value.startsWith("#") || value.startsWith("urn:")) {
      return;
    }
    boolean absolute = value.contains("://");
    String target = absolute ? value : source.baseUrl() + "/" + value;
    if (inBundle.contains(target) || inBundle.contains(source.baseUrl() + "/" + References.localPart(value))) {
      return;
    }
    if (source.named()) {
      reference.put("reference", target);
      return;
    }
    reference.remove("reference");
    if (!reference.containsKey("identifier") && !reference.containsKey("display") && !reference.containsKey("extension")) {
      reference.put("display", WITHHELD);
    }
  }

  private static JsonObject provenance(Source source, List<String> targets) {
    JsonObject who = new JsonObject().put("display", source.name());
    if (source.named()) {
      who.put("identifier", new JsonObject().put("system", ODS).put("value", source.shownId()));
    }
    JsonArray target = new JsonArray();
    targets.forEach(url -> target.add(new JsonObject().put("reference", url)));
    JsonObject provenance = new JsonObject().put("resourceType", "Provenance")
        .put("target", target)
        .put("recorded", Instant.now().toString())
        .put("activity", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://terminology.hl7.org/CodeSystem/v3-DataOperation").put("code", "UPDATE")
            .put("display", "revise"))).put("text", "released from the source's record for this view"))
        .put("agent", new JsonArray().add(new JsonObject()
            .put("type", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/provenance-participant-type").put("code", "custodian")
                .put("display", "Custodian"))))
            .put("who", who)));
    String id = UUID.randomUUID().toString();
    return new JsonObject().put("fullUrl", "urn:uuid:" + id).put("resource", provenance.put("id", id))
        .put("search", new JsonObject().put("mode", "include"));
  }

  private static JsonObject outcome(List<Source> sources, JsonObject status) {
    String shownId = status.getString("source");
    String name = sources.stream().filter(s -> s.shownId().equals(shownId)).map(Source::name).findFirst().orElse(shownId);
    String code = status.getString("status");
    String detail = status.getString("detail");
    boolean information = "not-found".equals(code) || "not-live".equals(code);
    String text = name + " (" + shownId + "): " + code + (detail == null ? "" : "; " + detail);
    return outcomeEntry(new JsonObject()
        .put("severity", information ? "information" : "warning")
        .put("code", issueType(code))
        .put("details", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", STATUS_SYSTEM).put("code", code))).put("text", text))
        .put("diagnostics", text));
  }

  private static String issueType(String status) {
    return switch (status) {
      case "timeout" -> "timeout";
      case "not-found" -> "not-found";
      case "not-live", "circuit-open" -> "transient";
      case "patient-mismatch" -> "security";
      default -> "exception";
    };
  }

  private static JsonObject outcomeEntry(JsonObject issue) {
    String id = UUID.randomUUID().toString();
    return new JsonObject().put("fullUrl", "urn:uuid:" + id)
        .put("resource", new JsonObject().put("resourceType", "OperationOutcome").put("id", id).put("issue", new JsonArray().add(issue)))
        .put("search", new JsonObject().put("mode", "outcome"));
  }

  private static JsonObject link(String relation, String url) {
    return new JsonObject().put("relation", relation).put("url", url);
  }

  private static String digest(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
