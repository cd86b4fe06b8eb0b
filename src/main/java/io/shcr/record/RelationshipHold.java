package io.shcr.record;

import io.shcr.access.AccessDecision;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.nhs.NhsNumber;
import io.shcr.sources.SourceStatus;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The relationship hold ({@link AccessDecision#relationshipVia()}): when the user's relationship with
 * the patient rests on their own organisation's source, every event of the view (even {@code meta}) is
 * held back until that source has settled it; then they are released in order, or the view is refused
 * with nothing sent. The fan-out is not slowed: every source is asked at once, only their data waits.
 * It owns the three moments: holding, early release (that source's Patient proves the patient before
 * its sections are in), and refusal. Without a hold it passes every event straight on. What it holds
 * lives only for this request.
 */
final class RelationshipHold implements RecordSink {

  /** What the end of a source's run means for the view. */
  record Verdict(boolean release, ApiError refusal, String outcome) {
    static final Verdict GO_ON = new Verdict(false, null, null);
    static final Verdict RELEASE = new Verdict(true, null, null);

    static Verdict refuse(ApiError refusal, String outcome) {
      return new Verdict(false, refusal, outcome);
    }
  }

  private final String via;
  private final NhsNumber patient;
  private final RecordSink delegate;
  private List<Consumer<RecordSink>> held;
  private boolean refused;

  RelationshipHold(AccessDecision decision, NhsNumber patient, RecordSink delegate) {
    this.via = decision.relationshipVia();
    this.patient = patient;
    this.delegate = delegate;
    this.held = via == null ? null : new ArrayList<>();
  }

  /** Whether events are still being held (a relationship to settle, not yet settled). */
  boolean holding() {
    return held != null && !refused;
  }

  /** Whether this source is the one the relationship rests on. */
  boolean restsOn(String sourceId) {
    return via != null && via.equals(sourceId);
  }

  /** A refusal before anything is asked: the source the relationship rests on is not among the view's. */
  ApiError refusalAtStart(Collection<String> sourceIds) {
    return holding() && !sourceIds.contains(via)
        ? noRelationship("your organisation holds no record service in this region that could confirm it") : null;
  }

  /**
   * The source's Patient is in, before its sections: if it is the source the relationship rests on and
   * that Patient carries exactly the requested NHS number, the relationship is proven now.
   */
  boolean provesEarly(String sourceId, boolean patientProven) {
    return holding() && restsOn(sourceId) && patientProven;
  }

  /** A source's run ended with this status: release, refuse, or (any other source, or no hold) go on. */
  Verdict ended(String sourceId, SourceStatus status) {
    // Once released (the relationship was proven), the own organisation's source is just another source.
    if (!holding() || !restsOn(sourceId)) {
      return Verdict.GO_ON;
    }
    if (status == SourceStatus.OK) {
      return Verdict.RELEASE;
    }
    if (status == SourceStatus.NOT_FOUND || status == SourceStatus.PATIENT_MISMATCH) {
      return Verdict.refuse(noRelationship("your organisation's record system does not hold this patient"), "no-relationship");
    }
    return Verdict.refuse(ErrorCode.RELATIONSHIP_UNAVAILABLE.error("Your relationship with this patient could not be "
        + "confirmed, because your organisation's record system did not answer (" + status.wireName()
        + "). Try again shortly; in an emergency, record a break-glass with POST /api/v1/patients/"
        + patient.value() + "/break-glass.").withHeader("Retry-After", "5"), "relationship-unavailable");
  }

  ApiError noRelationship(String why) {
    return ErrorCode.NO_RELATIONSHIP.error("No legitimate relationship with this patient: " + why
        + ". If this is an emergency, record a break-glass with POST /api/v1/patients/" + patient.value()
        + "/break-glass.");
  }

  /** The relationship is proven: every held event goes out, in order, and later ones pass straight on. */
  void release() {
    if (held == null || refused) {
      return;
    }
    List<Consumer<RecordSink>> pending = held;
    held = null;
    pending.forEach(event -> event.accept(delegate));
  }

  @Override
  public void refuse(ApiError error) {
    if (held == null || refused) {
      return;
    }
    refused = true;
    held.clear();
    delegate.refuse(error);
  }

  private void pass(Consumer<RecordSink> event) {
    if (refused) {
      return;
    }
    if (held != null) {
      held.add(event);
    } else {
      event.accept(delegate);
    }
  }

  @Override
  public void meta(JsonObject meta) {
    pass(sink -> sink.meta(meta));
  }

  @Override
  public void section(SectionEvent section) {
    pass(sink -> sink.section(section));
  }

  @Override
  public void source(JsonObject source) {
    pass(sink -> sink.source(source));
  }

  @Override
  public void group(io.shcr.reconcile.GroupEvent group) {
    pass(sink -> sink.group(group));
  }

  @Override
  public void timeline(io.vertx.core.json.JsonArray timeline) {
    pass(sink -> sink.timeline(timeline));
  }

  @Override
  public boolean wantsTimeline() {
    return delegate.wantsTimeline();
  }

  @Override
  public void complete(JsonObject complete) {
    pass(sink -> sink.complete(complete));
  }

  @Override
  public void fail(ApiError error) {
    refused = true;
    if (held != null) {
      held.clear();
    }
    delegate.fail(error);
  }

  @Override
  public int delivered() {
    return delegate.delivered();
  }

  @Override
  public io.vertx.core.Future<Integer> written() {
    return delegate.written();
  }
}
