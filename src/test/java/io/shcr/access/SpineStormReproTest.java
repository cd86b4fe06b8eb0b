package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Reproduces issue 11's stuck node on the Spine client as it was: lookups from four event loops
 * through a pool of 4, while Spine answers just around the 100 ms deadline. A waiter's pool timer
 * (WebClient's timeout is also the pool-wait timeout) fires on its event loop while another loop
 * recycles a connection to it; the pool hands it the lease after the timer failed its promise,
 * {@code Promise already completed} is thrown and the lease is never recycled: one slot gone for good.
 */
class SpineStormReproTest {

  @Test
  void aStormOfLateAnswersLosesNoPoolSlot() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    AtomicBoolean healthy = new AtomicBoolean();
    Random random = new Random(7);
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      long delay = healthy.get() ? 0 : 95 + random.nextInt(10);
      vertx.setTimer(Math.max(1, delay), id -> req.response().putHeader("Content-Type", "application/fhir+json")
          .end("{\"resourceType\":\"Patient\"}"));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(4).setMaxWaitQueueSize(1_000));
    AccessPolicy.Endpoint endpoint = new AccessPolicy.Endpoint("http://127.0.0.1:" + server.actualPort() + "/spine", 100);
    SpineClient spine = new SpineClient(client, new AccessPolicy.Spine(endpoint, endpoint));
    List<Context> loops = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        loops.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(4)).toCompletionStage().toCompletableFuture().get();
    List<String> numbers = AccessTestBed.syntheticNhs(50, 0);
    for (int wave = 0; wave < 60; wave++) {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        NhsNumber nhs = NhsNumber.of(numbers.get(i % numbers.size()));
        Promise<Object> done = Promise.promise();
        loops.get(i % loops.size()).runOnContext(v -> spine.restriction(nhs).onComplete(ar -> done.complete()));
        calls.add(done.future());
      }
      Future.join(calls).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    healthy.set(true);
    int answered = 0;
    for (int round = 0; round < 3; round++) {
      List<Future<SpineClient.Restriction>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(spine.restriction(NhsNumber.of(numbers.get(i))));
      }
      Future.join(calls).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      answered += (int) calls.stream().filter(f -> f.result() == SpineClient.Restriction.NONE).count();
    }
    vertx.close();
    assertThat(unhandled).isEmpty();
    assertThat(answered).isEqualTo(24);
  }
}
