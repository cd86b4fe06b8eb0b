package io.shcr.sources;

import io.shcr.core.Deadline;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One source's CapabilityStatement, read once and kept for a while. A view never waits for it: it
 * takes what is known now ({@link FhirCapabilities#NONE} until the first answer), and a view that finds
 * nothing fresh starts one fetch in the background (one at a time per source, off the breaker and the
 * health figures, within {@link #FETCH_MS}). A statement that cannot be fetched or read declares
 * nothing, so the source is asked as before: it never fails a view. Safe from any event loop.
 */
public final class CapabilityCache {

  /** How long a statement read is trusted before it is asked again. */
  static final long KEEP_MS = 5 * 60_000;
  /** How soon a statement that could not be fetched is asked again. */
  static final long RETRY_MS = 10_000;
  /** The most a fetch may take. */
  static final long FETCH_MS = 5_000;

  private record Known(FhirCapabilities capabilities, long until) {}

  private final SourceClient client;
  private final AtomicReference<Known> known = new AtomicReference<>(new Known(FhirCapabilities.NONE, Long.MIN_VALUE));
  private final AtomicBoolean fetching = new AtomicBoolean();

  CapabilityCache(SourceClient client) {
    this.client = client;
  }

  /** What the source declares as last read (never waits); starts a fetch when that is stale. */
  public FhirCapabilities now() {
    Known current = known.get();
    if (System.nanoTime() / 1_000_000L >= current.until() && asksMetadata()) {
      refresh();
    }
    return current.capabilities();
  }

  /** Only FHIR R4 search sources have a CapabilityStatement we read. */
  private boolean asksMetadata() {
    return "fhir-r4".equals(client.config().adapter()) && client.config().baseUrl() != null;
  }

  /** Fetches the statement unless a fetch is under way; completes once it is known (tests wait on it). */
  io.vertx.core.Future<FhirCapabilities> refresh() {
    if (!fetching.compareAndSet(false, true)) {
      return io.vertx.core.Future.succeededFuture(known.get().capabilities());
    }
    return client.callUncounted(SourceHttpRequest.get(client.config().baseUrl() + "/metadata"), Deadline.in(FETCH_MS),
            response -> CallResult.answered(FhirCapabilities.read(response)))
        .map(result -> {
          long at = System.nanoTime() / 1_000_000L;
          Known next = result.succeeded() ? new Known(result.value(), at + KEEP_MS)
              : new Known(FhirCapabilities.NONE, at + RETRY_MS);
          known.set(next);
          fetching.set(false);
          return next.capabilities();
        });
  }
}
