package io.shcr.sources;

import io.shcr.core.Deadline;
import io.shcr.fhir.BoundedJson;
import io.shcr.sources.sds.EndpointCache;
import io.shcr.sources.sds.ProviderEndpoint;
import io.shcr.sources.sds.SdsAnswers;
import io.shcr.sources.sds.SdsLookup;
import io.shcr.sources.sds.SdsSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Where each GP Connect practice's Access Record Structured service is, and its ASID: its static
 * override when {@code sources.yaml} gives one, else the Spine Directory Service's answer (SDS FHIR API:
 * the practice's {@code Endpoint} for the interaction, then the {@code Device} with that endpoint's party
 * key), kept in an {@link EndpointCache}. SDS is called through its own {@link SourceClient} (deadline,
 * pool, size cap, breaker), with its {@code apikey} and a fresh {@code X-Correlation-Id}; nothing about
 * the patient or the user is sent. A lookup never fails: an SDS that does not answer, or answers
 * anything but one endpoint that checks out, is a {@link SdsLookup#failed failed} lookup, and that
 * practice alone is reported {@code error}.
 */
public final class PracticeEndpoints {

  static final String API_KEY = "apikey";
  static final String CORRELATION_ID = "X-Correlation-Id";

  private final GpConnectConsumer consumer;
  private final SdsSettings sds;
  private final SourceClient client;
  private final EndpointCache cache;

  PracticeEndpoints(Vertx vertx, GpConnectConsumer consumer) {
    this.consumer = consumer;
    this.sds = consumer.sds();
    this.client = sds == null ? null : new SourceClient(vertx, new SourceConfig("sds", "Spine Directory Service", null,
        sds.baseUrl(), "sds", Set.of(), true, sds.deadlineMs(), 5, 1_000, sds.maxResponseBytes(), 1,
        SourceConfig.BreakerConfig.DEFAULT));
    this.cache = sds == null ? null : new EndpointCache(sds.cacheMs(), sds.failureCacheMs(), sds.maxEntries(), System::nanoTime);
  }

  /** The practice's endpoint: at once when static, else from SDS (kept, or asked once for everyone waiting). */
  public Future<SdsLookup> of(SourceConfig practice) {
    var fixed = consumer.staticEndpoint(practice);
    if (fixed.isPresent()) {
      return Future.succeededFuture(SdsLookup.found(fixed.get()));
    }
    if (client == null) {
      return Future.succeededFuture(SdsLookup.failed("is not configured"));
    }
    return cache.get(practice.id(), () -> lookUp(practice.id())).map(found -> inClear(found, practice)
        ? SdsLookup.failed("gave a plain http address for a practice called with a client certificate") : found);
  }

  /** An SDS address that would be called in plain http by a practice configured with a client certificate (meant for TLS). */
  private boolean inClear(SdsLookup found, SourceConfig practice) {
    return found.found() && consumer.sspUrl().isEmpty() && practice.tls() != null && practice.tls().presentsCertificate()
        && found.endpoint().address().regionMatches(true, 0, "http://", 0, 7);
  }

  /** The two searches, each within what is left of one deadline. */
  private Future<SdsLookup> lookUp(String ods) {
    Deadline deadline = Deadline.in(sds.deadlineMs());
    String interaction = GpConnectConsumer.INTERACTION_GET_STRUCTURED;
    return search(SdsAnswers.endpointSearch(ods, interaction), deadline).compose(endpoints -> {
      if (endpoints.failure() != null) {
        return Future.succeededFuture(SdsLookup.failed(endpoints.failure()));
      }
      SdsAnswers.Mhs mhs;
      try {
        mhs = SdsAnswers.endpoint(endpoints.bundle(), ods, interaction, sds);
      } catch (SdsAnswers.Refused refused) {
        return Future.succeededFuture(SdsLookup.failed(refused.getMessage()));
      }
      return search(SdsAnswers.deviceSearch(ods, interaction, mhs.partyKey()), deadline).map(devices -> {
        if (devices.failure() != null) {
          return SdsLookup.failed(devices.failure());
        }
        try {
          return SdsLookup.found(new ProviderEndpoint(mhs.address(), SdsAnswers.asid(devices.bundle(), ods, mhs.partyKey())));
        } catch (SdsAnswers.Refused refused) {
          return SdsLookup.failed(refused.getMessage());
        }
      });
    });
  }

  /** One search's Bundle, or why there is none (in words that follow "the Spine Directory Service "). */
  private record Searched(JsonObject bundle, String failure) {}

  private Future<Searched> search(String pathAndQuery, Deadline deadline) {
    SourceHttpRequest request = new SourceHttpRequest(io.vertx.core.http.HttpMethod.GET, sds.baseUrl() + pathAndQuery, null, null,
        Map.of(API_KEY, sds.apiKey(), CORRELATION_ID, UUID.randomUUID().toString()));
    return client.call(request, deadline, new CallScope(), PracticeEndpoints::read)
        .map(result -> result.succeeded() ? result.value() : new Searched(null, unanswered(result.failure())));
  }

  private static CallResult<Searched> read(SourceHttpResponse response) {
    if (response.status() != 200) {
      return CallResult.answered(new Searched(null, "answered HTTP " + response.status()));
    }
    if (!FhirJson.declaredFhirJson(response.contentType())) {
      return CallResult.answered(new Searched(null, "answered with something that is not FHIR JSON"));
    }
    try {
      return CallResult.answered(new Searched(BoundedJson.object(response.body(), SdsAnswers.MAX_ENTRIES), null));
    } catch (BoundedJson.Unreadable e) {
      return CallResult.answered(new Searched(null, "answered with something that could not be read (too large, too many entries or not JSON)"));
    }
  }

  /** A failed call in our words: the client's details are ours, but they speak of "the source". */
  private static String unanswered(SourceFailure failure) {
    String detail = failure.detail();
    if (failure.status() == SourceStatus.TIMEOUT) {
      return "did not answer in time";
    }
    if (failure.status() == SourceStatus.CIRCUIT_OPEN) {
      return "is not being asked for now, after repeated failures";
    }
    if (detail.startsWith("source answered HTTP ")) {
      return "answered HTTP " + detail.substring("source answered HTTP ".length()).split(" ")[0];
    }
    return detail.startsWith("answer larger") ? "answered with more than its size limit" : "could not be reached";
  }

  Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
