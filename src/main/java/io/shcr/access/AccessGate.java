package io.shcr.access;

import io.shcr.core.Principal;
import io.shcr.core.RecordRequest;
import io.vertx.core.Future;

/**
 * The single access contract of the record API (google/fhir-gateway's AccessChecker shape): every
 * policy (the outcome of authentication, participation, role views, relationship, objection, break-glass,
 * throttling) sits behind it, and the record pipeline never asks which policy decided.
 */
public interface AccessGate {

  /**
   * Decides a record request from the outcome of authenticating it (a failed Future holding an
   * {@link io.shcr.core.AccessRefusedException} when the token was refused). A refusal is a successful
   * Future holding a refused decision.
   */
  Future<AccessDecision> decide(Future<Principal> authenticated, RecordRequest request);
}
