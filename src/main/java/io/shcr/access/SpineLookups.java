package io.shcr.access;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;

/** The two Spine lookups the access decision makes, as {@link SpineClient} answers them (or a cache in front of it). */
interface SpineLookups {

  Future<SpineClient.Objection> objection(NhsNumber patient);

  /** PDS's answer: the S-flag, and the demographics each source's Patient is checked against. */
  Future<SpineClient.PdsAnswer> pds(NhsNumber patient);

  /** How long a client refused for an unanswered consent check should wait before trying again. */
  long consentRetryAfterSeconds();

  /** The client itself, every lookup asked. */
  static SpineLookups of(SpineClient client) {
    return new SpineLookups() {
      @Override
      public Future<SpineClient.Objection> objection(NhsNumber patient) {
        return client.objection(patient);
      }

      @Override
      public Future<SpineClient.PdsAnswer> pds(NhsNumber patient) {
        return client.pds(patient);
      }

      @Override
      public long consentRetryAfterSeconds() {
        return client.consentRetryAfterSeconds();
      }
    };
  }
}
