package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.core.RecordRequest;
import io.shcr.record.RecordSink;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The one record pipeline every interface to a patient's record goes through (the record API, the
 * FHIR server): refuse bad input audited, decide access, audit the decision durably, and only then
 * run the view into the sink the interface supplies.
 */
public interface RecordPipeline {

  /**
   * @param request the parsed request, or null when {@code inputError} says why it could not be read
   * @param inputError the refusal of bad input (audited, then sent), or null
   * @param sinks makes the sink the view writes to, once access is allowed and audited
   */
  void run(RoutingContext ctx, RecordRequest request, ApiError inputError, Function<RecordRequest, RecordSink> sinks);
}
