package io.shcr.access;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;

/** The two Spine lookups the access decision makes, as {@link SpineClient} answers them (or a cache in front of it). */
interface SpineLookups {

  Future<SpineClient.Objection> objection(NhsNumber patient);

  Future<SpineClient.Restriction> restriction(NhsNumber patient);

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
      public Future<SpineClient.Restriction> restriction(NhsNumber patient) {
        return client.restriction(patient);
      }

      @Override
      public long consentRetryAfterSeconds() {
        return client.consentRetryAfterSeconds();
      }
    };
  }
}
