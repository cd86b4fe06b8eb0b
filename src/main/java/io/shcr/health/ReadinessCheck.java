package io.shcr.health;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * One thing the service cannot work without, asked by {@code /health/ready}: succeeds when it is
 * there, fails with a short reason when not. The reason is shown to whoever asks readiness, so it says
 * what is missing (never a secret, a URL's query or anything from a body).
 *
 * @param name the check's stable name ({@code audit}, {@code signing-keys}, {@code spine})
 * @param probe asks once; every call should be bounded by the dependency's own time limit
 */
public record ReadinessCheck(String name, Supplier<Future<Void>> probe) {

  /** Why a check failed, in words fit to show anyone. */
  public static final class NotReady extends RuntimeException {
    public NotReady(String reason) {
      super(reason, null, false, false);
    }
  }
}
