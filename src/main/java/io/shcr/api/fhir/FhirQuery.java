package io.shcr.api.fhir;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.nhs.NhsNumber;
import io.shcr.core.Section;
import io.vertx.core.MultiMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A FHIR request read from its URL: which patient, which type (none for {@code $everything}), which
 * page, and whether only the count is wanted. Every parameter is either understood or refused with a
 * 400 OperationOutcome naming it: a FHIR server that ignores a parameter it does not support returns
 * more than the client asked for and lets it believe otherwise.
 *
 * @param nhsNumber the patient
 * @param type the searched resource type, or null for {@code $everything}
 * @param sections the sections the view asks for (the type's, plus demographics to resolve subjects)
 * @param offset the first match on the page ({@code _offset})
 * @param count the most matches on the page ({@code _count})
 * @param countOnly {@code _summary=count}
 */
record FhirQuery(NhsNumber nhsNumber, String type, Set<Section> sections, int offset, int count, boolean countOnly) {

  static final int DEFAULT_COUNT = 500;
  static final int MAX_COUNT = 1_000;
  /** The farthest page a next link may reach; each page re-runs the view, so a client cannot walk forever. */
  static final int MAX_OFFSET = 100_000;

  /** The patient search parameters, all meaning "the patient with this NHS number". */
  static final Set<String> PATIENT_PARAMS = Set.of("patient.identifier", "patient:identifier");
  private static final Set<String> COMMON = Set.of("_count", "_offset", "_format", "_summary");

  /** A query or the refusal to send; never both. */
  record Parsed(FhirQuery query, ApiError error) {
    static Parsed refused(ApiError error) {
      return new Parsed(null, error);
    }
  }

  /** The types a search may name: every type a section carries. */
  static Optional<Section> sectionOf(String type) {
    return Section.forResourceType(type);
  }

  static Parsed everything(String nhsPathSegment, MultiMap params) {
    Optional<NhsNumber> nhs = NhsNumber.parse(nhsPathSegment);
    if (nhs.isEmpty()) {
      return Parsed.refused(invalidNhsNumber());
    }
    ApiError unknown = unsupported(params, Set.of("_count", "_offset", "_format"));
    if (unknown != null) {
      return Parsed.refused(unknown);
    }
    return paged(nhs.get(), null, EnumSet.allOf(Section.class), params, false);
  }

  static Parsed search(String type, MultiMap params) {
    Optional<Section> section = sectionOf(type);
    if (section.isEmpty()) {
      return Parsed.refused(ErrorCode.NOT_FOUND.error("This server does not serve the resource type '" + printable(type)
          + "'; GET /fhir/metadata lists the types it does."));
    }
    boolean patientType = "Patient".equals(type);
    Set<String> patientParams = patientType ? Set.of("identifier") : PATIENT_PARAMS;
    Set<String> allowed = new LinkedHashSet<>(COMMON);
    allowed.addAll(patientParams);
    ApiError unknown = unsupported(params, allowed);
    if (unknown != null) {
      return Parsed.refused(unknown);
    }
    String present = patientParams.stream().filter(params::contains).findFirst().orElse(null);
    if (present == null || patientParams.stream().filter(params::contains).count() > 1) {
      return Parsed.refused(ErrorCode.INVALID_PARAMETER.error("Exactly one patient is required: "
          + (patientType ? "identifier" : "patient.identifier") + "=" + NhsNumber.SYSTEM + "|{nhsNumber}."));
    }
    String value = params.getAll(present).get(0);
    String prefix = NhsNumber.SYSTEM + "|";
    if (!value.startsWith(prefix) || value.indexOf(',') >= 0) {
      return Parsed.refused(ErrorCode.INVALID_PARAMETER.error("The patient must be named by one NHS number, as "
          + present + "=" + NhsNumber.SYSTEM + "|{nhsNumber}."));
    }
    Optional<NhsNumber> nhs = NhsNumber.parse(value.substring(prefix.length()));
    if (nhs.isEmpty()) {
      return Parsed.refused(invalidNhsNumber());
    }
    Set<Section> sections = EnumSet.of(section.get(), Section.DEMOGRAPHICS);
    return paged(nhs.get(), type, sections, params, true);
  }

  private static Parsed paged(NhsNumber nhs, String type, Set<Section> sections, MultiMap params, boolean summaryAllowed) {
    Integer count = number(params, "_count", 1, MAX_COUNT);
    Integer offset = number(params, "_offset", 0, MAX_OFFSET);
    if (count == null || offset == null) {
      return Parsed.refused(ErrorCode.INVALID_PARAMETER.error("_count must be a whole number from 1 to " + MAX_COUNT
          + " and _offset one from 0 to " + MAX_OFFSET + ", each given at most once."));
    }
    boolean countOnly = false;
    if (params.contains("_summary")) {
      if (!summaryAllowed || params.getAll("_summary").size() != 1 || !"count".equals(params.get("_summary"))) {
        return Parsed.refused(ErrorCode.INVALID_PARAMETER.error(
            "_summary is supported only as _summary=count on a type search."));
      }
      countOnly = true;
    }
    return new Parsed(new FhirQuery(nhs, type, Set.copyOf(sections), offset, count, countOnly), null);
  }

  /** The value of a numeric parameter, its default when absent, or null when it is not one whole number in range. */
  private static Integer number(MultiMap params, String name, int min, int max) {
    if (!params.contains(name)) {
      return "_count".equals(name) ? DEFAULT_COUNT : 0;
    }
    if (params.getAll(name).size() != 1) {
      return null;
    }
    String value = params.get(name);
    if (!value.matches("[0-9]{1,7}")) {
      return null;
    }
    int n = Integer.parseInt(value);
    return n < min || n > max ? null : n;
  }

  /** A refusal naming the first parameter this request may not carry, or null. */
  private static ApiError unsupported(MultiMap params, Set<String> allowed) {
    for (String name : params.names()) {
      if (!allowed.contains(name)) {
        return ErrorCode.INVALID_PARAMETER.error("The parameter '" + printable(name) + "' is not supported here; this "
            + "request takes only " + String.join(", ", new java.util.TreeSet<>(allowed)) + " (see GET /fhir/metadata).");
      }
    }
    for (String name : params.names()) {
      if (!"_format".equals(name) && params.getAll(name).size() > 1 && !"_count".equals(name) && !"_offset".equals(name)) {
        return ErrorCode.INVALID_PARAMETER.error("The parameter '" + printable(name) + "' may be given only once.");
      }
    }
    return null;
  }

  private static ApiError invalidNhsNumber() {
    return ErrorCode.INVALID_NHS_NUMBER.error(
        "The NHS number must be 10 digits with a valid Modulus 11 check digit (spaces are ignored).");
  }

  /** Echoes user input safely in a message: short, printable characters only. */
  static String printable(String input) {
    String cleaned = input == null ? "" : input.replaceAll("[^A-Za-z0-9_.:\\-]", "?");
    return cleaned.length() > 40 ? cleaned.substring(0, 40) + "..." : cleaned;
  }

  /** The media type a {@code _format} names, or null when it names one we cannot serve. */
  static Optional<String> format(String format) {
    if (format == null) {
      return Optional.of("");
    }
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "json", "application/json", "application/fhir+json", "application/json+fhir" -> Optional.of("application/fhir+json");
      default -> Optional.empty();
    };
  }
}
