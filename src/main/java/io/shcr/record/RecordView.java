package io.shcr.record;

import io.shcr.core.Deadline;
import io.shcr.core.RecordRequest;
import io.shcr.core.Section;
import io.shcr.core.SharedTimers;
import io.shcr.fhir.PatientGuard;
import io.shcr.access.AccessDecision;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.reconcile.DemographicCheck;
import io.shcr.reconcile.Reconciliation;
import io.shcr.reconcile.Timeline;
import io.shcr.sources.CallScope;
import io.shcr.sources.SectionBatch;
import io.shcr.sources.SourceAdapter;
import io.shcr.sources.SourceCall;
import io.shcr.sources.SourceClient;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceDirectory;
import io.shcr.sources.SourceFailure;
import io.shcr.sources.SourceOutcome;
import io.shcr.sources.SourceRegistry;
import io.shcr.sources.SourceRequester;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One patient's record, assembled once for one request: every source in scope is asked at once (each
 * by its {@link SourceRequester}), each section batch passes the patient guard, the privacy filter and
 * the viewer's transform, and goes to the sink the moment it is ready. Made first (so the caller can
 * audit {@link #sourceIds()} before anything is asked), then {@link #start started} with its deadline
 * and sink. It completes when every source has finished or the request's
 * deadline passes (unfinished sources are then {@code timeout}), and stops everything in flight when
 * cancelled. Runs on one event loop; holds nothing beyond the request.
 */
public final class RecordView {

  private static final Logger LOG = LoggerFactory.getLogger(RecordView.class);

  /** One source may send, in all, this many of its maximum responses within one request. */
  private static final int BYTE_BUDGET_RESPONSES = 4;

  /** How long past the request's deadline a view may take to end before it is ended as failed. */
  static final long WATCHDOG_GRACE_MS = 1_000;

  /** How long after a source's own deadline its calls still in flight are cancelled (their timeouts count first). */
  private static final long CANCEL_GRACE_MS = 250;

  private static final Buffer EMPTY = Buffer.buffer("[]");

  private static final String GP_CONNECT = "gp-connect";

  private final Vertx vertx;
  private final SourceDirectory directory;
  private final PrivacyFilter privacy;
  private final RecordRequest request;
  private final AccessDecision decision;
  private final SourceAliases aliases;
  private final Continuation continuation;
  private final Map<String, SourceRun> runs = new LinkedHashMap<>();
  /** What every call of this view tells its sources (request id, trace): one for all its runs. */
  private final io.shcr.sources.CallHeaders callHeaders;
  private final Promise<ViewSummary> done = Promise.promise();
  /** The released items grouped across sources, and timed; fed after each section event is handed over. */
  private final Reconciliation reconciliation = new Reconciliation();
  private final Timeline timeline = new Timeline();
  private long startedNanos = System.nanoTime();
  private Deadline deadline;
  private RelationshipHold hold;
  private RecordSink sink;
  // Shared timers (one wheel per event loop): a held view keeps one per source as well as these.
  private SharedTimers.Timeout deadlineTimer;
  private SharedTimers.Timeout watchdogTimer;
  private int withheld;
  private boolean finished;
  private boolean shuttingDown;

  /** A view of an allowed decision: works out its sources, asks none of them yet. */
  public RecordView(Vertx vertx, SourceDirectory directory, PrivacyFilter privacy, RecordRequest request,
      AccessDecision decision) {
    this(vertx, directory, privacy, request, decision, Continuation.NONE);
  }

  /**
   * A view that continues an earlier stream of the same view (a resume): the sources {@code continuation}
   * says finished are not asked again, the sections it says were delivered are not sent again, and the
   * hidden sources keep their aliases.
   */
  public RecordView(Vertx vertx, SourceDirectory directory, PrivacyFilter privacy, RecordRequest request,
      AccessDecision decision, Continuation continuation) {
    this.vertx = vertx;
    this.directory = directory;
    this.privacy = privacy;
    this.request = request;
    this.decision = decision;
    this.continuation = continuation;
    this.callHeaders = new io.shcr.sources.CallHeaders(request.requestId(), request.trace().traceparent(), request.trace().traceId());
    this.aliases = new SourceAliases(scope(directory.registry(), request, decision), decision.transform().hidesWhereThePatientIs(),
        continuation.aliases());
    for (SourceConfig source : aliases.inOrder()) {
      runs.put(source.id(), new SourceRun(source));
    }
    reconciliation.comparedWith(decision.pds());
  }

  /** The ids of the sources this view covers (real ids, in registry order). */
  public List<String> sourceIds() {
    return sourcesFor(directory.registry(), request, decision);
  }

  /** The ids of the sources this view will ask: its sources less those a resumed view carries over. What audit records. */
  public List<String> askedSourceIds() {
    return sourceIds().stream().filter(id -> !continuation.finished().containsKey(id)).toList();
  }

  /** The sources a view of this request under this decision covers (real ids, in registry order). */
  public static List<String> sourcesFor(SourceRegistry registry, RecordRequest request, AccessDecision decision) {
    return scope(registry, request, decision).stream().map(SourceConfig::id).toList();
  }

  /** Real id to the id this view shows (an alias for a restricted patient's hidden sources). */
  public Map<String, String> shownIds() {
    return aliases.shownIds();
  }

  /** Starts the fan-out into the sink; the Future completes with the summary audit records. */
  public Future<ViewSummary> start(Deadline requestDeadline, RecordSink target) {
    this.startedNanos = System.nanoTime();
    this.deadline = requestDeadline;
    this.hold = new RelationshipHold(decision, request.nhsNumber(), target);
    this.sink = hold;
    ApiError refusal = hold.refusalAtStart(runs.keySet());
    if (refusal != null) {
      refuse(refusal, "no-relationship");
      return done.future();
    }
    long remaining = Math.max(1, deadline.remainingMs());
    if (!deliver(() -> sink.meta(meta()))) {
      return done.future();
    }
    deadlineTimer = SharedTimers.after(vertx, remaining, this::timeOutRemaining);
    // Whatever happens (a sink that cannot write, a step that never completes), no view outlives this.
    watchdogTimer = SharedTimers.after(vertx, remaining + WATCHDOG_GRACE_MS, () -> {
      watchdogTimer = null;
      fail("it could not be completed in time");
    });
    // A resumed view: what the client already has of a source is settled first, in order, as if it had just ended.
    for (SourceRun run : runs.values()) {
      Continuation.Carried carried = continuation.finished().get(run.source.id());
      if (carried != null && !run.carryOver(carried)) {
        return done.future();
      }
    }
    runs.values().stream().filter(run -> run.state == RunState.WAITING).forEach(SourceRun::start);
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
      if (run.state != RunState.FINISHED) {
        run.scope.cancel();
        run.end(SourceOutcome.of(SourceStatus.SHUTDOWN,
            "this service was shutting down and ended the request early; the source was not at fault"), elapsedMs());
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
   * The sources a view asks: those named (or all) that hold a section the viewer may see, of the GP
   * practices only the patient's registered one (none for a restricted patient), plus the user's own
   * organisation's source when the relationship rests on it. Audit records the same list.
   */
  private static List<SourceConfig> scope(SourceRegistry registry, RecordRequest request, AccessDecision decision) {
    List<SourceConfig> scope = new ArrayList<>();
    for (SourceConfig source : registry.all()) {
      boolean relationshipSource = source.id().equals(decision.relationshipVia());
      boolean named = request.sourceIds().isEmpty() || request.sourceIds().contains(source.id());
      boolean hasSections = source.sections().stream().anyMatch(decision.sections()::contains);
      // Only the registered practice PDS names is asked through GP Connect; never one for a restricted patient.
      boolean askable = !GP_CONNECT.equals(source.adapter()) || decision.gp().permits(source.id());
      if (relationshipSource || (named && hasSections && askable)) {
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
        .put("gpRecord", GpRecordNote.of(decision.gp(), runs.keySet(), directory.registry()))
        .put("deadlineMs", deadline.remainingMs())
        .put("startedAt", Instant.now().toString());
  }

  private void timeOutRemaining() {
    deadlineTimer = null;
    for (SourceRun run : runs.values()) {
      if (run.state != RunState.FINISHED) {
        run.scope.cancel();
        run.end(SourceOutcome.of(SourceStatus.TIMEOUT, "no answer before the request's deadline"), elapsedMs());
      }
    }
  }

  private void onSourceEnded(SourceRun run) {
    RelationshipHold.Verdict verdict = hold.ended(run.source.id(), run.status);
    if (verdict.refusal() != null) {
      refuse(verdict.refusal(), verdict.outcome());
      return;
    }
    if (verdict.release() && !deliver(hold::release)) {
      return;
    }
    checkComplete();
  }

  /** Refuses (only ever while events are held, so nothing has been sent). */
  private void refuse(ApiError error, String outcome) {
    runs.values().forEach(run -> run.scope.cancel());
    if (deliver(() -> sink.refuse(error))) {
      finish(outcome);
    }
  }

  private void checkComplete() {
    if (finished || runs.values().stream().anyMatch(run -> run.state != RunState.FINISHED)) {
      return;
    }
    JsonArray statuses = new JsonArray();
    runs.values().forEach(run -> statuses.add(run.shownResult()));
    JsonObject complete = new JsonObject()
        .put("requestId", request.requestId())
        .put("sources", statuses)
        .put("elapsedMs", elapsedMs());
    if (deliver(() -> sink.timeline(timeline.entries())) && deliver(() -> sink.complete(complete))) {
      finish(shuttingDown ? "shutdown" : "complete");
    }
  }

  private void finish(String outcome) {
    if (finished) {
      return;
    }
    finished = true;
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
    }
    if (watchdogTimer != null) {
      watchdogTimer.cancel();
    }
    runs.values().forEach(SourceRun::stopTimer);
    Map<String, String> statuses = new LinkedHashMap<>();
    Map<String, Long> timings = new LinkedHashMap<>();
    runs.values().forEach(run -> {
      statuses.put(run.source.id(), run.state != RunState.FINISHED ? "cancelled" : run.status.wireName());
      if (run.state == RunState.FINISHED) {
        timings.put(run.source.id(), run.latencyMs);
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

  /**
   * One source's part of the view: its requester, its guard, its one final status. A run waiting for its
   * source (for one of this node's permits, or for SDS) holds only its config, its state, its scope and its
   * timer; what its calls and answers need (index, guard, pipeline, requester) is built once the permit for
   * its first call is its own ({@link #ask}), so thousands of held views cost little while they wait.
   */
  private final class SourceRun {
    private final SourceConfig source;
    private final CallScope scope;
    /** Built with the first call, under the source's base URL (a GP Connect practice's: the endpoint SDS gave). */
    private ResourceIndex index;
    private PatientGuard guard;
    private SectionPipeline pipeline;
    private final Set<Section> sent = EnumSet.noneOf(Section.class);
    private boolean carried;
    private long startedNanos;
    private RunState state = RunState.WAITING;
    private SourceRequester requester;
    private SourceClient client;
    private SourceStatus status;
    private String detail;
    private long latencyMs;
    private boolean mismatch;
    /** The source's Patient differs from PDS on date of birth or name: nothing of it is released. */
    private boolean demographicMismatch;
    /** How many Patients the index held at the last demographic check (-1: none yet): a new one is checked too. */
    private int patientsChecked = -1;
    /**
     * The Patient whose smaller demographic differences make the demographics group, once this source's
     * demographics section goes out (from the released copy of it, never this one).
     */
    private JsonObject differingPatient;
    private SharedTimers.Timeout sourceTimer;

    SourceRun(SourceConfig source) {
      this.source = source;
      sent.addAll(continuation.deliveredOf(source.id())); // a resumed view's client has these already
      this.scope = new CallScope(directory.newLane(), source.maxResponseBytes() * BYTE_BUDGET_RESPONSES,
          source.maxResourcesPerRequest()).tracedAs(callHeaders);
    }

    /**
     * The client of a resumed view already has this source's status: it is not asked again and its
     * {@code source} event is not sent again, but the view goes on as if it had just ended (a relationship
     * resting on it is settled by it). False when that ended the view (a refusal).
     */
    boolean carryOver(Continuation.Carried had) {
      state = RunState.FINISHED;
      carried = true;
      status = had.status();
      latencyMs = had.latencyMs();
      RelationshipHold.Verdict verdict = hold.ended(source.id(), status);
      if (verdict.refusal() != null) {
        refuse(verdict.refusal(), verdict.outcome());
        return false;
      }
      return !verdict.release() || deliver(hold::release);
    }

    void start() {
      startedNanos = System.nanoTime();
      if (GP_CONNECT.equals(source.adapter()) && !decision.gp().permits(source.id())) {
        // In scope only as the source the relationship rests on: a practice other than the patient's own is never asked.
        end(SourceOutcome.of(SourceStatus.NOT_FOUND, decision.gp().notAskedDetail()), 0);
        return;
      }
      if (!source.live()) {
        end(SourceOutcome.of(SourceStatus.NOT_LIVE, "not yet live under the information sharing agreement"), 0);
        return;
      }
      client = directory.client(source.id()).orElse(null);
      SourceAdapter adapter = directory.adapter(source);
      if (client == null || adapter == null) {
        end(SourceOutcome.of(SourceStatus.ERROR, "source is not configured for calls"), 0);
        return;
      }
      if (client.circuitOpen()) {
        end(SourceOutcome.failed(SourceFailure.circuitOpen()), 0);
        return;
      }
      Deadline sourceDeadline = deadline.cappedAt(source.deadlineMs());
      state = RunState.ASKING;
      startTimer(sourceDeadline); // an SDS lookup counts within the practice's deadline
      if (!GP_CONNECT.equals(source.adapter())) {
        reserveThenAsk(adapter, sourceDeadline, null);
        return;
      }
      directory.endpoint(source).onComplete(found -> {
        if (state != RunState.ASKING || finished) {
          return; // the deadline, or the view, ended first
        }
        if (found.failed() || !found.result().found()) {
          end(SourceOutcome.failed(SourceFailure.directory(found.succeeded() ? found.result().problem() : "could not be asked")),
              latency());
          return;
        }
        reserveThenAsk(adapter, sourceDeadline, found.result().endpoint());
      });
    }

    /**
     * Waits for this node's permit for the source's first call (as that call would), then asks. A permit
     * refused (our queue full, no connection free in time) is left to the calls, which are refused the same
     * way and counted as they always were.
     */
    private void reserveThenAsk(SourceAdapter adapter, Deadline sourceDeadline, io.shcr.sources.sds.ProviderEndpoint provider) {
      client.reserve(sourceDeadline, scope).onComplete(reserved -> {
        if (state != RunState.ASKING || finished) {
          scope.giveBackReserved(); // the deadline, or the view, ended first
          return;
        }
        ask(adapter, sourceDeadline, provider);
      });
    }

    /** The source's requester, run: for a GP Connect practice, at the endpoint SDS (or its override) gave. */
    private void ask(SourceAdapter adapter, Deadline sourceDeadline, io.shcr.sources.sds.ProviderEndpoint provider) {
      // Absolute references resolve under the base URL the source is asked at.
      index = new ResourceIndex(provider != null ? provider.address() : source.baseUrl());
      guard = new PatientGuard(request.nhsNumber());
      pipeline = new SectionPipeline(privacy, decision.transform(), guard);
      Set<Section> sections = EnumSet.noneOf(Section.class);
      source.sections().stream().filter(decision.sections()::contains).forEach(sections::add);
      requester = new SourceRequester(client, adapter, new SourceCall(source, request.nhsNumber(), sections, index,
          decision.principal(), directory.registry().gpConnect(), Instant.now(), provider),
          sourceDeadline, scope);
      requester.run(this::release).onComplete(ar -> {
        scope.giveBackReserved(); // a plan that made no call leaves the permit unspent
        concluded(ar.succeeded() ? ar.result() : SourceOutcome.failed(SourceFailure.unprocessable()));
      });
    }

    /**
     * The requester's last word. Counted against the source's breaker and health even when the run had
     * already ended (its deadline): a source that sent another patient's data is {@code patient-mismatch},
     * one that answered is {@code ok} only with a Patient that proves the NHS number.
     */
    private void concluded(SourceOutcome outcome) {
      if (!mismatch && !scope.sawAnotherPatientsData() && outcome.answered() && patientProven()) {
        checkDemographics();
      }
      if (demographicMismatch) {
        end(SourceOutcome.of(SourceStatus.PATIENT_MISMATCH, DemographicCheck.MISMATCH_DETAIL), latency());
      } else if (mismatch || scope.sawAnotherPatientsData()) {
        client.recordFailure(); // its last word, after any answer of it that looked fine
        end(mismatched(), latency());
      } else if (outcome.answered()) {
        SourceStatus verified = verifiedStatus(outcome.status());
        if (verified == SourceStatus.PATIENT_MISMATCH) {
          client.recordFailure();
          end(mismatched(), latency());
        } else {
          end(new SourceOutcome(verified, pipeline.sourceDetails(outcome.details()), null), latency());
        }
      } else {
        if (outcome.failure() != null && outcome.failure().sourcesFault()) {
          client.recordFailedRequest();
        }
        end(outcome, latency());
      }
    }

    /** Reading, checking and encoding count inside the source's deadline, not only its answers. */
    private void startTimer(Deadline sourceDeadline) {
      long budget = Math.max(1, sourceDeadline.remainingMs());
      sourceTimer = SharedTimers.after(vertx, budget, () -> {
        sourceTimer = null;
        if (state == RunState.ASKING && !finished) {
          end(SourceOutcome.of(SourceStatus.TIMEOUT, "no complete answer within the source's deadline (" + budget + " ms)"),
              latency());
          // Calls still in flight time out on their own now (and count against the source); then stop the rest.
          SharedTimers.after(vertx, CANCEL_GRACE_MS, scope::cancel);
        }
      });
    }

    void stopTimer() {
      if (sourceTimer != null) {
        sourceTimer.cancel();
        sourceTimer = null;
      }
    }

    private SourceOutcome mismatched() {
      return SourceOutcome.failed(SourceFailure.anotherPatient());
    }

    /**
     * A source's own word that it knows the patient is not enough (the relationship may rest on it):
     * {@code ok} only if it returned a Patient that carries exactly the requested NHS number.
     */
    private SourceStatus verifiedStatus(SourceStatus said) {
      if (said != SourceStatus.OK) {
        return said;
      }
      List<JsonObject> patients = index.patients();
      if (patients.stream().anyMatch(guard::namesAnotherPatient)) {
        return SourceStatus.PATIENT_MISMATCH;
      }
      return patients.stream().anyMatch(p -> guard.proves(p, index)) ? SourceStatus.OK : SourceStatus.NOT_FOUND;
    }

    /** Whether this source's Patient, in by now, carries exactly the requested NHS number and no other. */
    private boolean patientProven() {
      List<JsonObject> patients = index.patients();
      return patients.stream().anyMatch(p -> guard.proves(p, index)) && patients.stream().noneMatch(guard::namesAnotherPatient);
    }

    /** False once the view or this source has ended, or the source was caught sending another patient's data. */
    private boolean stillWanted() {
      return state == RunState.ASKING && !finished && !mismatch && !demographicMismatch && !scope.sawAnotherPatientsData();
    }

    /**
     * When the source's Patient is proven, and again whenever a later answer brings another Patient (and at
     * the end): every proven Patient's name and date of birth against PDS. A mismatch withholds everything
     * of the source still to come (a section already sent cannot be recalled; the source's final status
     * {@code patient-mismatch} says so); smaller differences go out as the demographics group.
     */
    private void checkDemographics() {
      int patients = index.patients().size();
      if (patients == patientsChecked) {
        return;
      }
      patientsChecked = patients;
      // Every Patient the source proves to be ours is compared: one that differs withholds the source, so a
      // second Patient under our number (another person's record filed there) cannot hide behind the first.
      List<JsonObject> proven = index.patients().stream().filter(p -> guard.proves(p, index)).toList();
      JsonObject patient = proven.isEmpty() ? null : proven.get(0);
      DemographicCheck.Verdict verdict = DemographicCheck.compare(decision.pds(), io.shcr.fhir.Demographics.of(patient));
      for (JsonObject other : proven) {
        if (DemographicCheck.compare(decision.pds(), io.shcr.fhir.Demographics.of(other)).mismatch()) {
          demographicMismatch = true;
          return;
        }
      }
      if (verdict.mismatch()) {
        demographicMismatch = true;
        return;
      }
      if (!verdict.differences().isEmpty()) {
        differingPatient = decision.transform().apply(patient);
      }
    }

    /** One section batch of this source through the pipeline, then out, unless the view or source has ended. */
    private Future<Void> release(SectionBatch batch) {
      if (!stillWanted()) {
        return Future.succeededFuture();
      }
      // Batches come only once the source's Patient is in: the relationship may be proven now.
      boolean proven = patientProven();
      if (proven) {
        checkDemographics();
        if (!stillWanted()) {
          return Future.succeededFuture(); // demographics differ from PDS: nothing of this source goes out
        }
      }
      if (hold.provesEarly(source.id(), proven) && !deliver(hold::release)) {
        return Future.succeededFuture();
      }
      return pipeline.run(batch, requester, this::stillWanted).map(outcome -> {
        withheld += outcome.withheld();
        // Another patient named only through a resource's links (no answer named them): counted at the end.
        mismatch |= outcome.mismatch();
        if (stillWanted()) {
          send(batch.section(), outcome.released(), outcome.encoded());
        }
        return null;
      });
    }

    /**
     * The section event, then (never before it) the group events it caused: the released items, and
     * only they, are reconciled, after the section has been handed to the sink.
     */
    private void send(Section section, List<JsonObject> released, Buffer encoded) {
      if (!sent.add(section)) {
        return;
      }
      String shown = aliases.shownId(source);
      if (!deliver(() -> sink.section(new SectionEvent(shown, section.wireName(), released.size(), encoded)))) {
        return;
      }
      if (section == Section.DEMOGRAPHICS && differingPatient != null) {
        // Only now, with the source's Patient released: a source whose data never went out (it timed out,
        // it was withheld) is never named in the demographics group, nor what it recorded.
        io.shcr.reconcile.GroupEvent differences = reconciled(section, () -> reconciliation.demographics(shown, differingPatient, released));
        differingPatient = null;
        if (differences != null) {
          deliver(() -> sink.group(differences));
        }
      }
      if (sink.wantsTimeline()) {
        timeline.accept(shown, section, released);
      }
      List<io.shcr.reconcile.GroupEvent> groups = reconciled(section, () -> reconciliation.accept(shown, section, released));
      for (io.shcr.reconcile.GroupEvent group : groups == null ? List.<io.shcr.reconcile.GroupEvent>of() : groups) {
        if (!deliver(() -> sink.group(group))) {
          return;
        }
      }
    }

    /**
     * A reconciliation step's result, or null when it failed: its section has gone out, and a fault of ours
     * in grouping must not make an innocent source an error, so only the group event is dropped. Logged
     * by section and exception class only: the message could quote what a source wrote.
     */
    private <T> T reconciled(Section section, java.util.function.Supplier<T> step) {
      try {
        return step.get();
      } catch (RuntimeException e) {
        LOG.warn("reconciliation of a {} section failed ({}); its group events are dropped", section.wireName(),
            e.getClass().getName());
        return null;
      }
    }

    /** A hidden source that answered reports every section any hidden source holds, so its set says nothing. */
    private void padHiddenSections() {
      if (!aliases.hidden(source) || (status != SourceStatus.OK && status != SourceStatus.NOT_FOUND)) {
        return;
      }
      for (Section section : aliases.hiddenSections(decision.sections())) {
        send(section, List.of(), EMPTY);
      }
    }

    /** The final status as the client sees it: the shown id, and for a hidden source a neutral detail. */
    JsonObject shownResult() {
      JsonObject json = new JsonObject().put("source", aliases.shownId(source)).put("status", status.wireName())
          .put("latencyMs", latencyMs);
      if (carried) {
        // Its detail went out in the stream this view resumes; the client has it.
        return json.put("beforeResume", true);
      }
      if (detail != null && !detail.isBlank()) {
        json.put("detail", aliases.hidden(source) ? SourceAliases.neutralDetail(detail) : detail);
      }
      return json;
    }

    /**
     * The one place a run's final status is set: once, whichever comes first (its requester's outcome,
     * its deadline, the request's deadline, shutdown). Calls still in flight are left to end on their own
     * (or at the deadline): each one's outcome counts for the source's breaker; nothing more of this
     * source is released.
     */
    void end(SourceOutcome outcome, long latency) {
      if (state == RunState.FINISHED || finished) {
        return;
      }
      state = RunState.FINISHED;
      status = outcome.status();
      detail = outcome.detail();
      latencyMs = latency;
      io.shcr.ops.ShcrMetrics.sourceResult(source.id(), status.wireName(), latencyMs);
      stopTimer();
      padHiddenSections();
      if (deliver(() -> sink.source(shownResult()))) {
        onSourceEnded(this);
      }
    }

    private long latency() {
      return (System.nanoTime() - startedNanos) / 1_000_000L;
    }
  }
}
