package io.shcr.access;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Spine's definite answers (objected or not, restricted or not) kept for {@code answerCacheMs}
 * ({@code access-policy.yaml} {@code spine.answerCacheMs}, at most {@value #MAX_MS} ms), so a patient
 * opened by many clinicians at once, or again and again, costs Spine one lookup of each kind per period;
 * concurrent lookups already share one call ({@link InFlightCalls}). An unanswered lookup
 * ({@code UNAVAILABLE}) is never kept: the next request asks again. Only the objection flag and PDS's
 * answer (the S-flag and the name, birth date and gender each source's Patient is checked against) are
 * kept, in this node's memory: never clinical content, never on disk or in the cluster.
 *
 * <p>The bound is the price: an objection recorded (or lifted) at Spine, or an S-flag set, takes effect on
 * this node within {@code answerCacheMs} (docs/privacy.md). At most {@code maxEntries} patients are kept;
 * past that the oldest answers make room.
 */
final class RecentSpineAnswers implements SpineLookups {

  static final long MAX_MS = 30_000;
  static final int DEFAULT_MAX_ENTRIES = 100_000;

  private record Kept<T>(T answer, long untilNanos) {}

  private final SpineLookups spine;
  private final long keepNanos;
  private final int maxEntries;
  private final LongSupplier nanoTime;
  private final Map<String, Kept<SpineClient.Objection>> objections = new ConcurrentHashMap<>();
  private final Map<String, Kept<SpineClient.PdsAnswer>> pdsAnswers = new ConcurrentHashMap<>();

  RecentSpineAnswers(SpineLookups spine, long answerCacheMs, int maxEntries, LongSupplier nanoTime) {
    if (answerCacheMs < 0 || answerCacheMs > MAX_MS) {
      throw new IllegalArgumentException("answerCacheMs must be from 0 to " + MAX_MS);
    }
    this.spine = spine;
    this.keepNanos = answerCacheMs * 1_000_000L;
    this.maxEntries = maxEntries;
    this.nanoTime = nanoTime;
  }

  /** {@code spine} as is when {@code answerCacheMs} is 0, else behind a cache of its answers. */
  static SpineLookups of(SpineClient spine, long answerCacheMs) {
    SpineLookups direct = SpineLookups.of(spine);
    return answerCacheMs == 0 ? direct : new RecentSpineAnswers(direct, answerCacheMs, DEFAULT_MAX_ENTRIES, System::nanoTime);
  }

  @Override
  public Future<SpineClient.Objection> objection(NhsNumber patient) {
    return kept(objections, patient, () -> spine.objection(patient), answer -> answer != SpineClient.Objection.UNAVAILABLE);
  }

  @Override
  public Future<SpineClient.PdsAnswer> pds(NhsNumber patient) {
    return kept(pdsAnswers, patient, () -> spine.pds(patient),
        answer -> answer.restriction() != SpineClient.Restriction.UNAVAILABLE);
  }

  @Override
  public long consentRetryAfterSeconds() {
    return spine.consentRetryAfterSeconds();
  }

  private <T> Future<T> kept(Map<String, Kept<T>> answers, NhsNumber patient, java.util.function.Supplier<Future<T>> ask,
      java.util.function.Predicate<T> definite) {
    long now = nanoTime.getAsLong();
    Kept<T> known = answers.get(patient.value());
    if (known != null && now - known.untilNanos() < 0) {
      return Future.succeededFuture(known.answer());
    }
    return ask.get().onSuccess(answer -> {
      if (definite.test(answer)) {
        if (answers.size() >= maxEntries) {
          long at = nanoTime.getAsLong();
          answers.values().removeIf(k -> at - k.untilNanos() >= 0);
          var oldest = answers.keySet().iterator();
          while (answers.size() >= maxEntries && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
          }
        }
        answers.put(patient.value(), new Kept<>(answer, nanoTime.getAsLong() + keepNanos));
      } else {
        answers.remove(patient.value());
      }
    });
  }
}
