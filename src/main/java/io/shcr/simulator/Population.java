package io.shcr.simulator;

import io.shcr.nhs.NhsNumber;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The synthetic population: the four fixed demo patients, then {@code size} people drawn from the
 * seed. Same seed, same people. Every NHS number is in the 999 test range and Modulus 11 valid. Who
 * holds a record of whom follows where people live ({@link Area}) and what their history needs.
 */
public final class Population {

  /** The date the synthetic histories are written up to, so they do not move with the clock. */
  public static final LocalDate AS_OF = LocalDate.of(2025, 9, 1);

  public static final String RICH = "9990000018";
  public static final String RESTRICTED = "9990000026";
  public static final String OBJECTED = "9990000034";
  public static final String NO_RECORDS = "9990000042";

  private final List<SyntheticPatient> patients;
  private final Map<String, SyntheticPatient> byNhsNumber = new HashMap<>();

  private Population(List<SyntheticPatient> patients) {
    this.patients = List.copyOf(patients);
    patients.forEach(p -> byNhsNumber.put(p.nhsNumber().value(), p));
  }

  public static Population generate(long seed, int size, List<Area> areas) {
    List<SyntheticPatient> people = new ArrayList<>(FixedPatients.all(areas));
    Set<String> taken = new LinkedHashSet<>();
    people.forEach(p -> taken.add(p.nhsNumber().value()));
    Random random = new Random(seed);
    PersonFactory factory = new PersonFactory(areas);
    while (people.size() < size + FixedPatients.COUNT) {
      String nhs = nextNhsNumber(random);
      if (taken.add(nhs)) {
        people.add(factory.person(people.size(), NhsNumber.of(nhs), random.nextLong()));
      }
    }
    return new Population(people);
  }

  private static String nextNhsNumber(Random random) {
    while (true) {
      String nine = "999" + String.format("%06d", random.nextInt(1_000_000));
      Integer check = NhsNumber.checkDigit(nine);
      if (check != null) {
        return nine + check;
      }
    }
  }

  public Optional<SyntheticPatient> find(String nhsNumber) {
    return Optional.ofNullable(byNhsNumber.get(nhsNumber));
  }

  public Optional<SyntheticPatient> at(int index) {
    return index >= 0 && index < patients.size() ? Optional.of(patients.get(index)) : Optional.empty();
  }

  public List<SyntheticPatient> all() {
    return Collections.unmodifiableList(patients);
  }

  public int size() {
    return patients.size();
  }

  /**
   * Someone else, as a source with a patient-matching fault returns: the next person (after this one)
   * whom the organisation also knows, so the wrong record looks entirely plausible.
   */
  public SyntheticPatient someoneElse(SyntheticPatient patient, String ods) {
    for (int step = 1; step < patients.size(); step++) {
      SyntheticPatient other = patients.get((patient.index() + step) % patients.size());
      if (other.index() >= FixedPatients.COUNT && other.heldBy(ods) && !other.restricted()) {
        return other;
      }
    }
    return patients.get((patient.index() + 1) % patients.size());
  }

  static EnumSet<Sensitive> noneSensitive() {
    return EnumSet.noneOf(Sensitive.class);
  }
}
