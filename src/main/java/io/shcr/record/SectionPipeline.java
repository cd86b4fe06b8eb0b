package io.shcr.record;

import io.shcr.access.ResourceTransform;
import io.shcr.fhir.ResourceIndex;
import io.shcr.fhir.Resources;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.sources.SourceAdapter;
import io.shcr.sources.SourceCall;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One section of one source on its way to the client: only that section's resource types, only what
 * is provably about the patient ({@link PatientGuard}), the links the privacy filter needs resolved,
 * the filter itself, then the viewer's transform. Every step fails closed: what cannot be judged is
 * withheld. One pipeline serves one source's sections in one request, and remembers whether any of
 * them held back an item that could not be checked, which the source's status then says.
 */
final class SectionPipeline {

  /** How many levels of links are fetched (a result's encounter, then that encounter's location). */
  static final int MAX_LINK_ROUNDS = 3;

  private final PrivacyFilter privacy;
  private final ResourceTransform transform;
  private final PatientGuard guard;
  private boolean unjudged;

  SectionPipeline(PrivacyFilter privacy, ResourceTransform transform, PatientGuard guard) {
    this.privacy = privacy;
    this.transform = transform;
    this.guard = guard;
  }

  /**
   * @param released what may be sent
   * @param withheld how many were held back, for audit only
   * @param unjudged how many of those could not be checked (a link never looked up), see {@link #sourceDetails}
   * @param mismatch whether any resource named another patient
   */
  record Outcome(List<JsonObject> released, int withheld, int unjudged, boolean mismatch) {}

  /**
   * The details a source's status carries: the adapter's, then, when any of this source's sections held
   * back an item that could not be checked, {@link PrivacyFilter#UNJUDGED_DETAIL} (once, never a count).
   */
  List<String> sourceDetails(List<String> adapterDetails) {
    if (!unjudged) {
      return adapterDetails;
    }
    List<String> details = new ArrayList<>(adapterDetails);
    details.add(PrivacyFilter.UNJUDGED_DETAIL);
    return details;
  }

  /**
   * @param stillWanted false once the view or the source has ended, so no more links are fetched
   */
  Future<Outcome> run(Section section, List<JsonObject> resources, SourceCall call, SourceAdapter adapter,
      BooleanSupplier stillWanted) {
    // A source may only fill a section with that section's resource types (never trust a source).
    List<JsonObject> ofSection = resources.stream()
        .filter(r -> section.resourceTypes().contains(Resources.type(r))).toList();
    PatientGuard.Verdict verdict = guard.check(ofSection, call.index());
    int heldBack = resources.size() - ofSection.size() + verdict.mismatched() + verdict.unverifiable();
    boolean mismatch = verdict.mismatched() > 0;
    return resolveLinks(call, adapter, verdict.kept(), 1, Set.of(), stillWanted).map(v -> {
      Outcome filtered = filtered(verdict.kept(), call.index());
      unjudged |= filtered.unjudged() > 0;
      return new Outcome(filtered.released(), heldBack + filtered.withheld(), filtered.unjudged(), mismatch);
    });
  }

  private Future<Void> resolveLinks(SourceCall call, SourceAdapter adapter, List<JsonObject> kept, int round,
      Set<String> previous, BooleanSupplier stillWanted) {
    Set<String> wanted = referencesToResolve(kept, call.index());
    if (wanted.isEmpty() || round > MAX_LINK_ROUNDS || wanted.equals(previous) || !stillWanted.getAsBoolean()) {
      return Future.succeededFuture();
    }
    return adapter.resolve(call, wanted)
        .compose(found -> {
          call.index().addAll(found);
          return found.isEmpty() ? Future.<Void>succeededFuture()
              : resolveLinks(call, adapter, kept, round + 1, wanted, stillWanted);
        })
        .recover(t -> Future.succeededFuture());
  }

  private Set<String> referencesToResolve(List<JsonObject> kept, ResourceIndex index) {
    try {
      return privacy.referencesToResolve(kept, index);
    } catch (RuntimeException e) {
      return Set.of(); // the filter then finds the links unresolved and withholds
    }
  }

  /** If the filter or the transform fails, the whole batch is withheld. */
  private Outcome filtered(List<JsonObject> kept, ResourceIndex index) {
    try {
      PrivacyFilter.FilterResult filtered = privacy.filter(kept, index);
      List<JsonObject> out = new ArrayList<>(filtered.released().size());
      for (JsonObject resource : filtered.released()) {
        out.add(transform.apply(resource));
      }
      return new Outcome(out, filtered.withheld(), Math.min(filtered.unjudged(), filtered.withheld()), false);
    } catch (RuntimeException e) {
      return new Outcome(List.of(), kept.size(), kept.size(), false);
    }
  }
}
