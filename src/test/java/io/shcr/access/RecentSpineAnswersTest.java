package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Spine's definite answers are reused for the same patient within the bound and no longer (an objection
 * recorded at Spine takes effect once it passes), an unanswered lookup is never reused, patients never share
 * an answer, and the memory is bounded.
 */
class RecentSpineAnswersTest {

  private static final NhsNumber A = NhsNumber.parse("9990000018").orElseThrow();
  private static final NhsNumber B = NhsNumber.parse("9990000026").orElseThrow();

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final AtomicInteger consentAsked = new AtomicInteger();
  private final AtomicInteger pdsAsked = new AtomicInteger();
  private final AtomicReference<SpineClient.Objection> objection = new AtomicReference<>(SpineClient.Objection.NONE);
  private final AtomicReference<SpineClient.Restriction> restriction = new AtomicReference<>(SpineClient.Restriction.NONE);

  private final SpineLookups spine = new SpineLookups() {
    @Override
    public Future<SpineClient.Objection> objection(NhsNumber patient) {
      consentAsked.incrementAndGet();
      return Future.succeededFuture(objection.get());
    }

    @Override
    public Future<SpineClient.PdsAnswer> pds(NhsNumber patient) {
      pdsAsked.incrementAndGet();
      return Future.succeededFuture(new SpineClient.PdsAnswer(restriction.get(), null));
    }

    @Override
    public long consentRetryAfterSeconds() {
      return 7;
    }
  };

  @Test
  void anAnswerIsReusedWithinTheBoundAndAnObjectionTakesEffectOnceItPasses() {
    RecentSpineAnswers cache = new RecentSpineAnswers(spine, 5_000, 100, clock::get);
    assertThat(cache.objection(A).result()).isEqualTo(SpineClient.Objection.NONE);
    objection.set(SpineClient.Objection.OBJECTED);
    advanceMs(4_999);
    assertThat(cache.objection(A).result()).as("within the bound").isEqualTo(SpineClient.Objection.NONE);
    assertThat(consentAsked).hasValue(1);
    advanceMs(1);
    assertThat(cache.objection(A).result()).as("the bound passed: asked again").isEqualTo(SpineClient.Objection.OBJECTED);
    assertThat(consentAsked).hasValue(2);
    assertThat(cache.objection(B).result()).as("another patient is asked for").isEqualTo(SpineClient.Objection.OBJECTED);
    assertThat(consentAsked).hasValue(3);
    assertThat(cache.consentRetryAfterSeconds()).isEqualTo(7);
  }

  @Test
  void anUnansweredLookupIsNeverReusedAndForgetsAnEarlierAnswer() {
    RecentSpineAnswers cache = new RecentSpineAnswers(spine, 5_000, 100, clock::get);
    restriction.set(SpineClient.Restriction.UNAVAILABLE);
    assertThat(cache.pds(A).result().restriction()).isEqualTo(SpineClient.Restriction.UNAVAILABLE);
    restriction.set(SpineClient.Restriction.RESTRICTED);
    assertThat(cache.pds(A).result().restriction()).isEqualTo(SpineClient.Restriction.RESTRICTED);
    assertThat(pdsAsked).hasValue(2);
    assertThat(cache.pds(A).result().restriction()).isEqualTo(SpineClient.Restriction.RESTRICTED);
    assertThat(pdsAsked).hasValue(2);

    objection.set(SpineClient.Objection.UNAVAILABLE);
    cache.objection(A);
    cache.objection(A);
    assertThat(consentAsked).as("an unanswered consent check is asked again every time").hasValue(2);
  }

  @Test
  void theMemoryIsBoundedAndZeroMeansEveryRequestAsks() {
    RecentSpineAnswers cache = new RecentSpineAnswers(spine, 5_000, 1, clock::get);
    cache.objection(A);
    cache.objection(B);
    cache.objection(A);
    assertThat(consentAsked).as("one patient kept at most").hasValue(3);
    assertThat(RecentSpineAnswers.of(null, 0)).isNotInstanceOf(RecentSpineAnswers.class);
  }

  private void advanceMs(long ms) {
    clock.addAndGet(ms * 1_000_000L);
  }
}
