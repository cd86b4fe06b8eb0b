package io.shcr.record;

import io.shcr.core.Section;
import io.shcr.fhir.PatientGuard;
import io.shcr.access.ResourceTransform;
import io.shcr.fhir.ResourceIndex;
import io.shcr.fhir.Resources;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.sources.SourceAdapter;
import io.shcr.sources.SourceCall;
import io.shcr.sources.SourceFailure;
import io.shcr.sources.WorkLane;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One section of one source on its way to the client: only that section's resource types, only what
 * is provably about the patient ({@link PatientGuard}), the links the privacy filter needs resolved,
 * the guard again (a fetched link may name another patient), the filter itself, then the viewer's
 * transform, then encoding. Every step fails closed: what cannot be judged is withheld.
 *
 * <p>The checks and the encoding run on the source's {@link WorkLane}, off the event loop for a large
 * section; only fetching links is event-loop work. The lane runs one source's tasks one at a time, so
 * the source's index and the filter's memo are never shared between threads.
 *
 * <p>One pipeline serves one source's sections in one request, and remembers whether any of them held
 * back an item that could not be checked, which the source's status then says.
 */
final class SectionPipeline {

  /** How many levels of links are fetched (a result's encounter, then that encounter's location). */
  static final int MAX_LINK_ROUNDS = 3;

  /** A section this small is checked on the event loop when nothing else of its source is in progress. */
  static final int SMALL_SECTION = 200;

  private final PrivacyFilter privacy;
  private final ResourceTransform transform;
  private final PatientGuard guard;
  /** Set from the source's lane, read on the event loop when the source finishes. */
  private volatile boolean unjudged;

  SectionPipeline(PrivacyFilter privacy, ResourceTransform transform, PatientGuard guard) {
    this.privacy = privacy;
    this.transform = transform;
    this.guard = guard;
  }

  /**
   * @param released what may be sent
   * @param encoded {@code released} as a JSON array
   * @param withheld how many were held back, for audit only
   * @param unjudged how many of those could not be checked (a link never looked up), see {@link #sourceDetails}
   * @param mismatched how many named another patient
   */
  record Outcome(List<JsonObject> released, Buffer encoded, int withheld, int unjudged, int mismatched) {
    boolean mismatch() {
      return mismatched > 0;
    }
  }

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

  /** What passed the type check and the guard, and how many did not. */
  private record Screened(List<JsonObject> kept, int heldBack, int mismatched) {}

  /**
   * @param stillWanted false once the view or the source has ended, so no more links are fetched
   */
  Future<Outcome> run(Section section, List<JsonObject> resources, SourceCall call, SourceAdapter adapter,
      BooleanSupplier stillWanted) {
    WorkLane lane = call.scope().lane();
    boolean small = resources.size() <= SMALL_SECTION;
    return lane.run(() -> screen(section, resources, call), small)
        .compose(screened -> resolveLinks(call, adapter, screened.kept(), 1, Set.of(), stillWanted, small)
            .compose(v -> lane.run(() -> judge(screened, call), small)));
  }

  private Screened screen(Section section, List<JsonObject> resources, SourceCall call) {
    if (call.scope().cancelled()) {
      throw SourceFailure.cancelled();
    }
    // A source may only fill a section with that section's resource types (never trust a source).
    List<JsonObject> ofSection = resources.stream()
        .filter(r -> section.resourceTypes().contains(Resources.type(r))).toList();
    PatientGuard.Verdict verdict = guard.check(ofSection, call.index());
    int heldBack = resources.size() - ofSection.size() + verdict.mismatched() + verdict.unverifiable();
    return new Screened(verdict.kept(), heldBack, verdict.mismatched());
  }

  private Outcome judge(Screened screened, SourceCall call) {
    if (call.scope().cancelled()) {
      throw SourceFailure.cancelled();
    }
    // What the links brought in is known now: a resource relying on another patient's is dropped.
    PatientGuard.Verdict again = guard.check(screened.kept(), call.index());
    Outcome filtered = filtered(again.kept(), call.index());
    unjudged |= filtered.unjudged() > 0;
    return new Outcome(filtered.released(), filtered.encoded(),
        screened.heldBack() + again.mismatched() + again.unverifiable() + filtered.withheld(),
        filtered.unjudged(), screened.mismatched() + again.mismatched());
  }

  private Future<Void> resolveLinks(SourceCall call, SourceAdapter adapter, List<JsonObject> kept, int round,
      Set<String> previous, BooleanSupplier stillWanted, boolean small) {
    if (kept.isEmpty() || round > MAX_LINK_ROUNDS || !stillWanted.getAsBoolean()) {
      return Future.succeededFuture();
    }
    return call.scope().lane().run(() -> referencesToResolve(kept, call.index()), small).compose(wanted -> {
      if (wanted.isEmpty() || wanted.equals(previous) || !stillWanted.getAsBoolean()) {
        return Future.<Void>succeededFuture();
      }
      // What the adapter fetches is added to the source's index as it is read.
      return adapter.resolve(call, wanted)
          .compose(found -> {
            call.index().addAll(found);
            return Future.succeededFuture(found);
          })
          .compose(found -> found.isEmpty() ? Future.<Void>succeededFuture()
              : resolveLinks(call, adapter, kept, round + 1, wanted, stillWanted, small));
    }).recover(t -> Future.succeededFuture());
  }

  private Set<String> referencesToResolve(List<JsonObject> kept, ResourceIndex index) {
    try {
      return privacy.referencesToResolve(kept, index);
    } catch (RuntimeException e) {
      return Set.of(); // the filter then finds the links unresolved and withholds
    }
  }

  /** If the filter, the transform or the encoding fails, the whole batch is withheld. */
  private Outcome filtered(List<JsonObject> kept, ResourceIndex index) {
    try {
      PrivacyFilter.FilterResult filtered = privacy.filter(kept, index);
      List<JsonObject> out = new ArrayList<>(filtered.released().size());
      for (JsonObject resource : filtered.released()) {
        out.add(transform.apply(resource));
      }
      return new Outcome(out, new JsonArray(out).toBuffer(), filtered.withheld(),
          Math.min(filtered.unjudged(), filtered.withheld()), 0);
    } catch (RuntimeException | StackOverflowError e) {
      return new Outcome(List.of(), Buffer.buffer("[]"), kept.size(), kept.size(), 0);
    }
  }
}
