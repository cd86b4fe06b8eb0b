package io.shcr.record;

import io.shcr.core.Section;
import io.shcr.fhir.ContainedMedications;
import io.shcr.fhir.PatientGuard;
import io.shcr.access.ResourceTransform;
import io.shcr.fhir.ResourceIndex;
import io.shcr.fhir.Resources;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.sources.SectionBatch;
import io.shcr.sources.SourceRequester;
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
 * a medicine's Medication taken inside it ({@link ContainedMedications}), the guard again (a fetched link
 * may name another patient), the filter itself, then the viewer's
 * transform (for a restricted patient, {@link io.shcr.access.RestrictedPatientMask}, item by item), then
 * encoding. Every step fails closed: what cannot be judged is withheld.
 *
 * <p>The checks and the encoding run on the source's {@link WorkLane}, off the event loop for a large
 * section; fetching links is the {@link SourceRequester}'s, in its rounds. The lane runs one source's tasks one at a time, so
 * the source's index and the filter's memo are never shared between threads.
 *
 * <p>One pipeline serves one source's sections in one request, and remembers whether any of them held
 * back an item that could not be checked, which the source's status then says.
 */
final class SectionPipeline {

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

  /** The view or the source ended while a step was queued: the batch is dropped (never released). */
  static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  /**
   * @param requester the source's requester: its index, its lane, and the link lookups
   * @param stillWanted false once the view or the source has ended, so no more links are fetched
   */
  Future<Outcome> run(SectionBatch batch, SourceRequester requester, BooleanSupplier stillWanted) {
    WorkLane lane = requester.lane();
    ResourceIndex index = requester.index();
    boolean small = batch.resources().size() <= SMALL_SECTION;
    return lane.run(() -> screen(batch.section(), batch.resources(), requester), small)
        .compose(screened -> (screened.kept().isEmpty() ? Future.<Void>succeededFuture()
            : requester.resolveLinks(() -> referencesToResolve(screened.kept(), index), stillWanted, small))
            .compose(v -> lane.run(() -> judge(screened, requester), small)));
  }

  private Screened screen(Section section, List<JsonObject> resources, SourceRequester requester) {
    if (requester.cancelled()) {
      throw new Cancelled();
    }
    // A source may only fill a section with that section's resource types (never trust a source).
    List<JsonObject> ofSection = resources.stream()
        .filter(r -> section.resourceTypes().contains(Resources.type(r))).toList();
    PatientGuard.Verdict verdict = guard.check(ofSection, requester.index());
    int heldBack = resources.size() - ofSection.size() + verdict.mismatched() + verdict.unverifiable();
    return new Screened(verdict.kept(), heldBack, verdict.mismatched());
  }

  private Outcome judge(Screened screened, SourceRequester requester) {
    if (requester.cancelled()) {
      throw new Cancelled();
    }
    // What the links brought in is known now: a medicine takes in the Medication it names (so it is judged,
    // and released, with it), and a resource relying on another patient's is dropped.
    List<JsonObject> kept = ContainedMedications.inline(screened.kept(), requester.index());
    PatientGuard.Verdict again = guard.check(kept, requester.index());
    Outcome filtered = filtered(again.kept(), requester.index());
    unjudged |= filtered.unjudged() > 0;
    return new Outcome(filtered.released(), filtered.encoded(),
        screened.heldBack() + again.mismatched() + again.unverifiable() + filtered.withheld(),
        filtered.unjudged(), screened.mismatched() + again.mismatched());
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
