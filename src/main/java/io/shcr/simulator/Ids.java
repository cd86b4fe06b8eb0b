package io.shcr.simulator;

import java.util.OptionalInt;

/**
 * Resource ids of the simulated organisations. A patient's key differs per organisation (as real
 * systems' ids do) yet decodes back to the person, so reads and {@code _id} searches need no store:
 * {@code Patient/{key}}, and {@code {Type}/{key}-{n}} for everything in that patient's chart.
 */
final class Ids {

  private Ids() {}

  static String patientId(Organisation org, int index) {
    return Integer.toString(index ^ org.idSalt(), 36);
  }

  /** The population index of the patient whose chart holds this id, if it is one of ours. */
  static OptionalInt patientIndex(Organisation org, String id) {
    String key = id.contains("-") ? id.substring(0, id.indexOf('-')) : id;
    if (key.isEmpty() || key.length() > 6 || !key.chars().allMatch(c -> Character.digit(c, 36) >= 0)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(key, 36) ^ org.idSalt());
  }
}
