package io.shcr.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Answers every simulated request the way its organisation is configured to: after a delay drawn from
 * its latency profile, and through its faults (down, hang, error rate, garbage, slow drip). Delays and
 * drips use {@code vertx.setTimer}, never a sleeping thread. Wrong-patient faults are applied where the
 * record is chosen (the handlers ask {@link FaultProfile#wrongPatient()}).
 */
final class Responder {

  private static final int DRIP_CHUNKS = 20;
  private static final String GARBAGE = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
      + "<html><body><h1>502 Bad Gateway</h1>upstream closed";

  private final Vertx vertx;
  private final SimulatorConfig config;
  private final Random random = new Random();

  Responder(Vertx vertx, SimulatorConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  FaultProfile faultsOf(String ods) {
    return config.faultsOf(ods);
  }

  /** Answers for organisation {@code ods} (of kind {@code kind}) with what {@code reply} builds. */
  void answer(RoutingContext ctx, String ods, String kind, Supplier<Reply> reply) {
    FaultProfile faults = config.faultsOf(ods);
    if (faults.down() == FaultProfile.Down.REFUSED) {
      ctx.request().connection().close();
      return;
    }
    if (faults.hang()) {
      return;
    }
    long delay = config.latencyOf(ods, kind).sampleMs(random);
    if (delay > 0) {
      vertx.setTimer(delay, id -> respond(ctx, faults, reply));
    } else {
      respond(ctx, faults, reply);
    }
  }

  private void respond(RoutingContext ctx, FaultProfile faults, Supplier<Reply> build) {
    HttpServerResponse response = ctx.response();
    if (response.closed() || response.ended()) {
      return;
    }
    Reply reply;
    if (faults.down() == FaultProfile.Down.UNAVAILABLE) {
      reply = Reply.error(503, "transient", null, "Service unavailable");
    } else if (faults.errorRate() > 0 && random.nextDouble() < faults.errorRate()) {
      reply = Reply.error(500, "exception", "INTERNAL_SERVER_ERROR", "Internal server error");
    } else {
      reply = build.get();
    }
    response.setStatusCode(reply.status()).putHeader("Content-Type", Fhir.CONTENT_TYPE);
    if (faults.garbage()) {
      response.setStatusCode(200).end(GARBAGE);
    } else if (faults.slowDripMs() > 0) {
      drip(response, reply.body().toBuffer(), faults.slowDripMs());
    } else {
      response.end(reply.body().toBuffer());
    }
  }

  /** Sends the body in chunks spread over {@code totalMs}, stopping if the caller goes away. */
  private void drip(HttpServerResponse response, Buffer body, long totalMs) {
    response.setChunked(true);
    int chunk = Math.max(1, (body.length() + DRIP_CHUNKS - 1) / DRIP_CHUNKS);
    long interval = Math.max(1, totalMs / DRIP_CHUNKS);
    writeChunk(response, body, 0, chunk, interval);
  }

  private void writeChunk(HttpServerResponse response, Buffer body, int offset, int chunk, long interval) {
    if (response.closed() || response.ended()) {
      return;
    }
    int end = Math.min(body.length(), offset + chunk);
    response.write(body.getBuffer(offset, end));
    if (end >= body.length()) {
      vertx.setTimer(interval, id -> {
        if (!response.closed() && !response.ended()) {
          response.end();
        }
      });
      return;
    }
    vertx.setTimer(interval, id -> writeChunk(response, body, end, chunk, interval));
  }
}
