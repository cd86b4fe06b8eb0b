package io.shcr.simulator;

import io.shcr.nhs.NhsNumber;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The four demo patients every walkthrough uses (docs/demo.md), the same whatever the seed:
 * 999 000 0018 with records at ten or more organisations and sensitive items of every category;
 * 999 000 0026 S-flagged at Spine; 999 000 0034 who has objected to sharing; 999 000 0042 known to
 * Spine but with no records anywhere.
 */
final class FixedPatients {

  static final int COUNT = 4;

  private FixedPatients() {}

  static List<SyntheticPatient> all(List<Area> areas) {
    Area central = areaWith(areas, "P81901");
    Area pennine = areaWith(areas, "P81905");
    return List.of(
        new SyntheticPatient(0, NhsNumber.of(Population.RICH), "Alex", "Whittaker", "male", LocalDate.of(1968, 3, 12),
            "14 Ribble Drive", "Preston", "PR1 4LT", central, "P81901",
            Set.of("P81901", "RXN", "RXR", "RTX", "RXL", "RVY", "RW5", "888", "889", "890", "NSC", "NCG", "NDM", "VPB01"),
            List.of(0, 1, 5, 13), EnumSet.allOf(Sensitive.class), true, false, false, 18L),
        new SyntheticPatient(1, NhsNumber.of(Population.RESTRICTED), "Jordan", "Clarke", "female", LocalDate.of(1990, 7, 2),
            "3 Moor Lane", "Chorley", "PR7 2QD", central, "P81902", Set.of("P81902", "RXN", "RW5"),
            List.of(6), Set.of(), false, true, false, 26L),
        new SyntheticPatient(2, NhsNumber.of(Population.OBJECTED), "Margaret", "Holt", "female", LocalDate.of(1951, 11, 23),
            "22 Pendle View", "Burnley", "BB11 3RS", pennine, "P81905", Set.of("P81905", "RXR", "888", "NPH"),
            List.of(0, 3, 7), Set.of(), false, false, true, 34L),
        new SyntheticPatient(3, NhsNumber.of(Population.NO_RECORDS), "Ryan", "Fletcher", "male", LocalDate.of(2001, 5, 30),
            "9 Lune Street", "Lancaster", "LA1 1XE", central, null, Set.of(),
            List.of(), Set.of(), false, false, false, 42L));
  }

  /**
   * The demographic slips seeded for the demos (docs/demo.md): the hospice NSC has 999 000 0018's date
   * of birth with day and month swapped (a different person as far as PDS can tell: withheld as
   * {@code patient-mismatch}), and Blackpool Teaching Hospitals (RXL) records a middle name PDS does not
   * have (a smaller difference, shown in the banner).
   */
  static LocalDate recordedBirthDate(SyntheticPatient p, String ods) {
    boolean rich = p.nhsNumber().value().equals(Population.RICH);
    return rich && "NSC".equals(ods) ? LocalDate.of(p.birthDate().getYear(), p.birthDate().getDayOfMonth(),
        p.birthDate().getMonthValue()) : p.birthDate();
  }

  /** The given names an organisation records (see {@link #recordedBirthDate}). */
  static List<String> recordedGiven(SyntheticPatient p, String ods) {
    boolean rich = p.nhsNumber().value().equals(Population.RICH);
    return rich && "RXL".equals(ods) ? List.of(p.given(), "James") : List.of(p.given());
  }

  /** The dose the brand is recorded with: a disagreement with the GP's "One tablet once a day". */
  static final String BRAND_DOSE = "Two tablets once a day";

  /**
   * Whether this organisation records 999 000 0018's Amlodipine (chronic condition 0) as a brand, with
   * another dose: Lancashire Teaching Hospitals (RXN) does, so the demo shows a VMP and its AMP as one
   * medicine, and a dose disagreement kept in the group.
   */
  static boolean recordsBrand(SyntheticPatient p, String ods, int chronicIndex) {
    return chronicIndex == 0 && "RXN".equals(ods) && p.nhsNumber().value().equals(Population.RICH);
  }

  private static Area areaWith(List<Area> areas, String practice) {
    return areas.stream().filter(a -> a.practices().contains(practice)).findFirst().orElse(areas.get(0));
  }
}
