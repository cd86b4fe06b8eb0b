package io.shcr.api.fhir;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.api.RecordFace;
import io.shcr.api.RecordPipeline;
import io.shcr.api.RequestIntake;
import io.shcr.core.RecordRequest;
import io.shcr.sources.SourceRegistry;
import io.shcr.core.ErrorResponses;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@code /fhir}: a read-only FHIR R4 server over the record pipeline, so a FHIR client gets exactly
 * what the record API would show the same user (same access decision, audit before data, privacy
 * filter, restricted-patient masking, deadline; nothing kept). {@code GET /fhir/metadata} says what it
 * serves; {@code GET /fhir/Patient/{nhsNumber}/$everything} and {@code GET /fhir/{Type}?patient.identifier=...}
 * run one view each and answer one page of a searchset Bundle. A next page runs the view again.
 */
public final class FhirApi {

  public static final String BASE = "/fhir";
  static final String FHIR_JSON = "application/fhir+json";
  static final String JSON = "application/json";

  private final Vertx vertx;
  private final SourceRegistry registry;
  private final RecordPipeline pipeline;

  public FhirApi(Vertx vertx, SourceRegistry registry, RecordPipeline pipeline) {
    this.vertx = vertx;
    this.registry = registry;
    this.pipeline = pipeline;
  }

  /** The FHIR face, mounted on each router with that router's record pipeline. */
  public static RecordFace face(Vertx vertx, SourceRegistry registry) {
    return (router, records) -> new FhirApi(vertx, registry, records).mount(router);
  }

  public void mount(Router router) {
    router.get(BASE + "/metadata").produces(FHIR_JSON).produces(JSON).handler(this::metadata);
    router.get(BASE + "/Patient/:nhsNumber/$everything").produces(FHIR_JSON).produces(JSON).handler(this::everything);
    router.get(BASE + "/:type").produces(FHIR_JSON).produces(JSON).handler(this::search);
  }

  private void metadata(RoutingContext ctx) {
    if (refusedFormat(ctx)) {
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, FHIR_JSON + "; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(ErrorResponses.REQUEST_ID, RequestIntake.requestId(ctx))
        .end(CapabilityStatementDoc.build(ownBase(ctx)).encode());
  }

  private void everything(RoutingContext ctx) {
    answer(ctx, FhirQuery.everything(ctx.pathParam("nhsNumber"), ctx.queryParams()));
  }

  private void search(RoutingContext ctx) {
    answer(ctx, FhirQuery.search(ctx.pathParam("type"), ctx.queryParams()));
  }

  private void answer(RoutingContext ctx, FhirQuery.Parsed parsed) {
    String requestId = RequestIntake.requestId(ctx);
    ApiError formatError = formatError(ctx.queryParams().get("_format"));
    if (parsed.error() != null || formatError != null) {
      pipeline.run(ctx, null, parsed.error() != null ? parsed.error() : formatError, null);
      return;
    }
    FhirQuery query = parsed.query();
    String client = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    RecordRequest request = new RecordRequest(requestId, query.nhsNumber(), query.sections(), Set.of(), client,
        ctx.request().getHeader(HttpHeaders.USER_AGENT));
    String base = ownBase(ctx);
    String path = ctx.request().path();
    SearchBundle.Page page = new SearchBundle.Page(query.type(), query.offset(), query.count(), query.countOnly(),
        offset -> pageUrl(base, path, ctx.queryParams(), offset, query.count()));
    pipeline.run(ctx, request, null, r -> new BundleSink(vertx, ctx.response(), requestId, registry, base, page,
        FHIR_JSON + "; charset=utf-8"));
  }

  /** The URL of a page of this search: the same parameters, in a stable order, with the page's _offset and _count. */
  static String pageUrl(String base, String path, MultiMap params, int offset, int count) {
    StringJoiner query = new StringJoiner("&");
    for (String name : new java.util.TreeSet<>(params.names())) {
      if (!"_offset".equals(name) && !"_count".equals(name)) {
        for (String value : params.getAll(name)) {
          query.add(encode(name) + "=" + encode(value));
        }
      }
    }
    query.add("_count=" + count);
    query.add("_offset=" + offset);
    return base + path.substring(BASE.length()) + "?" + query;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Refuses (audited by the router's contract) a {@code _format} we cannot serve; true when refused. */
  private boolean refusedFormat(RoutingContext ctx) {
    ApiError error = formatError(ctx.queryParams().get("_format"));
    if (error == null) {
      return false;
    }
    ctx.fail(error.status());
    return true;
  }

  private static ApiError formatError(String format) {
    if (FhirQuery.format(format).isPresent()) {
      return null;
    }
    String lower = format.toLowerCase(java.util.Locale.ROOT);
    return lower.contains("xml") || lower.contains("turtle") || lower.contains("html")
        ? ErrorCode.NOT_ACCEPTABLE.error("This server serves FHIR JSON only (_format=json or application/fhir+json).")
        : ErrorCode.INVALID_PARAMETER.error("_format must be json, application/json or application/fhir+json.");
  }

  /** This server's FHIR base as the client reached it. */
  static String ownBase(RoutingContext ctx) {
    String scheme = ctx.request().scheme() == null ? "http" : ctx.request().scheme();
    var authority = ctx.request().authority();
    String host = authority == null ? "localhost" : authority.toString();
    if (!host.matches("[A-Za-z0-9.\\-\\[\\]:]{1,255}")) {
      host = "localhost";
    }
    return scheme + "://" + host + BASE;
  }
}
