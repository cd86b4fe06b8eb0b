package io.shcr.access;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.core.Section;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The sections each national RBAC job role may see, from {@code access-policy.yaml}. An unknown role
 * sees nothing. Applied before the fan-out, so a section a role may not see is never requested.
 */
public final class RoleViews {

  private final Map<String, AccessPolicy.RoleView> views;

  public RoleViews(Map<String, AccessPolicy.RoleView> views) {
    this.views = Map.copyOf(views);
  }

  public Set<Section> permitted(String jobRole) {
    AccessPolicy.RoleView view = views.get(jobRole);
    return view == null ? Set.of() : view.sections();
  }

  /**
   * The sections to fetch (requested and permitted), or the refusal when none is left.
   *
   * @return either a non-empty set or a refusal, never both
   */
  public Outcome apply(String jobRole, Set<Section> requested) {
    AccessPolicy.RoleView view = views.get(jobRole);
    if (view == null) {
      return new Outcome(Set.of(), ErrorCode.ACCESS_DENIED.error(
          "Job role " + jobRole + " has no view of the shared care record under the access policy."));
    }
    if (view.sections().isEmpty()) {
      String why = view.note() == null ? "this role has no record view" : view.note();
      return new Outcome(Set.of(), ErrorCode.ACCESS_DENIED.error("Job role " + jobRole + " (" + view.name() + "): " + why + "."));
    }
    Set<Section> allowed = EnumSet.noneOf(Section.class);
    requested.stream().filter(view.sections()::contains).forEach(allowed::add);
    if (allowed.isEmpty()) {
      return new Outcome(Set.of(), ErrorCode.ACCESS_DENIED.error("Job role " + jobRole + " (" + view.name()
          + ") may not see the sections requested; it may see " + names(view.sections()) + "."));
    }
    return new Outcome(Set.copyOf(allowed), null);
  }

  private static String names(Set<Section> sections) {
    return String.join(", ", EnumSet.copyOf(sections).stream().map(Section::wireName).toList());
  }

  /** The sections to fetch, or the refusal. */
  public record Outcome(Set<Section> sections, ApiError refusal) {}
}
