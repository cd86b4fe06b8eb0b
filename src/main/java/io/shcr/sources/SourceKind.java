package io.shcr.sources;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of organisation that hold part of a record. */
public enum SourceKind {
  GP("gp"),
  ACUTE("acute"),
  MENTAL_HEALTH("mental-health"),
  COMMUNITY("community"),
  SOCIAL_CARE("social-care"),
  HOSPICE("hospice"),
  CARE_HOME("care-home"),
  SUBSTANCE_MISUSE("substance-misuse");

  private final String wireName;

  SourceKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<SourceKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
  }
}
