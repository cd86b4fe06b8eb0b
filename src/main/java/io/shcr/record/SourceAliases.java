package io.shcr.record;

import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one view shows its sources. For a restricted (S-flagged) patient the organisations whose names
 * would say where the patient lives or is registered (GP practices, care homes, hospices, councils)
 * are hidden: each gets an alias drawn at random for this request only ({@code withheld-3f9c1a}), no
 * name, no kind, and a place after the named sources in random order, so neither the alias nor the
 * order reveals its line in the public {@code sources.yaml}. Hidden sources also report the same set
 * of sections (empty where one holds none) and status details in wording any protocol could give, so
 * nothing but timing tells a practice from a care home. Audit always records the real ids.
 */
final class SourceAliases {

  static final Set<SourceKind> LOCATING_KINDS =
      EnumSet.of(SourceKind.GP, SourceKind.CARE_HOME, SourceKind.HOSPICE, SourceKind.SOCIAL_CARE);
  static final String HIDDEN_NAME = "An organisation not named for this patient (restricted record)";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> shown = new HashMap<>();
  private final Set<String> hidden = new HashSet<>();
  private final List<SourceConfig> order;

  /**
   * @param sources the view's sources in registry order
   * @param hideLocating whether the patient is restricted
   */
  SourceAliases(List<SourceConfig> sources, boolean hideLocating) {
    this(sources, hideLocating, Map.of());
  }

  /**
   * @param carried aliases a resumed view keeps (real id to alias), so its client sees the names it saw
   */
  SourceAliases(List<SourceConfig> sources, boolean hideLocating, Map<String, String> carried) {
    List<SourceConfig> named = new ArrayList<>();
    List<SourceConfig> withheld = new ArrayList<>();
    Set<String> drawn = new HashSet<>(carried.values());
    for (SourceConfig source : sources) {
      if (hideLocating && LOCATING_KINDS.contains(source.kind())) {
        String alias = carried.get(source.id());
        while (alias == null || !alias.matches(ALIAS)) {
          String candidate = ALIAS_PREFIX + HexFormat.of().formatHex(randomBytes());
          alias = drawn.add(candidate) ? candidate : null;
        }
        shown.put(source.id(), alias);
        hidden.add(source.id());
        withheld.add(source);
      } else {
        shown.put(source.id(), source.id());
        named.add(source);
      }
    }
    // Ordered by their random aliases: as good as a shuffle, and the same again when a view resumes.
    withheld.sort(java.util.Comparator.comparing(source -> shown.get(source.id())));
    named.addAll(withheld);
    this.order = List.copyOf(named);
  }

  /** What a hidden source is called in this view: {@code withheld-} and three random bytes in hex. */
  static final String ALIAS_PREFIX = "withheld-";
  private static final String ALIAS = "withheld-[0-9a-f]{6}";

  /** Real id to shown id, for every source of the view. */
  Map<String, String> shownIds() {
    return Map.copyOf(shown);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[3];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** The sources in the order the view lists them. */
  List<SourceConfig> inOrder() {
    return order;
  }

  String shownId(SourceConfig source) {
    return shown.get(source.id());
  }

  boolean hidden(SourceConfig source) {
    return hidden.contains(source.id());
  }

  /**
   * The sections every hidden source reports: every section any of them supplies that the viewer may
   * see, so a practice and a care home answer with the same set.
   */
  Set<Section> hiddenSections(Set<Section> viewable) {
    Set<Section> sections = EnumSet.noneOf(Section.class);
    for (SourceConfig source : order) {
      if (hidden(source)) {
        source.sections().stream().filter(viewable::contains).forEach(sections::add);
      }
    }
    return sections;
  }

  /**
   * A hidden source's status detail in protocol-neutral words: GP Connect's warning codes and
   * switched-off areas and FHIR's page limits all say only that some items are not shown.
   */
  static String neutralDetail(String detail) {
    if (detail == null || detail.isBlank()) {
      return detail;
    }
    List<String> parts = new ArrayList<>();
    for (String part : detail.split("; ")) {
      String neutral;
      if (part.endsWith("(page limit)")) {
        neutral = "more results than shown (limit)";
      } else if (part.endsWith(": data-in-transit") || part.endsWith(": data-awaiting-filing")
          || part.startsWith("a clinical area is switched off at source")) {
        neutral = "some items are not available from this organisation at present";
      } else {
        neutral = part;
      }
      if (!parts.contains(neutral)) {
        parts.add(neutral);
      }
    }
    return String.join("; ", parts);
  }
}
