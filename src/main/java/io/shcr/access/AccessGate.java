package io.shcr.access;

import io.shcr.core.RecordRequest;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * The single access contract of the record API (google/fhir-gateway's AccessChecker shape): every
 * policy (authentication, participation, role views, relationship, objection, break-glass,
 * throttling) sits behind it, and the record pipeline never asks which policy decided.
 */
public interface AccessGate {

  /** Decides a record request. A refusal is a successful Future holding a refused decision. */
  Future<AccessDecision> decide(RoutingContext ctx, RecordRequest request);
}
