package io.shcr.record;

import io.shcr.access.AccessDecision;
import io.shcr.api.ApiError;
import io.shcr.fhir.ResourceIndex;
import io.shcr.fhir.Resources;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.sources.CallScope;
import io.shcr.sources.SourceAdapter;
import io.shcr.sources.SourceCall;
import io.shcr.sources.SourceClient;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceDirectory;
import io.shcr.sources.SourceRegistry;
import io.shcr.sources.SourceFailure;
import io.shcr.sources.SourceKind;
import io.shcr.sources.SourceReport;
import io.shcr.sources.SourceStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One patient's record, assembled once for one request: every source in scope is asked at once,
 * each section passes the patient guard, the privacy filter and the viewer's transform, and goes to
 * the sink the moment it is ready. It completes when every source has finished or the request's
 * deadline passes (unfinished sources are then {@code timeout}), and stops everything in flight when
 * cancelled. Runs on one event loop; holds nothing beyond the request.
 */
public final class RecordView {

  /** One source may send, in all, this many of its maximum responses within one request. */
  private static final int BYTE_BUDGET_RESPONSES = 4;

  private final Vertx vertx;
  private final SourceDirectory directory;
  private final PrivacyFilter privacy;
  private final RecordRequest request;
  private final AccessDecision decision;
  private final Deadline deadline;
  private final RecordSink sink;
  private final HoldingSink holding;
  private final long startedNanos = System.nanoTime();
  private final Map<String, SourceRun> runs = new LinkedHashMap<>();
  private final Map<String, String> shownIds = new java.util.HashMap<>();
  private final Promise<ViewSummary> done = Promise.promise();
  private long deadlineTimer = -1;
  private int delivered;
  private int withheld;
  private boolean finished;

  public RecordView(Vertx vertx, SourceDirectory directory, PrivacyFilter privacy, RecordRequest request,
      AccessDecision decision, Deadline deadline, RecordSink sink) {
    this.vertx = vertx;
    this.directory = directory;
    this.privacy = privacy;
    this.request = request;
    this.decision = decision;
    this.deadline = deadline;
    this.holding = decision.relationshipVia() == null ? null : new HoldingSink(sink);
    this.sink = holding == null ? sink : holding;
  }

  /** Starts the fan-out; the Future completes with the summary audit records. */
  public Future<ViewSummary> start() {
    for (SourceConfig source : sourcesInScope()) {
      runs.put(source.id(), new SourceRun(source));
      shownIds.put(source.id(), hidden(source) ? "withheld-" + (shownIds.size() + 1) : source.id());
    }
    if (holding != null && !runs.containsKey(decision.relationshipVia())) {
      refuseRelationship("your organisation holds no record service in this region that could confirm it");
      return done.future();
    }
    sink.meta(meta());
    deadlineTimer = vertx.setTimer(Math.max(1, deadline.remainingMs()), id -> timeOutRemaining());
    runs.values().forEach(SourceRun::start);
    checkComplete();
    return done.future();
  }

  /** The client went away: stop every call in flight and end the view. */
  public void cancel() {
    if (finished) {
      return;
    }
    runs.values().forEach(run -> run.scope.cancel());
    finish("client-gone");
  }

  private static final Set<SourceKind> LOCATING_KINDS =
      EnumSet.of(SourceKind.GP, SourceKind.CARE_HOME, SourceKind.HOSPICE, SourceKind.SOCIAL_CARE);
  private static final String HIDDEN_NAME = "An organisation not named for this patient (restricted record)";

  /**
   * For a restricted (S-flagged) patient, the organisations whose names say where the patient lives
   * or is registered are shown under a per-request alias; audit still records the real ones.
   */
  private boolean hidden(SourceConfig source) {
    return decision.transform().hidesWhereThePatientIs() && LOCATING_KINDS.contains(source.kind());
  }

  private List<SourceConfig> sourcesInScope() {
    return scope(directory.registry(), request, decision);
  }

  /**
   * The sources a view asks: those named (or all) that hold a section the viewer may see, plus the
   * user's own organisation's source when the relationship rests on it. Audit records the same list.
   */
  public static List<SourceConfig> scope(SourceRegistry registry, RecordRequest request, AccessDecision decision) {
    List<SourceConfig> scope = new ArrayList<>();
    for (SourceConfig source : registry.all()) {
      boolean relationshipSource = source.id().equals(decision.relationshipVia());
      boolean named = request.sourceIds().isEmpty() || request.sourceIds().contains(source.id());
      boolean hasSections = source.sections().stream().anyMatch(decision.sections()::contains);
      if (relationshipSource || (named && hasSections)) {
        scope.add(source);
      }
    }
    return scope;
  }

  private JsonObject meta() {
    JsonArray sources = new JsonArray();
    runs.values().forEach(run -> sources.add(new JsonObject()
        .put("id", shownIds.get(run.source.id()))
        .put("name", hidden(run.source) ? HIDDEN_NAME : run.source.name())
        .put("kind", run.source.kind().wireName())
        .put("status", run.source.live() ? SourceStatus.PENDING.wireName() : SourceStatus.NOT_LIVE.wireName())));
    return new JsonObject()
        .put("requestId", request.requestId())
        .put("nhsNumber", request.nhsNumber().value())
        .put("sections", new JsonArray(decision.sections().stream().sorted().map(Section::wireName).toList()))
        .put("sources", sources)
        .put("standingStatement", PrivacyFilter.STANDING_STATEMENT)
        .put("deadlineMs", deadline.remainingMs())
        .put("startedAt", Instant.now().toString());
  }

  private void timeOutRemaining() {
    deadlineTimer = -1;
    for (SourceRun run : runs.values()) {
      if (run.result == null) {
        run.scope.cancel();
        run.finish(new SourceResult(run.source.id(), SourceStatus.TIMEOUT, elapsedMs(),
            "no answer before the request's deadline"));
      }
    }
  }

  private void onSourceFinished(SourceRun run) {
    // Once released (the relationship was proven), the own organisation's source is just another source.
    if (holding != null && !holding.released() && run.source.id().equals(decision.relationshipVia())) {
      if (run.result.status() == SourceStatus.OK) {
        holding.release();
      } else {
        if (run.result.status() == SourceStatus.NOT_FOUND || run.result.status() == SourceStatus.PATIENT_MISMATCH) {
          refuseRelationship("your organisation's record system does not hold this patient");
        } else {
          refuse(new ApiError(503, "RELATIONSHIP_UNAVAILABLE", "Your relationship with this patient could not be "
              + "confirmed, because your organisation's record system did not answer (" + run.result.status().wireName()
              + "). Try again shortly; in an emergency, record a break-glass with POST /api/v1/patients/"
              + request.nhsNumber().value() + "/break-glass.").withHeader("Retry-After", "5"), "relationship-unavailable");
        }
        return;
      }
    }
    checkComplete();
  }

  private void refuseRelationship(String why) {
    refuse(ApiError.forbidden("NO_RELATIONSHIP", "No legitimate relationship with this patient: " + why
        + ". If this is an emergency, record a break-glass with POST /api/v1/patients/" + request.nhsNumber().value()
        + "/break-glass."), "no-relationship");
  }

  /** Refuses after the fan-out began (only ever while events are held, so nothing has been sent). */
  private void refuse(ApiError error, String outcome) {
    runs.values().forEach(run -> run.scope.cancel());
    sink.refuse(error);
    finish(outcome);
  }

  private void checkComplete() {
    if (finished || runs.values().stream().anyMatch(run -> run.result == null)) {
      return;
    }
    JsonArray statuses = new JsonArray();
    runs.values().forEach(run -> statuses.add(run.result.toJson().put("source", shownIds.get(run.source.id()))));
    sink.complete(new JsonObject()
        .put("requestId", request.requestId())
        .put("sources", statuses)
        .put("elapsedMs", elapsedMs()));
    finish("complete");
  }

  private void finish(String outcome) {
    if (finished) {
      return;
    }
    finished = true;
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
    }
    Map<String, String> statuses = new LinkedHashMap<>();
    runs.values().forEach(run -> statuses.put(run.source.id(),
        run.result == null ? "cancelled" : run.result.status().wireName()));
    done.complete(new ViewSummary(outcome, statuses, delivered, withheld, elapsedMs()));
  }

  private long elapsedMs() {
    return (System.nanoTime() - startedNanos) / 1_000_000L;
  }

  /** One source's part of the view: its call, its guard, its final result. */
  private final class SourceRun {
    private final SourceConfig source;
    private final CallScope scope;
    private final ResourceIndex index;
    private final PatientGuard guard = new PatientGuard(request.nhsNumber());
    private final SectionPipeline pipeline = new SectionPipeline(privacy, decision.transform(), guard);
    private final long startedNanos = System.nanoTime();
    private SourceResult result;
    private boolean mismatch;

    SourceRun(SourceConfig source) {
      this.source = source;
      this.index = new ResourceIndex(source.baseUrl());
      this.scope = new CallScope(source.maxResponseBytes() * BYTE_BUDGET_RESPONSES);
    }

    void start() {
      if (!source.live()) {
        finish(new SourceResult(source.id(), SourceStatus.NOT_LIVE, 0, "not yet live under the information sharing agreement"));
        return;
      }
      SourceClient client = directory.client(source.id()).orElse(null);
      SourceAdapter adapter = directory.adapter(source);
      if (client == null || adapter == null) {
        finish(new SourceResult(source.id(), SourceStatus.ERROR, 0, "source is not configured for calls"));
        return;
      }
      if (client.circuitOpen()) {
        finish(new SourceResult(source.id(), SourceStatus.CIRCUIT_OPEN, 0, "circuit breaker open after repeated failures"));
        return;
      }
      Set<Section> sections = EnumSet.noneOf(Section.class);
      source.sections().stream().filter(decision.sections()::contains).forEach(sections::add);
      SourceCall call = new SourceCall(client, request.nhsNumber(), sections,
          deadline.cappedAt(source.deadlineMs()), scope, index);
      Future<SourceReport> fetched;
      try {
        fetched = adapter.fetch(call, (section, resources) -> release(call, adapter, section, resources));
      } catch (RuntimeException e) {
        fetched = Future.failedFuture(SourceFailure.from(e));
      }
      fetched.onComplete(ar -> {
        if (mismatch) {
          finish(new SourceResult(source.id(), SourceStatus.PATIENT_MISMATCH, latency(),
              "returned data about another patient: withheld"));
        } else if (ar.succeeded()) {
          SourceReport report = ar.result();
          finish(new SourceResult(source.id(), verifiedStatus(report), latency(),
              String.join("; ", pipeline.sourceDetails(report.details()))));
        } else {
          SourceFailure failure = SourceFailure.from(ar.cause());
          finish(new SourceResult(source.id(), failure.status(), latency(), failure.detail()));
        }
      });
    }

    /**
     * A source's own word that it knows the patient is not enough (the relationship may rest on it):
     * {@code ok} only if it returned a Patient that carries exactly the requested NHS number.
     */
    private SourceStatus verifiedStatus(SourceReport report) {
      if (report.status() != SourceStatus.OK) {
        return report.status();
      }
      PatientGuard.Verdict verdict = patientVerdict();
      if (verdict.mismatched() > 0 && verdict.kept().isEmpty()) {
        mismatch = true;
        return SourceStatus.PATIENT_MISMATCH;
      }
      return verdict.kept().isEmpty() ? SourceStatus.NOT_FOUND : SourceStatus.OK;
    }

    private PatientGuard.Verdict patientVerdict() {
      List<JsonObject> patients = index.all().stream().filter(r -> "Patient".equals(Resources.type(r))).toList();
      return guard.check(patients, index);
    }

    /**
     * Sections are handed over only once the source's Patient is in: if this is the user's own
     * organisation and that Patient carries exactly the requested NHS number, the relationship is
     * proven now, and every held event goes out without waiting for the rest of this source.
     */
    private void settleRelationshipEarly() {
      if (holding == null || holding.released() || !source.id().equals(decision.relationshipVia())) {
        return;
      }
      PatientGuard.Verdict verdict = patientVerdict();
      if (!verdict.kept().isEmpty() && verdict.mismatched() == 0) {
        holding.release();
      }
    }

    /** One section of this source through the pipeline, then out, unless the view or source has ended. */
    private Future<Void> release(SourceCall call, SourceAdapter adapter, Section section, List<JsonObject> resources) {
      if (result != null || finished) {
        return Future.succeededFuture();
      }
      settleRelationshipEarly();
      return pipeline.run(section, resources, call, adapter, () -> result == null && !finished).map(outcome -> {
        withheld += outcome.withheld();
        mismatch |= outcome.mismatch();
        if (result == null && !finished) {
          send(section, outcome.released());
        }
        return null;
      });
    }

    private void send(Section section, List<JsonObject> resources) {
      delivered += resources.size();
      sink.section(new JsonObject()
          .put("source", shownIds.get(source.id()))
          .put("section", section.wireName())
          .put("resources", new JsonArray(new ArrayList<>(resources))));
    }

    void finish(SourceResult sourceResult) {
      if (result != null || finished) {
        return;
      }
      result = sourceResult;
      sink.source(sourceResult.toJson().put("source", shownIds.get(source.id())));
      onSourceFinished(this);
    }

    private long latency() {
      return (System.nanoTime() - startedNanos) / 1_000_000L;
    }
  }
}
