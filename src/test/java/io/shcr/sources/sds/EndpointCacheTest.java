package io.shcr.sources.sds;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The endpoint cache on a clock of our own: found answers kept long, failures briefly, lookups shared, size bounded. */
class EndpointCacheTest {

  private final AtomicLong nanos = new AtomicLong();
  private final AtomicInteger lookups = new AtomicInteger();

  private Future<SdsLookup> found() {
    lookups.incrementAndGet();
    return Future.succeededFuture(SdsLookup.found(new ProviderEndpoint("https://gp.nhs.uk/gpc", "1")));
  }

  private Future<SdsLookup> failed() {
    lookups.incrementAndGet();
    return Future.succeededFuture(SdsLookup.failed("did not answer in time"));
  }

  private void advanceMs(long ms) {
    nanos.addAndGet(ms * 1_000_000L);
  }

  @Test
  void aFoundEndpointIsKeptForCacheMsAndAFailureOnlyForFailureCacheMs() {
    EndpointCache cache = new EndpointCache(60_000, 5_000, 100, nanos::get);
    cache.get("GP1", this::found);
    cache.get("GP1", this::found);
    assertThat(lookups).hasValue(1);
    advanceMs(60_000);
    cache.get("GP1", this::found);
    assertThat(lookups).hasValue(2);

    cache.get("GP2", this::failed);
    advanceMs(4_999);
    assertThat(cache.get("GP2", this::found).result().found()).isFalse();
    advanceMs(1);
    assertThat(cache.get("GP2", this::found).result().found()).isTrue();
    assertThat(lookups).hasValue(4);
  }

  @Test
  void zeroKeepsNothingButStillSharesALookupInFlight() {
    EndpointCache cache = new EndpointCache(0, 5_000, 100, nanos::get);
    Promise<SdsLookup> slow = Promise.promise();
    Future<SdsLookup> a = cache.get("GP1", () -> {
      lookups.incrementAndGet();
      return slow.future();
    });
    Future<SdsLookup> b = cache.get("GP1", this::found);
    assertThat(lookups).hasValue(1);
    slow.complete(SdsLookup.found(new ProviderEndpoint("https://gp.nhs.uk/gpc", "1")));
    assertThat(a.result()).isEqualTo(b.result());
    cache.get("GP1", this::found);
    assertThat(lookups).hasValue(2);
  }

  @Test
  void aLookupThatThrowsOrFailsIsAFailedLookup() {
    EndpointCache cache = new EndpointCache(60_000, 5_000, 100, nanos::get);
    assertThat(cache.get("GP1", () -> {
      throw new IllegalStateException("boom");
    }).result().problem()).isEqualTo("could not be asked");
    assertThat(cache.get("GP2", () -> Future.failedFuture(new RuntimeException("x"))).result().found()).isFalse();
  }

  @Test
  void holdsAtMostMaxEntriesPractices() {
    EndpointCache cache = new EndpointCache(60_000, 5_000, 10, nanos::get);
    for (int i = 0; i < 1_000; i++) {
      cache.get("GP" + i, this::found);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(10);
  }
}
