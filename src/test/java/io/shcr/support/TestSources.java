package io.shcr.support;

import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import java.util.Set;

/** Source configurations for tests, pointing at {@link FakeSources}. */
public final class TestSources {

  private TestSources() {}

  public static SourceConfig fhir(FakeSources fakes, String id, boolean live, long deadlineMs) {
    return new SourceConfig(id, "Source " + id, SourceKind.ACUTE, fakes.baseUrl(id), "fhir-r4",
        Set.of(Section.DEMOGRAPHICS, Section.PROBLEMS, Section.ENCOUNTERS), live, deadlineMs, 5, 20, 100_000, 3,
        new SourceConfig.BreakerConfig(50, 30_000));
  }

  public static SourceConfig gpConnect(FakeSources fakes, String id) {
    return new SourceConfig(id, "Practice " + id, SourceKind.GP, fakes.baseUrl(id), "gp-connect",
        Set.of(Section.DEMOGRAPHICS, Section.ALLERGIES, Section.ENCOUNTERS), true, 2_000, 5, 20, 100_000, 1,
        new SourceConfig.BreakerConfig(50, 30_000));
  }
}
