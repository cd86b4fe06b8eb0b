package io.shcr.api;

import io.shcr.audit.AuditUnavailableException;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.access.AccessDecision;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditReceipt;
import io.shcr.audit.ViewOutcome;
import io.shcr.config.ServiceConfig;
import io.shcr.core.Deadline;
import io.shcr.core.RecordRequest;
import io.shcr.record.RecordSink;
import io.shcr.record.RecordView;
import io.shcr.record.ViewSummary;
import io.shcr.record.Continuation;
import io.shcr.resume.InvalidResumeToken;
import io.shcr.resume.ResumeLedger;
import io.shcr.resume.ResumeRequest;
import io.shcr.resume.ResumeTokens;
import io.shcr.core.Section;
import io.shcr.sources.SourceDirectory;
import io.shcr.core.ErrorResponses;
import io.shcr.streaming.JsonRecordSink;
import io.shcr.streaming.SseRecordSink;
import io.shcr.ops.ServiceLifecycle;
import io.shcr.ops.ShcrMetrics;
import io.shcr.streaming.MeteredSink;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/patients/{nhsNumber}/record}: the request pipeline. Parse (NHS number first),
 * decide access, audit the decision durably, and only then fan out and stream. No audit, no data.
 * A stream's event ids are resume tokens; a request carrying one ({@code Last-Event-ID}, or
 * {@code ?lastEventId=}) is a resume: the token is read first (altered, expired: refused), access is
 * decided anew, the token must be bound to the new decision's user, role, patient, purpose and sources, and the
 * view then asks only the sources its client has not had in full. Audited as a new access naming the view it resumes.
 */
public final class RecordApi implements RecordPipeline {

  /**
   * The viewer's record stream: the viewer's session guard (mounted first) puts the session's token on
   * the request, then this API answers it as any API caller's.
   */
  public static final String VIEWER_PATH = "/viewer/api/patients/:nhsNumber/record";


  private static final Logger LOG = LoggerFactory.getLogger(RecordApi.class);

  private final Vertx vertx;
  private final ServiceConfig config;
  private final Components components;
  private final SourceDirectory directory;
  private final RecordRequestParser parser;
  private final ServiceLifecycle lifecycle;
  private final ResumeTokens resumeTokens;
  private final List<String> configuredSources;
  private final ViewAdmission admission;
  private final LogBudget auditErrors = new LogBudget(5);

  RecordApi(Vertx vertx, ServiceConfig config, Components components, SourceDirectory directory, ServiceLifecycle lifecycle,
      ViewAdmission admission) {
    this.vertx = vertx;
    this.admission = admission;
    this.lifecycle = lifecycle;
    this.config = config;
    this.components = components;
    this.directory = directory;
    this.parser = new RecordRequestParser(components.sources());
    this.resumeTokens = new ResumeTokens(components.resumeKey(), config.resume().tokenTtlSeconds(), java.time.Clock.systemUTC());
    this.configuredSources = components.sources().all().stream().map(io.shcr.sources.SourceConfig::id).toList();
  }

  void handle(RoutingContext ctx) {
    String requestId = RequestIntake.requestId(ctx);
    RecordRequestParser.Parsed parsed = parser.parse(ctx, requestId);
    String token = resumeToken(ctx);
    ResumeRequest resume = null;
    ApiError resumeError = null;
    if (token != null && parsed.error() == null) {
      if (!wantsEventStream(ctx)) {
        // A JSON document is the whole view or nothing: one that left out what an earlier stream sent would mislead.
        resumeError = ErrorCode.INVALID_RESUME_TOKEN.error("A resume token (Last-Event-ID) is accepted only on an event "
            + "stream (Accept: text/event-stream). Ask again without it for the whole record.");
      } else {
        try {
          resume = new ResumeRequest(resumeTokens.read(token));
        } catch (InvalidResumeToken e) {
          resumeError = e.error();
        }
      }
    }
    run(ctx, parsed.request(), parsed.error() != null ? parsed.error() : resumeError, resume,
        request -> defaultSink(ctx, request));
  }

  /** The token a reconnecting client sends: {@code Last-Event-ID} as EventSource sends it, else {@code ?lastEventId=}. */
  private static String resumeToken(RoutingContext ctx) {
    String header = ctx.request().getHeader(ResumeRequest.HEADER);
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    String query = ctx.request().getParam(ResumeRequest.QUERY_PARAMETER);
    return query == null || query.isBlank() ? null : query.trim();
  }

  @Override
  public void run(RoutingContext ctx, RecordRequest request, ApiError inputError, Function<RecordRequest, RecordSink> sinks) {
    run(ctx, request, inputError, null, sinks);
  }

  private void run(RoutingContext ctx, RecordRequest request, ApiError inputError, ResumeRequest resume,
      Function<RecordRequest, RecordSink> sinks) {
    String requestId = RequestIntake.requestId(ctx);
    RecordRequestParser.Parsed parsed = new RecordRequestParser.Parsed(request, inputError);
    if (parsed.error() != null) {
      // Bad input is refused whoever asks, but the audit says who asked when the token allows it.
      Authentication.of(ctx, components.authenticator())
          .otherwise((io.shcr.core.Principal) null)
          .onComplete(who -> auditThen(ctx, refusedInput(ctx, requestId, who.result(), parsed.error()), parsed.error(), requestId));
      return;
    }
    // Admission first: a view past the node's or the user's cap, or while the node drains, is refused before
    // any Spine or source call.
    admission.admit(ctx, request.nhsNumber().value(), () -> decide(ctx, request, resume, sinks));
  }

  private void decide(RoutingContext ctx, RecordRequest request, ResumeRequest resume,
      Function<RecordRequest, RecordSink> sinks) {
    String requestId = request.requestId();
    components.access().decide(Authentication.of(ctx, components.authenticator()), request)
        .recover(t -> {
          LOG.error("access decision failed for request {}: {}", requestId, t.getClass().getSimpleName());
          return Future.succeededFuture(AccessDecision.refused(null,
              ErrorCode.INTERNAL_SERVER_ERROR.error("The access decision could not be made; nothing was fetched.")));
        })
        .onSuccess(decision -> afterDecision(ctx, request, decision, resume, sinks));
  }

  private void afterDecision(RoutingContext ctx, RecordRequest request, AccessDecision made, ResumeRequest resume,
      Function<RecordRequest, RecordSink> sinks) {
    AccessDecision decision = made;
    byte[] binding = null;
    Continuation continuation = Continuation.NONE;
    if (decision.allowed()) {
      List<String> viewSources = RecordView.sourcesFor(components.sources(), request, decision);
      String viewRequestId = resume == null ? request.requestId() : resume.viewRequestId();
      binding = resumeTokens.binding(decision.principal().userId(), decision.principal().roleProfileId(),
          request.nhsNumber().value(), viewRequestId, decision.purpose().wireName(), decision.sections(), configuredSources,
          viewSources, decision.transform().hidesWhereThePatientIs());
      if (resume != null) {
        try {
          // The new decision must be the one the token was issued under: same user, role, patient, purpose, sources.
          resume.check(binding, configuredSources, viewSources);
          continuation = resume.continuation(configuredSources);
        } catch (InvalidResumeToken e) {
          decision = AccessDecision.refused(decision.principal(), e.error());
        }
      }
    }
    afterDecision(ctx, request, decision, resume, binding, continuation, sinks);
  }

  private void afterDecision(RoutingContext ctx, RecordRequest request, AccessDecision decision, ResumeRequest resume,
      byte[] binding, Continuation continuation, Function<RecordRequest, RecordSink> sinks) {
    // The view is made first, so the audit records the very sources it will ask.
    RecordView view;
    try {
      view = decision.allowed() ? new RecordView(vertx, directory, components.privacy(), request, decision, continuation) : null;
    } catch (RuntimeException e) {
      // Our fault, and it must not cost the audit: record it as a failed access and answer 500.
      LOG.error("the view for request {} could not be made: {}", request.requestId(), e.getClass().getSimpleName());
      afterDecision(ctx, request, AccessDecision.refused(decision.principal(),
          ErrorCode.INTERNAL_SERVER_ERROR.error("The record view could not be started; nothing was fetched.")), resume, null,
          Continuation.NONE, sinks);
      return;
    }
    ShcrMetrics.accessDecision(decision.allowed() ? "allowed" : "refused", decision.allowed() ? null : decision.refusal().code());
    AccessAudit access = accessAudit(ctx, request, decision, view == null ? List.of() : view.askedSourceIds());
    if (resume != null) {
      access = access.withResumes(resume.viewRequestId());
    }
    ResumeLedger ledger = view == null ? null : new ResumeLedger(resumeTokens,
        resume == null ? request.requestId() : resume.viewRequestId(), binding, configuredSources, view.shownIds(),
        resume == null ? null : resume.point());
    components.audit().recordAccess(access).onComplete(ar -> {
      if (ar.failed()) {
        // An audit outage under load fails thousands of views at once: a few lines a second say so.
        long suppressed = auditErrors.take();
        if (suppressed >= 0) {
          LOG.error("audit unavailable for request {}: {}{}", request.requestId(), ar.cause().getClass().getSimpleName(),
              suppressed > 0 ? " (and " + suppressed + " more since the last line)" : "");
        }
        ErrorResponses.send(ctx.response(), AuditUnavailableException.ERROR, request.requestId());
      } else if (!decision.allowed()) {
        ErrorResponses.send(ctx.response(), decision.refusal(), request.requestId());
      } else {
        stream(ctx, request, view, ledger, ar.result(), sinks);
      }
    });
  }

  private void stream(RoutingContext ctx, RecordRequest request, RecordView view, ResumeLedger ledger, AuditReceipt receipt,
      Function<RecordRequest, RecordSink> sinks) {
    if (ctx.response().closed()) {
      // Gone while we decided and audited: ask no source on behalf of nobody.
      components.audit().recordOutcome(receipt, new ViewOutcome("client-gone", java.util.Map.of(), 0, 0, 0));
      return;
    }
    boolean sse = wantsEventStream(ctx);
    RecordSink delivering = sinks.apply(request);
    if (delivering instanceof SseRecordSink sseSink) {
      sseSink.resumable(ledger, config.resume().retryMs());
    }
    ShcrMetrics.View metrics = ShcrMetrics.viewStarted(sse);
    RecordSink sink = new MeteredSink(delivering, metrics);
    Promise<Void> audited = Promise.promise();
    lifecycle.open(new ServiceLifecycle.OpenView() {
      @Override
      public void shutdown() {
        view.shutdown();
      }

      @Override
      public Future<Void> ended() {
        return audited.future();
      }
    });
    // Held only while the view runs: a client still taking the last of a stream does not keep the view's sources alive.
    AtomicReference<RecordView> running = new AtomicReference<>(view);
    sink.stopViewWith(() -> {
      RecordView stillRunning = running.get();
      if (stillRunning != null) {
        stillRunning.cancel();
      }
    });
    ctx.response().closeHandler(v -> {
      ViewAdmission.release(ctx);
      if (delivering instanceof SseRecordSink sseSink) {
        sseSink.abandon();
      }
      RecordView stillRunning = running.getAndSet(null);
      if (stillRunning != null) {
        stillRunning.cancel();
      }
    });
    view.start(Deadline.in(config.recordDeadlineMs()), sink).onSuccess(viewSummary -> {
      running.set(null);
      ViewSummary summary = endedBySink(viewSummary, sink);
      metrics.ended(summary.outcome());
      ViewLog.ended(request.requestId(), sse, summary);
      components.audit()
          .recordOutcome(receipt, viewOutcome(summary))
          .onFailure(t -> LOG.error("audit outcome not written for request {}: {}", request.requestId(),
              t.getClass().getSimpleName()))
          .onComplete(done -> audited.tryComplete());
    });
  }

  private RecordSink defaultSink(RoutingContext ctx, RecordRequest request) {
    return wantsEventStream(ctx)
        ? new SseRecordSink(vertx, ctx.response(), config.heartbeatMs(), request.requestId(), config.slowReader())
        : new JsonRecordSink(ctx.response(), request.requestId());
  }

  /** A sink that stopped the view itself (a client too slow) says how it ended; otherwise the view's word stands. */
  private static ViewSummary endedBySink(ViewSummary summary, RecordSink sink) {
    String endedAs = sink.endedAs();
    return endedAs == null ? summary : new ViewSummary(endedAs, summary.sourceStatuses(), summary.delivered(),
        summary.withheld(), summary.elapsedMs(), summary.sourceMs());
  }

  /** A relationship that was not confirmed is a refusal, and its outcome says so with the code the client got. */
  static ViewOutcome viewOutcome(ViewSummary summary) {
    String refusal = switch (summary.outcome()) {
      case "no-relationship" -> "NO_RELATIONSHIP";
      case "relationship-unavailable" -> "RELATIONSHIP_UNAVAILABLE";
      default -> null;
    };
    return new ViewOutcome(refusal == null ? summary.outcome() : ViewOutcome.REFUSED, summary.sourceStatuses(),
        summary.delivered(), summary.withheld(), summary.elapsedMs(), refusal);
  }

  private static boolean wantsEventStream(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/event-stream");
  }

  private void auditThen(RoutingContext ctx, AccessAudit audit, ApiError error, String requestId) {
    components.audit().recordAccess(audit).onComplete(ar -> ErrorResponses.send(ctx.response(), ar.succeeded() ? error
        : AuditUnavailableException.ERROR, requestId));
  }

  private AccessAudit refusedInput(RoutingContext ctx, String requestId, io.shcr.core.Principal principal, ApiError error) {
    String client = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    return new AccessAudit(requestId, Instant.now(), principal, "record.view", RouteTable.nhsNumber(RouteTable.routedPath(ctx)),
        "direct-care", null, List.of(), List.of(), AccessAudit.REFUSED, error.code(), client,
        ctx.request().getHeader(HttpHeaders.USER_AGENT)).withRequest(RequestIntake.facts(ctx).withStatus(error.status()));
  }

  /** @param sources the sources the view asks (none when refused) */
  private AccessAudit accessAudit(RoutingContext ctx, RecordRequest request, AccessDecision decision, List<String> sources) {
    // Refused: what was asked for; allowed: what the role lets the fan-out fetch.
    List<String> sections = (decision.allowed() ? decision.sections() : request.sections()).stream()
        .sorted().map(Section::wireName).toList();
    return new AccessAudit(request.requestId(), Instant.now(), decision.principal(), "record.view",
        request.nhsNumber().value(), decision.purpose().wireName(), decision.breakGlassReason(), sections, sources,
        decisionOutcome(decision), decision.allowed() ? null : decision.refusal().code(),
        request.clientAddress(), request.userAgent())
        .withRequest(RequestIntake.facts(ctx).withStatus(decision.allowed() ? 0 : decision.refusal().status()));
  }

  /**
   * Allowed; conditional when the relationship rests on the user's own organisation's source (the
   * view's outcome says whether it held); refused; failed when the decision itself broke (our fault).
   */
  private static String decisionOutcome(AccessDecision decision) {
    if (decision.allowed()) {
      return decision.relationshipVia() == null ? AccessAudit.ALLOWED : AccessAudit.CONDITIONAL;
    }
    return decision.refusal().status() == 500 ? AccessAudit.FAILED : AccessAudit.REFUSED;
  }
}
