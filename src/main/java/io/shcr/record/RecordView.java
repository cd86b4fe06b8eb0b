package io.shcr.record;

import io.shcr.core.Deadline;
import io.shcr.core.RecordRequest;
import io.shcr.core.Section;
import io.shcr.fhir.PatientGuard;
import io.shcr.access.AccessDecision;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.sources.CallScope;
import io.shcr.sources.SourceAdapter;
import io.shcr.sources.SourceCall;
import io.shcr.sources.SourceClient;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceDirectory;
import io.shcr.sources.SourceRegistry;
import io.shcr.sources.SourceFailure;
import io.shcr.sources.SourceReport;
import io.shcr.sources.SourceStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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

  /** How long past the request's deadline a view may take to end before it is ended as failed. */
  static final long WATCHDOG_GRACE_MS = 1_000;

  /** How long after a source's own deadline its calls still in flight are cancelled (their timeouts count first). */
  private static final long CANCEL_GRACE_MS = 250;

  private static final Buffer EMPTY = Buffer.buffer("[]");

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
  private final Promise<ViewSummary> done = Promise.promise();
  private SourceAliases aliases;
  private long deadlineTimer = -1;
  private long watchdogTimer = -1;
  private int withheld;
  private boolean finished;
  private boolean shuttingDown;

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
    aliases = new SourceAliases(scope(directory.registry(), request, decision), decision.transform().hidesWhereThePatientIs());
    for (SourceConfig source : aliases.inOrder()) {
      runs.put(source.id(), new SourceRun(source));
    }
    if (holding != null && !runs.containsKey(decision.relationshipVia())) {
      refuseRelationship("your organisation holds no record service in this region that could confirm it");
      return done.future();
    }
    long remaining = Math.max(1, deadline.remainingMs());
    if (!deliver(() -> sink.meta(meta()))) {
      return done.future();
    }
    deadlineTimer = vertx.setTimer(remaining, id -> timeOutRemaining());
    // Whatever happens (a sink that cannot write, a step that never completes), no view outlives this.
    watchdogTimer = vertx.setTimer(remaining + WATCHDOG_GRACE_MS, id -> {
      watchdogTimer = -1;
      fail("it could not be completed in time");
    });
    runs.values().forEach(SourceRun::start);
    checkComplete();
    return done.future();
  }

  /**
   * The service is shutting down: every source still running is stopped and reported {@code shutdown}
   * (our doing, not the source's), and the view completes with what arrived.
   */
  public void shutdown() {
    if (finished) {
      return;
    }
    shuttingDown = true;
    for (SourceRun run : runs.values()) {
      if (run.result == null) {
        run.scope.cancel();
        run.finish(new SourceResult(run.source.id(), SourceStatus.SHUTDOWN, elapsedMs(),
            "this service was shutting down and ended the request early; the source was not at fault"));
      }
    }
    checkComplete();
  }

  /** The client went away: stop every call in flight and end the view. */
  public void cancel() {
    if (finished) {
      return;
    }
    runs.values().forEach(run -> run.scope.cancel());
    finish("client-gone");
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

  /**
   * Hands an event to the sink; if writing fails, the view fails (the response ends with an error and
   * the audit says so). False when the view has ended.
   */
  private boolean deliver(Runnable event) {
    if (finished) {
      return false;
    }
    try {
      event.run();
      return true;
    } catch (RuntimeException | StackOverflowError e) {
      fail("it could not be written");
      return false;
    }
  }

  /** Ends the view as failed: every call stopped, the response ended with an error, audited as {@code error}. */
  private void fail(String why) {
    if (finished) {
      return;
    }
    runs.values().forEach(run -> run.scope.cancel());
    try {
      sink.fail(ErrorCode.INTERNAL_SERVER_ERROR.error("The record could not be shown in full, because " + why
          + "; anything shown before this may be incomplete. Try again."));
    } catch (RuntimeException | StackOverflowError e) {
      // A sink promises not to throw here; the view ends regardless.
    }
    finish("error");
  }

  private JsonObject meta() {
    JsonArray sources = new JsonArray();
    for (SourceRun run : runs.values()) {
      JsonObject shown = new JsonObject().put("id", aliases.shownId(run.source));
      if (aliases.hidden(run.source)) {
        shown.put("name", SourceAliases.HIDDEN_NAME);
      } else {
        shown.put("name", run.source.name()).put("kind", run.source.kind().wireName());
      }
      sources.add(shown.put("status", run.source.live() ? SourceStatus.PENDING.wireName() : SourceStatus.NOT_LIVE.wireName()));
    }
    return new JsonObject()
        .put("requestId", request.requestId())
        .put("nhsNumber", request.nhsNumber().value())
        .put("sections", new JsonArray(decision.sections().stream().sorted().map(Section::wireName).toList()))
        .put("sources", sources)
        .put("standingStatement", PrivacyFilter.STANDING_STATEMENT)
        // A restricted (S-flagged) patient: viewers show a "restricted record" banner and no location.
        .put("restricted", decision.transform().hidesWhereThePatientIs())
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
        if (!deliver(holding::release)) {
          return;
        }
      } else {
        if (run.result.status() == SourceStatus.NOT_FOUND || run.result.status() == SourceStatus.PATIENT_MISMATCH) {
          refuseRelationship("your organisation's record system does not hold this patient");
        } else {
          refuse(ErrorCode.RELATIONSHIP_UNAVAILABLE.error("Your relationship with this patient could not be "
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
    refuse(ErrorCode.NO_RELATIONSHIP.error("No legitimate relationship with this patient: " + why
        + ". If this is an emergency, record a break-glass with POST /api/v1/patients/" + request.nhsNumber().value()
        + "/break-glass."), "no-relationship");
  }

  /** Refuses after the fan-out began (only ever while events are held, so nothing has been sent). */
  private void refuse(ApiError error, String outcome) {
    runs.values().forEach(run -> run.scope.cancel());
    if (deliver(() -> sink.refuse(error))) {
      finish(outcome);
    }
  }

  private void checkComplete() {
    if (finished || runs.values().stream().anyMatch(run -> run.result == null)) {
      return;
    }
    JsonArray statuses = new JsonArray();
    runs.values().forEach(run -> statuses.add(run.shownResult()));
    JsonObject complete = new JsonObject()
        .put("requestId", request.requestId())
        .put("sources", statuses)
        .put("elapsedMs", elapsedMs());
    if (deliver(() -> sink.complete(complete))) {
      finish(shuttingDown ? "shutdown" : "complete");
    }
  }

  private void finish(String outcome) {
    if (finished) {
      return;
    }
    finished = true;
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
    }
    if (watchdogTimer >= 0) {
      vertx.cancelTimer(watchdogTimer);
    }
    runs.values().forEach(SourceRun::stopTimer);
    Map<String, String> statuses = new LinkedHashMap<>();
    Map<String, Long> timings = new LinkedHashMap<>();
    runs.values().forEach(run -> {
      statuses.put(run.source.id(), run.result == null ? "cancelled" : run.result.status().wireName());
      if (run.result != null) {
        timings.put(run.source.id(), run.result.latencyMs());
      }
    });
    // Delivered means what reached the client: a JSON document never sent delivered nothing.
    long elapsed = elapsedMs();
    written().onComplete(count -> done.complete(new ViewSummary(outcome, statuses, count.result(), withheld, elapsed, timings)));
  }

  private Future<Integer> written() {
    try {
      return sink.written().otherwise(0);
    } catch (RuntimeException e) {
      return Future.succeededFuture(0);
    }
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
    private final Set<Section> sent = EnumSet.noneOf(Section.class);
    private SourceClient client;
    private SourceResult result;
    private boolean mismatch;
    private long sourceTimer = -1;

    SourceRun(SourceConfig source) {
      this.source = source;
      this.index = new ResourceIndex(source.baseUrl());
      this.scope = new CallScope(directory.newLane(), source.maxResponseBytes() * BYTE_BUDGET_RESPONSES,
          source.maxResourcesPerRequest()).tracedAs(new io.shcr.sources.CallHeaders(request.requestId(),
              request.trace().traceparent(), request.trace().traceId()));
    }

    void start() {
      if (!source.live()) {
        finish(new SourceResult(source.id(), SourceStatus.NOT_LIVE, 0, "not yet live under the information sharing agreement"));
        return;
      }
      client = directory.client(source.id()).orElse(null);
      SourceAdapter adapter = directory.adapter(source);
      if (client == null || adapter == null) {
        finish(new SourceResult(source.id(), SourceStatus.ERROR, 0, "source is not configured for calls"));
        return;
      }
      if (client.circuitOpen()) {
        finish(new SourceResult(source.id(), SourceStatus.CIRCUIT_OPEN, 0, SourceFailure.circuitOpen().detail()));
        return;
      }
      Set<Section> sections = EnumSet.noneOf(Section.class);
      source.sections().stream().filter(decision.sections()::contains).forEach(sections::add);
      Deadline sourceDeadline = deadline.cappedAt(source.deadlineMs());
      SourceCall call = new SourceCall(client, request.nhsNumber(), sections, sourceDeadline, scope, index);
      startTimer(sourceDeadline);
      Future<SourceReport> fetched;
      try {
        fetched = adapter.fetch(call, (section, resources) -> release(call, adapter, section, resources));
      } catch (RuntimeException e) {
        fetched = Future.failedFuture(SourceFailure.from(e));
      }
      fetched.onComplete(ar -> {
        if (mismatch || scope.sawAnotherPatientsData()) {
          client.recordFailure(); // its last word, after any answer of it that looked fine
          finish(mismatched());
        } else if (ar.succeeded()) {
          SourceReport report = ar.result();
          SourceStatus status = verifiedStatus(report);
          if (status == SourceStatus.PATIENT_MISMATCH) {
            client.recordFailure();
          }
          finish(status == SourceStatus.PATIENT_MISMATCH ? mismatched()
              : new SourceResult(source.id(), status, latency(), String.join("; ", pipeline.sourceDetails(report.details()))));
        } else {
          SourceFailure failure = SourceFailure.from(ar.cause());
          if (failure.sourcesFault()) {
            client.recordFailedRequest();
          }
          finish(new SourceResult(source.id(), failure.status(), latency(), failure.detail()));
        }
      });
    }

    /** Reading, checking and encoding count inside the source's deadline, not only its answers. */
    private void startTimer(Deadline sourceDeadline) {
      long budget = Math.max(1, sourceDeadline.remainingMs());
      sourceTimer = vertx.setTimer(budget, id -> {
        sourceTimer = -1;
        if (result == null && !finished) {
          finish(new SourceResult(source.id(), SourceStatus.TIMEOUT, latency(),
              "no complete answer within the source's deadline (" + budget + " ms)"));
          // Calls still in flight time out on their own now (and count against the source); then stop the rest.
          vertx.setTimer(CANCEL_GRACE_MS, t -> scope.cancel());
        }
      });
    }

    void stopTimer() {
      if (sourceTimer >= 0) {
        vertx.cancelTimer(sourceTimer);
        sourceTimer = -1;
      }
    }

    private SourceResult mismatched() {
      return new SourceResult(source.id(), SourceStatus.PATIENT_MISMATCH, latency(), SourceFailure.anotherPatient().detail());
    }

    /**
     * A source's own word that it knows the patient is not enough (the relationship may rest on it):
     * {@code ok} only if it returned a Patient that carries exactly the requested NHS number.
     */
    private SourceStatus verifiedStatus(SourceReport report) {
      if (report.status() != SourceStatus.OK) {
        return report.status();
      }
      List<JsonObject> patients = patients();
      if (patients.stream().anyMatch(guard::namesAnotherPatient)) {
        return SourceStatus.PATIENT_MISMATCH;
      }
      return patients.stream().anyMatch(p -> guard.proves(p, index)) ? SourceStatus.OK : SourceStatus.NOT_FOUND;
    }

    private List<JsonObject> patients() {
      return index.patients();
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
      List<JsonObject> patients = patients();
      if (patients.stream().anyMatch(p -> guard.proves(p, index)) && patients.stream().noneMatch(guard::namesAnotherPatient)) {
        deliver(holding::release);
      }
    }

    /** False once the view or this source has ended, or the source was caught sending another patient's data. */
    private boolean stillWanted() {
      return result == null && !finished && !mismatch && !scope.sawAnotherPatientsData();
    }

    /** One section of this source through the pipeline, then out, unless the view or source has ended. */
    private Future<Void> release(SourceCall call, SourceAdapter adapter, Section section, List<JsonObject> resources) {
      if (!stillWanted()) {
        return Future.succeededFuture();
      }
      settleRelationshipEarly();
      return pipeline.run(section, resources, call, adapter, this::stillWanted).map(outcome -> {
        withheld += outcome.withheld();
        // Another patient named only through a resource's links (no answer named them): counted at the end.
        mismatch |= outcome.mismatch();
        if (stillWanted()) {
          send(section, outcome.released().size(), outcome.encoded());
        }
        return null;
      });
    }

    private void send(Section section, int count, Buffer encoded) {
      if (sent.add(section)) {
        deliver(() -> sink.section(new SectionEvent(aliases.shownId(source), section.wireName(), count, encoded)));
      }
    }

    /** A hidden source that answered reports every section any hidden source holds, so its set says nothing. */
    private void padHiddenSections() {
      if (!aliases.hidden(source) || (result.status() != SourceStatus.OK && result.status() != SourceStatus.NOT_FOUND)) {
        return;
      }
      for (Section section : aliases.hiddenSections(decision.sections())) {
        send(section, 0, EMPTY);
      }
    }

    /** The result as the client sees it: the shown id, and for a hidden source a neutral detail. */
    JsonObject shownResult() {
      JsonObject json = result.toJson().put("source", aliases.shownId(source));
      if (aliases.hidden(source) && json.getValue("detail") instanceof String detail) {
        json.put("detail", SourceAliases.neutralDetail(detail));
      }
      return json;
    }

    void finish(SourceResult sourceResult) {
      if (result != null || finished) {
        return;
      }
      result = sourceResult;
      io.shcr.ops.ShcrMetrics.sourceResult(source.id(), sourceResult.status().wireName(), sourceResult.latencyMs());
      // Calls still in flight are left to end on their own (or at the deadline): each one's outcome
      // counts for the source's breaker; nothing more of this source is released.
      stopTimer();
      padHiddenSections();
      if (deliver(() -> sink.source(shownResult()))) {
        onSourceFinished(this);
      }
    }

    private long latency() {
      return (System.nanoTime() - startedNanos) / 1_000_000L;
    }
  }
}
