package io.shcr.api.fhir;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.record.RecordSink;
import io.shcr.record.SectionEvent;
import io.shcr.sources.SourceRegistry;
import io.shcr.core.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A view collected into one page of a FHIR searchset Bundle. Sections are kept, still encoded, until
 * the view completes; the Bundle is then assembled and encoded on a worker thread (decoding and
 * rewriting references of a large answer would stall the event loop), sent, and everything dropped.
 */
final class BundleSink implements RecordSink {

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final String requestId;
  private final SourceRegistry registry;
  private final String ownBase;
  private final SearchBundle.Page page;
  private final String contentType;
  private final Promise<Integer> written = Promise.promise();
  private final List<SearchBundle.Source> sources = new ArrayList<>();
  private final List<SectionEvent> sections = new ArrayList<>();
  private String standingStatement = "";
  private boolean ended;

  /**
   * @param ownBase this server's FHIR base ({@code http://host/fhir}), for sources not named for the patient
   */
  BundleSink(Vertx vertx, HttpServerResponse response, String requestId, SourceRegistry registry, String ownBase,
      SearchBundle.Page page, String contentType) {
    this.vertx = vertx;
    this.response = response;
    this.requestId = requestId;
    this.registry = registry;
    this.ownBase = ownBase;
    this.page = page;
    this.contentType = contentType;
  }

  @Override
  public void meta(JsonObject meta) {
    standingStatement = meta.getString("standingStatement", "");
    for (Object item : meta.getJsonArray("sources", new JsonArray())) {
      JsonObject shown = (JsonObject) item;
      String id = shown.getString("id");
      // A source not in the registry under its shown id is one the view does not name (an alias).
      var config = registry.find(id);
      sources.add(config.isPresent()
          // A practice whose endpoint SDS gives has no fixed base: its entries are named under ours.
          ? new SearchBundle.Source(id, config.get().name(),
              config.get().baseUrl() == null ? ownBase + "/" + id : stripSlash(config.get().baseUrl()), true)
          : new SearchBundle.Source(id, shown.getString("name"), ownBase + "/" + id, false));
    }
  }

  @Override
  public void section(SectionEvent section) {
    if (!ended) {
      sections.add(section);
    }
  }

  @Override
  public void source(JsonObject source) {
    // Final statuses come with complete.
  }

  @Override
  public void complete(JsonObject complete) {
    if (ended || response.closed()) {
      ended = true;
      written.tryComplete(0);
      return;
    }
    ended = true;
    List<SectionEvent> collected = List.copyOf(sections);
    sections.clear();
    JsonArray statuses = complete.getJsonArray("sources", new JsonArray());
    vertx.executeBlocking(() -> encode(collected, statuses), false).onComplete(done -> {
      if (done.failed()) {
        ErrorResponses.send(response, ErrorCode.INTERNAL_SERVER_ERROR.error(
            "The Bundle could not be assembled; nothing was shown. Try again."), requestId);
        written.tryComplete(0);
        return;
      }
      Encoded encoded = done.result();
      if (response.closed()) {
        written.tryComplete(0);
        return;
      }
      response.putHeader(HttpHeaders.CONTENT_TYPE, contentType)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader(ErrorResponses.REQUEST_ID, requestId)
          .end(encoded.body())
          .onComplete(sent -> written.tryComplete(sent.succeeded() ? encoded.delivered() : 0));
    });
  }

  private record Encoded(Buffer body, int delivered) {}

  private Encoded encode(List<SectionEvent> collected, JsonArray statuses) {
    Map<String, JsonArray> bySource = new LinkedHashMap<>();
    for (SectionEvent section : collected) {
      JsonArray resources = new JsonArray(section.resources());
      bySource.computeIfAbsent(section.source(), k -> new JsonArray()).addAll(resources);
    }
    SearchBundle.Result result = SearchBundle.build(sources, bySource, statuses, standingStatement, page);
    return new Encoded(result.bundle().toBuffer(), result.delivered());
  }

  @Override
  public void refuse(ApiError error) {
    if (ended || response.closed()) {
      return;
    }
    ended = true;
    sections.clear();
    ErrorResponses.send(response, error, requestId);
    written.tryComplete(0);
  }

  @Override
  public void fail(ApiError error) {
    if (ended) {
      return;
    }
    ended = true;
    sections.clear();
    try {
      ErrorResponses.send(response, error, requestId);
    } catch (RuntimeException e) {
      response.reset();
    }
    written.tryComplete(0);
  }

  @Override
  public int delivered() {
    Future<Integer> future = written.future();
    return future.succeeded() ? future.result() : 0;
  }

  @Override
  public Future<Integer> written() {
    // Asked before the view completed (the client left): nothing was or will be sent.
    return ended ? written.future() : Future.succeededFuture(0);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
