package io.shcr.reconcile;

import io.shcr.fhir.Demographics;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A source's Patient against the PDS answer the access check already fetched. The NHS number is
 * proven before this runs ({@link io.shcr.fhir.PatientGuard}); this catches a source that has filed
 * someone else's record under it. A date of birth, family name or first given name that differs is a
 * mismatch: the source's data is withheld (twins share a family name and a birthday, so the first
 * given name counts too). Smaller differences (a middle name missing, letters in another case, a value
 * the source does not record) are reported, never hidden.
 *
 * <p>Gender is read but a difference is neither shown nor a reason to withhold: two organisations
 * recording different genders is most often a gender history, which a shared care record must never
 * reveal, and the NHS number, date of birth and name already identify the patient. The banner shows
 * what PDS says.
 */
public final class DemographicCheck {

  /** The fixed detail of a source withheld by this check: nothing of what it sent is echoed. */
  public static final String MISMATCH_DETAIL = "demographics differ from PDS";

  /**
   * @param mismatch the source must be withheld
   * @param differences the fields recorded differently or not at all ({@code given}, {@code family},
   *     {@code birthDate}), when not a mismatch
   */
  public record Verdict(boolean mismatch, List<String> differences) {
    static final Verdict SAME = new Verdict(false, List.of());
  }

  private DemographicCheck() {}

  /** A null PDS answer (PDS did not know the patient) cannot be checked against: no differences. */
  public static Verdict compare(Demographics pds, Demographics source) {
    if (pds == null || source == null) {
      return Verdict.SAME;
    }
    List<String> differences = new ArrayList<>();
    if (pds.birthDate() != null) {
      if (source.birthDate() == null) {
        differences.add("birthDate");
      } else if (partOf(day(source.birthDate()), day(pds.birthDate()))) {
        differences.add("birthDate"); // a year, or a year and month, that agrees: less precise, not another person
      } else if (!day(pds.birthDate()).equals(day(source.birthDate()))) {
        return new Verdict(true, List.of());
      }
    }
    if (pds.family() != null) {
      if (source.family() == null) {
        differences.add("family");
      } else if (!folded(pds.family()).equals(folded(source.family()))) {
        return new Verdict(true, List.of());
      } else if (!pds.family().strip().equals(source.family().strip())) {
        differences.add("family");
      }
    }
    if (!pds.given().isEmpty()) {
      if (source.given().isEmpty()) {
        differences.add("given");
      } else if (!sameFirstName(pds.given().get(0), source.given().get(0))) {
        return new Verdict(true, List.of());
      } else if (!folded(String.join(" ", pds.given())).equals(folded(String.join(" ", source.given())))) {
        differences.add("given");
      } else if (!String.join(" ", pds.given()).equals(String.join(" ", source.given()))) {
        differences.add("given");
      }
    }
    return differences.isEmpty() ? Verdict.SAME : new Verdict(false, List.copyOf(differences));
  }

  /** Same first name, allowing case, accents, punctuation, and an initial for the whole name. */
  private static boolean sameFirstName(String a, String b) {
    String x = folded(a);
    String y = folded(b);
    if (x.isEmpty() || y.isEmpty()) {
      return x.equals(y);
    }
    return x.equals(y) || (x.length() == 1 && y.startsWith(x)) || (y.length() == 1 && x.startsWith(y));
  }

  /** A FHIR partial date (yyyy or yyyy-mm) that the full date starts with. */
  private static boolean partOf(String partial, String full) {
    return (partial.matches("\\d{4}") || partial.matches("\\d{4}-\\d{2}")) && full.length() == 10
        && full.startsWith(partial + "-");
  }

  /** The first ten characters (a dateTime's date part); a value that is not a date stays as it is. */
  private static String day(String date) {
    String d = date.strip();
    return d.length() >= 10 ? d.substring(0, 10) : d;
  }

  /** Lower case, accents removed, only letters and digits kept: "O'Brien-Smith " and "obriensmith" agree. */
  static String folded(String s) {
    String decomposed = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return decomposed.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
  }
}
