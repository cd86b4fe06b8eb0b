package io.shcr.simulator;

import io.shcr.nhs.NhsNumber;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Draws one synthetic person from a seed: demographics, where they live, and which organisations
 * hold their record (with shares meant to look like a real region's), their long-term conditions and
 * whether their history carries sensitive items (about one in eight adults under 60).
 */
final class PersonFactory {

  private static final String[] FEMALE = {"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily",
      "Jessica", "Hannah", "Margaret", "Susan", "Patricia", "Janet", "Christine", "Karen", "Aisha", "Fatima",
      "Zainab", "Megan", "Chloe", "Rebecca", "Joan", "Dorothy", "Kathleen", "Sarah", "Laura", "Rachel"};
  private static final String[] MALE = {"Oliver", "George", "Harry", "Jack", "Noah", "Charlie", "Thomas", "James",
      "William", "Daniel", "David", "John", "Peter", "Michael", "Stephen", "Mohammed", "Imran", "Bilal", "Ryan",
      "Liam", "Connor", "Kevin", "Brian", "Alan", "Kenneth", "Gary", "Paul", "Mark"};
  private static final String[] FAMILY = {"Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas",
      "Roberts", "Johnson", "Walsh", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harrison", "Clarke", "Jackson",
      "Ashworth", "Entwistle", "Hargreaves", "Whittaker", "Haworth", "Holden", "Pilling", "Cunliffe", "Duckworth",
      "Patel", "Hussain", "Khan", "Ali", "Begum", "Rossall", "Sharples", "Crook", "Butterworth", "Greenhalgh"};
  private static final String[] STREETS = {"Church Street", "Victoria Road", "Park Lane", "Station Road",
      "Moor Lane", "Queen Street", "Albert Road", "Mill Lane", "Ribble Drive", "Pendle View", "Bank Terrace",
      "Lune Street", "Hollins Road", "Whalley Road", "Garstang Road", "Preston New Road"};
  private static final List<Town> TOWNS = List.of(
      new Town("Preston", "PR1", 0), new Town("Chorley", "PR7", 0), new Town("Blackburn", "BB2", 1),
      new Town("Darwen", "BB3", 1), new Town("Burnley", "BB11", 2), new Town("Accrington", "BB5", 2),
      new Town("Haslingden", "BB4", 3), new Town("Blackpool", "FY1", 4), new Town("Fleetwood", "FY7", 4),
      new Town("Lancaster", "LA1", 5), new Town("Ulverston", "LA12", 6), new Town("Ormskirk", "L39", 7));

  private record Town(String name, String district, int area) {}

  private final List<Area> areas;

  PersonFactory(List<Area> areas) {
    this.areas = areas;
  }

  SyntheticPatient person(int index, NhsNumber nhs, long seed) {
    Random r = new Random(seed);
    boolean female = r.nextBoolean();
    String given = pick(r, female ? FEMALE : MALE);
    String family = pick(r, FAMILY);
    int age = ageOf(r);
    LocalDate birthDate = Population.AS_OF.minusYears(age).minusDays(r.nextInt(365));
    Area area = areaOf(r);
    Town town = townIn(r, areas.indexOf(area));
    String practice = area.practices().isEmpty() ? null : area.practices().get(r.nextInt(area.practices().size()));
    List<Integer> chronic = chronicOf(r, age);
    Set<Sensitive> sensitive = sensitiveOf(r, age, female);
    Set<String> holders = holdersOf(r, area, practice, age, chronic, sensitive);
    String address = (1 + r.nextInt(180)) + " " + pick(r, STREETS);
    String postcode = town.district() + " " + (1 + r.nextInt(9)) + (char) ('A' + r.nextInt(26)) + (char) ('A' + r.nextInt(26));
    return new SyntheticPatient(index, nhs, given, family, female ? "female" : "male", birthDate, address,
        town.name(), postcode, area, practice, Set.copyOf(holders), List.copyOf(chronic), Set.copyOf(sensitive),
        r.nextDouble() < 0.05, r.nextDouble() < 0.003, r.nextDouble() < 0.005, r.nextLong());
  }

  private static int ageOf(Random r) {
    double roll = r.nextDouble();
    if (roll < 0.18) {
      return r.nextInt(18);
    }
    if (roll < 0.80) {
      return 18 + r.nextInt(47);
    }
    return 65 + r.nextInt(33);
  }

  private Area areaOf(Random r) {
    List<Area> populated = areas.stream().filter(a -> !a.practices().isEmpty()).toList();
    return populated.get(r.nextInt(populated.size()));
  }

  /** A town of the area (by its place in simulator.yaml); the first town when the areas were changed. */
  private static Town townIn(Random r, int area) {
    List<Town> towns = TOWNS.stream().filter(t -> t.area() == area).toList();
    return towns.isEmpty() ? TOWNS.get(0) : towns.get(r.nextInt(towns.size()));
  }

  private static List<Integer> chronicOf(Random r, int age) {
    List<Integer> chronic = new ArrayList<>();
    int count = age < 18 ? (r.nextDouble() < 0.1 ? 1 : 0) : age < 50 ? r.nextInt(2) : 1 + r.nextInt(age < 70 ? 2 : 4);
    while (chronic.size() < count) {
      int pick = age < 18 ? 2 : r.nextInt(Codes.CHRONIC.size());
      if (!chronic.contains(pick)) {
        chronic.add(pick);
      }
    }
    return chronic;
  }

  private static Set<Sensitive> sensitiveOf(Random r, int age, boolean female) {
    Set<Sensitive> sensitive = EnumSet.noneOf(Sensitive.class);
    if (age < 16 || age > 60 || r.nextDouble() >= 0.12) {
      return sensitive;
    }
    double roll = r.nextDouble();
    if (roll < 0.45) {
      sensitive.add(Sensitive.STI);
    } else if (roll < 0.60) {
      sensitive.add(Sensitive.HIV);
    } else if (roll < 0.80 && female) {
      sensitive.add(Sensitive.TERMINATION_OF_PREGNANCY);
    } else if (roll < 0.92) {
      sensitive.add(Sensitive.ASSISTED_CONCEPTION);
    } else {
      sensitive.add(Sensitive.GENDER_REASSIGNMENT);
    }
    if (r.nextDouble() < 0.2) {
      sensitive.add(Sensitive.STI);
    }
    return sensitive;
  }

  private Set<String> holdersOf(Random r, Area area, String practice, int age, List<Integer> chronic, Set<Sensitive> sensitive) {
    Set<String> holders = new LinkedHashSet<>();
    if (practice != null) {
      holders.add(practice);
    }
    if (r.nextDouble() < 0.7 || !sensitive.isEmpty()) {
      holders.add(area.acute());
    }
    if (r.nextDouble() < 0.1) {
      holders.add(areas.get(r.nextInt(areas.size())).acute());
    }
    boolean mentalHealth = chronic.contains(5) || chronic.contains(6);
    if (age >= 14 && r.nextDouble() < (mentalHealth ? 0.6 : 0.08)) {
      holders.add("RW5");
    }
    if (area.council() != null && age >= 65 && r.nextDouble() < 0.25) {
      holders.add(area.council());
    }
    boolean lifeLimiting = chronic.stream().anyMatch(Codes.LIFE_LIMITING::contains);
    if (age >= 50 && lifeLimiting && r.nextDouble() < 0.35) {
      holders.add(area.hospice());
    }
    if (age < 18 && area.childrensHospice() != null && r.nextDouble() < 0.01) {
      holders.add(area.childrensHospice());
    }
    if (area.careHome() != null && age >= 75 && r.nextDouble() < 0.15) {
      holders.add(area.careHome());
    }
    if (age >= 18 && age < 65 && r.nextDouble() < 0.04) {
      holders.add(area.drugService());
    }
    return holders;
  }

  private static String pick(Random r, String[] items) {
    return items[r.nextInt(items.length)];
  }
}
