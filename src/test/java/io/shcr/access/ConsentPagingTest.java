package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.SpineClient.Objection;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The consent check reads every page of the search and every nested provision, and fails closed when paging fails. */
@ExtendWith(VertxExtension.class)
class ConsentPagingTest {

  private static final NhsNumber PATIENT = NhsNumber.of(AccessTestBed.OBJECTED);
  private final AtomicInteger pagesServed = new AtomicInteger();

  private static JsonObject consent(JsonObject provision) {
    return new JsonObject().put("resourceType", "Consent").put("status", "active").put("provision", provision);
  }

  private static JsonObject bundle(String next, JsonObject... consents) {
    JsonArray entries = new JsonArray();
    for (JsonObject c : consents) {
      entries.add(new JsonObject().put("resource", c));
    }
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "searchset").put("entry", entries);
    if (next != null) {
      bundle.put("link", new JsonArray().add(new JsonObject().put("relation", "next").put("url", next)));
    }
    return bundle;
  }

  private static final JsonObject PERMIT = new JsonObject().put("type", "permit");
  private static final JsonObject DENY = new JsonObject().put("type", "deny");

  /** Serves page {@code page} (from 1) through {@code pages}; the base URL is given to it for next links. */
  private Future<Objection> ask(Vertx vertx, BiConsumer<RoutingContext, String> pages) {
    Router router = Router.router(vertx);
    String[] base = new String[1];
    router.get("/spine/Consent").handler(ctx -> {
      pagesServed.incrementAndGet();
      pages.accept(ctx, base[0]);
    });
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").compose(server -> {
      base[0] = "http://127.0.0.1:" + server.actualPort() + "/spine";
      AccessPolicy.Endpoint endpoint = new AccessPolicy.Endpoint(base[0], 2000);
      return SpineClient.create(vertx, new AccessPolicy.Spine(endpoint, endpoint)).objection(PATIENT);
    });
  }

  private static int page(RoutingContext ctx) {
    String page = ctx.request().getParam("page");
    return page == null ? 1 : Integer.parseInt(page);
  }

  @Test
  void anObjectionOnTheSecondPageIsFound(Vertx vertx, VertxTestContext test) {
    ask(vertx, (ctx, base) -> ctx.json(page(ctx) == 1
        ? bundle(base + "/Consent?patient.identifier=x&page=2", consent(PERMIT))
        : bundle(null, consent(DENY))))
        .onComplete(test.succeeding(objection -> test.verify(() -> {
          assertThat(objection).isEqualTo(Objection.OBJECTED);
          assertThat(pagesServed).hasValue(2);
          test.completeNow();
        })));
  }

  @Test
  void aNestedDenyIsAnObjectionButADenyForAnotherPurposeIsNot() {
    JsonObject nested = PERMIT.copy().put("provision", new JsonArray().add(PERMIT.copy())
        .add(PERMIT.copy().put("provision", new JsonArray().add(DENY.copy()))));
    assertThat(SpineClient.objectionIn(bundle(null, consent(nested)))).isEqualTo(Objection.OBJECTED);
    JsonObject researchOnly = DENY.copy().put("purpose", new JsonArray().add(new JsonObject()
        .put("system", "http://terminology.hl7.org/CodeSystem/v3-ActReason").put("code", "HRESCH")));
    assertThat(SpineClient.objectionIn(bundle(null, consent(researchOnly)))).isEqualTo(Objection.NONE);
    JsonObject treatment = DENY.copy().put("purpose", new JsonArray().add(new JsonObject().put("code", "TREAT")));
    assertThat(SpineClient.objectionIn(bundle(null, consent(PERMIT.copy().put("provision", new JsonArray().add(treatment))))))
        .isEqualTo(Objection.OBJECTED);
  }

  @Test
  void aFailedNextPageFailsClosed(Vertx vertx, VertxTestContext test) {
    ask(vertx, (ctx, base) -> {
      if (page(ctx) == 1) {
        ctx.json(bundle(base + "/Consent?page=2", consent(PERMIT)));
      } else {
        ctx.response().setStatusCode(500).end();
      }
    }).onComplete(test.succeeding(objection -> test.verify(() -> {
      assertThat(objection).isEqualTo(Objection.UNAVAILABLE);
      test.completeNow();
    })));
  }

  @Test
  void aNextLinkToAnotherOriginIsNotFollowed(Vertx vertx, VertxTestContext test) {
    ask(vertx, (ctx, base) -> ctx.json(bundle("http://elsewhere.invalid/Consent?page=2", consent(PERMIT))))
        .onComplete(test.succeeding(objection -> test.verify(() -> {
          assertThat(objection).isEqualTo(Objection.UNAVAILABLE);
          assertThat(pagesServed).hasValue(1);
          test.completeNow();
        })));
  }

  @Test
  void endlessPagingStopsAtTheCapAndFailsClosed(Vertx vertx, VertxTestContext test) {
    ask(vertx, (ctx, base) -> ctx.json(bundle(base + "/Consent?page=" + (page(ctx) + 1), consent(PERMIT))))
        .onComplete(test.succeeding(objection -> test.verify(() -> {
          assertThat(objection).isEqualTo(Objection.UNAVAILABLE);
          assertThat(pagesServed).hasValue(SpineClient.MAX_CONSENT_PAGES);
          test.completeNow();
        })));
  }
}
