package io.shcr.simulator;

import io.shcr.nhs.NhsNumber;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * One person of the synthetic population: who they are, where they are registered, which
 * organisations hold a record of them, and what their history carries. Clinical detail is generated
 * from {@code seed} whenever an organisation is asked, so nothing but this outline is kept.
 *
 * @param index position in the population (stable for a seed); organisations derive their ids from it
 * @param nhsNumber a test-range NHS number
 * @param given given name
 * @param family family name
 * @param gender FHIR administrative gender
 * @param birthDate date of birth
 * @param addressLine first line of the address
 * @param town town
 * @param postcode postcode
 * @param area the locality they live in
 * @param practice ODS code of the GP practice they are registered at (null when none)
 * @param holders ODS codes of every organisation that holds a record of them
 * @param chronic indexes into {@link Codes#CHRONIC} of their long-term conditions
 * @param sensitive the sensitive categories their history carries
 * @param confidentialAtSource whether some of their items are marked confidential (meta.security R)
 * @param restricted whether Spine flags them sensitive (S-flag)
 * @param objected whether they have objected to the shared care record
 * @param seed the seed their clinical detail is generated from
 */
public record SyntheticPatient(
    int index,
    NhsNumber nhsNumber,
    String given,
    String family,
    String gender,
    LocalDate birthDate,
    String addressLine,
    String town,
    String postcode,
    Area area,
    String practice,
    Set<String> holders,
    List<Integer> chronic,
    Set<Sensitive> sensitive,
    boolean confidentialAtSource,
    boolean restricted,
    boolean objected,
    long seed) {

  public boolean heldBy(String ods) {
    return holders.contains(ods);
  }

  public int ageOn(LocalDate date) {
    return java.time.Period.between(birthDate, date).getYears();
  }

  public boolean has(Sensitive category) {
    return sensitive.contains(category);
  }
}
