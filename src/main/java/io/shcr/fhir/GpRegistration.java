package io.shcr.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What PDS says of the patient's registered GP practice, which decides the one practice asked through
 * GP Connect (a practice answers only for the patients registered with it). Read from the PDS FHIR
 * Patient's {@code generalPractitioner}: the references whose {@code identifier} is in the ODS system
 * and whose {@code period} holds today (begun and not ended). Anything else fails closed to "no practice asked":
 * no such reference ({@link Kind#NONE}), more than one practice ({@link Kind#AMBIGUOUS}), a restricted
 * (S-flagged) patient whose practice PDS withholds and whom GP Connect must not be asked about
 * ({@link Kind#WITHHELD}), or PDS not answering ({@link Kind#UNKNOWN}).
 *
 * @param kind what PDS said
 * @param practice the practice's ODS code for {@link Kind#REGISTERED}, else null
 */
public record GpRegistration(Kind kind, String practice) {

  public static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
  /** An ODS organisation code: letters and digits, 3 to 10 of them (practices have 6). */
  private static final Pattern ODS_CODE = Pattern.compile("[A-Z0-9]{3,10}");

  public enum Kind {
    REGISTERED("asked"),
    NONE("none"),
    AMBIGUOUS("unclear"),
    WITHHELD("withheld"),
    UNKNOWN("unknown"),
    /** PDS answered with another NHS number's record (the number asked superseded, or a wrong answer): none asked. */
    SUPERSEDED("superseded"),
    /** A decision made without PDS (test beds and tools): no GP practice is left out. Never made by the access gate. */
    UNCHECKED("unchecked");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public static final GpRegistration NONE = new GpRegistration(Kind.NONE, null);
  public static final GpRegistration AMBIGUOUS = new GpRegistration(Kind.AMBIGUOUS, null);
  public static final GpRegistration WITHHELD = new GpRegistration(Kind.WITHHELD, null);
  public static final GpRegistration UNKNOWN = new GpRegistration(Kind.UNKNOWN, null);
  public static final GpRegistration SUPERSEDED = new GpRegistration(Kind.SUPERSEDED, null);
  public static final GpRegistration UNCHECKED = new GpRegistration(Kind.UNCHECKED, null);

  public GpRegistration {
    if ((kind == Kind.REGISTERED) != (practice != null)) {
      throw new IllegalArgumentException("a practice is named exactly when the patient is registered");
    }
  }

  public static GpRegistration at(String practice) {
    return new GpRegistration(Kind.REGISTERED, practice);
  }

  /** Whether the GP Connect practice {@code ods} may be asked about this patient. */
  public boolean permits(String ods) {
    return kind == Kind.UNCHECKED || kind == Kind.REGISTERED && practice.equals(ods);
  }

  /** Why a practice that is not asked was not: our own words, naming no practice. */
  public String notAskedDetail() {
    return switch (kind) {
      case REGISTERED -> "not the patient's registered practice (PDS); not asked";
      case NONE -> "PDS names no registered practice for this patient; no GP practice was asked";
      case AMBIGUOUS -> "PDS names more than one registered practice; no GP practice was asked";
      case WITHHELD -> "no GP practice is asked about a restricted patient";
      case UNKNOWN -> "PDS did not say which practice the patient is registered with; no GP practice was asked";
      case SUPERSEDED -> "PDS answered with the record of another NHS number (the number asked may have been superseded): "
          + "no GP practice was asked and the patient is treated as restricted; search again with the patient's current NHS number";
      case UNCHECKED -> "";
    };
  }

  /** The registration a PDS Patient records today. */
  public static GpRegistration of(JsonObject patient, LocalDate today) {
    if (patient == null || !(patient.getValue("generalPractitioner") instanceof JsonArray references)) {
      return NONE;
    }
    Set<String> practices = new LinkedHashSet<>();
    for (Object item : references) {
      if (item instanceof JsonObject reference && reference.getValue("identifier") instanceof JsonObject identifier
          && ODS_SYSTEM.equals(identifier.getValue("system")) && identifier.getValue("value") instanceof String value
          && current(identifier.getValue("period"), today)) {
        String code = value.trim().toUpperCase(java.util.Locale.ROOT);
        if (!ODS_CODE.matcher(code).matches()) {
          return AMBIGUOUS; // a code that cannot be a practice's: which practice is meant is not clear
        }
        practices.add(code);
      }
    }
    if (practices.isEmpty()) {
      return NONE;
    }
    return practices.size() == 1 ? at(practices.iterator().next()) : AMBIGUOUS;
  }

  /**
   * A period that holds today: begun (no start, or a start today or earlier: a registration that begins
   * later is not yet the practice) and not ended (no end, or an end today or later). A date that cannot be
   * read makes the period not current.
   */
  private static boolean current(Object period, LocalDate today) {
    if (period == null) {
      return true;
    }
    if (!(period instanceof JsonObject p)) {
      return false;
    }
    LocalDate start = date(p.getValue("start"));
    LocalDate end = date(p.getValue("end"));
    return start != UNREADABLE && end != UNREADABLE && (start == null || !start.isAfter(today))
        && (end == null || !end.isBefore(today));
  }

  private static final LocalDate UNREADABLE = LocalDate.MIN;

  /** The day a FHIR date or dateTime names, null when absent, {@link #UNREADABLE} when it cannot be read. */
  private static LocalDate date(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String date) || date.length() < 10) {
      return UNREADABLE;
    }
    try {
      return LocalDate.parse(date.substring(0, 10));
    } catch (DateTimeParseException e) {
      return UNREADABLE;
    }
  }
}
