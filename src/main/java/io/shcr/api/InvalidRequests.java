package io.shcr.api;

import io.shcr.core.ApiError;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.shcr.audit.AccessAudit;
import io.shcr.audit.AuditTrail;
import io.shcr.audit.AuditUnavailableException;
import io.shcr.audit.RequestFacts;
import io.shcr.core.ErrorResponses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server's handler for requests its codec could not parse (a request line over the limit:
 * 414; headers over the limit: 431; an HTTP version we do not serve, or anything else malformed: 400),
 * which never reach the router. Like every refusal: audited (as nobody-identified, so limited by the
 * trail), answered in the error contract, one WARN line; then the connection is closed, since what
 * follows on it cannot be trusted to be framed.
 */
final class InvalidRequests implements Handler<HttpServerRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(InvalidRequests.class);

  private final AuditTrail audit;
  private final LogBudget warnings = new LogBudget(20);

  InvalidRequests(AuditTrail audit) {
    this.audit = audit;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    ApiError error = cause instanceof TooLongHttpLineException ? HttpRefusals.forStatus(414)
        : cause instanceof TooLongHttpHeaderException ? HttpRefusals.forStatus(431)
        : cause instanceof HttpVersionGuard.UnsupportedVersion ? HttpRefusals.unsupportedVersion()
        : HttpRefusals.badRequest();
    // Only a version refusal comes with a request line that was parsed; otherwise the codec's placeholders are no facts.
    RequestFacts facts = cause instanceof HttpVersionGuard.UnsupportedVersion
        ? RequestFacts.of(request).withStatus(error.status()) : RequestFacts.unparsed(error.status());
    String id = UUID.randomUUID().toString();
    AccessAudit record = new AccessAudit(id, Instant.now(), null, RouteTable.UNMATCHED, null, null, null, List.of(), List.of(),
        AccessAudit.REFUSED, error.code(), request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(), null)
        .withRequest(facts);
    long suppressed = warnings.take();
    if (suppressed >= 0) {
      LOG.warn("Refused request {}: {} {} (not parsed by the HTTP codec){}", id, error.status(), error.code(),
          suppressed > 0 ? " [" + suppressed + " earlier refusals not logged]" : "");
    }
    audit.recordAccess(record).onComplete(audited -> {
      request.response().putHeader("Connection", "close");
      ErrorResponses.send(request.response(), audited.succeeded() ? error : AuditUnavailableException.ERROR, id)
          .onComplete(sent -> request.connection().close());
    });
  }
}
