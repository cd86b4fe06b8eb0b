package io.shcr.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A restricted patient's hidden sources: random aliases, and the same ones (and order) again when a view resumes. */
class SourceAliasesTest {

  private static final List<SourceConfig> SOURCES = SourceRegistry.load(Path.of("conf/sources.yaml")).all();

  @Test
  void hiddenSourcesGetAliasesAfterTheNamedOnesAndAResumedViewKeepsThemInTheSameOrder() {
    SourceAliases first = new SourceAliases(SOURCES, true);
    List<String> shown = first.inOrder().stream().map(first::shownId).toList();
    assertThat(shown).anyMatch(id -> id.matches("withheld-[0-9a-f]{6}"));
    int firstHidden = shown.indexOf(shown.stream().filter(id -> id.startsWith("withheld-")).findFirst().orElseThrow());
    assertThat(shown.subList(firstHidden, shown.size())).allMatch(id -> id.startsWith("withheld-"));

    Map<String, String> carried = new java.util.HashMap<>(first.shownIds());
    carried.values().removeIf(id -> !id.startsWith("withheld-"));
    SourceAliases resumed = new SourceAliases(SOURCES, true, carried);
    assertThat(resumed.inOrder().stream().map(resumed::shownId).toList()).isEqualTo(shown);
  }

  @Test
  void anUnrestrictedPatientsSourcesKeepTheirIdsAndOrder() {
    SourceAliases aliases = new SourceAliases(SOURCES, false);
    assertThat(aliases.inOrder()).isEqualTo(SOURCES);
    assertThat(aliases.shownIds().values()).noneMatch(id -> id.startsWith("withheld-"));
  }
}
