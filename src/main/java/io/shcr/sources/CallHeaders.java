package io.shcr.sources;

import io.shcr.ops.ShcrVersion;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a source call says about the request it serves, so a source's own logs can be joined to ours:
 * {@code X-Request-Id}, the W3C {@code traceparent}, {@code User-Agent: shcr/<version>}, and for GP
 * Connect its {@code Ssp-TraceID}: a fresh random GUID for every exchange, as the Spine Secure Proxy
 * requires (never the trace id, which the client may choose and which every call of a view shares),
 * logged at debug beside the trace and request ids so the two can be joined. Nothing about the user or
 * patient.
 *
 * @param requestId our request id, or null
 * @param traceparent the W3C trace context header, or null
 * @param traceId the trace's 32 hex digits, or null
 */
public record CallHeaders(String requestId, String traceparent, String traceId) {

  public static final String REQUEST_ID = "X-Request-Id";
  public static final String TRACEPARENT = "traceparent";
  public static final String SSP_TRACE_ID = "Ssp-TraceID";

  /** No request to name (tools, tests): only the User-Agent. */
  public static final CallHeaders NONE = new CallHeaders(null, null, null);

  private static final Logger LOG = LoggerFactory.getLogger(CallHeaders.class);

  void applyTo(RequestOptions options, boolean gpConnect) {
    options.putHeader(HttpHeaders.USER_AGENT, ShcrVersion.userAgent());
    if (requestId != null) {
      options.putHeader(REQUEST_ID, requestId);
    }
    if (traceparent != null) {
      options.putHeader(TRACEPARENT, traceparent);
    }
    if (gpConnect) {
      String sspTraceId = UUID.randomUUID().toString();
      options.putHeader(SSP_TRACE_ID, sspTraceId);
      LOG.debug("GP Connect call Ssp-TraceID {} in trace {} (request {})", sspTraceId, traceId, requestId);
    }
  }
}
