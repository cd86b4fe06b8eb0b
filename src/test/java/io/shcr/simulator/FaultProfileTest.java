package io.shcr.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import io.shcr.fhir.Bundles;
import io.shcr.fhir.Resources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class FaultProfileTest {

  /** Starts the network with one fault on RXN, asks RXN for 999 000 0018's Patient, and stops it. */
  private static Future<HttpResponse<Buffer>> askRxn(Vertx vertx, FaultProfile faults, long clientTimeoutMs) {
    SimulatorConfig config = Fixture.quietConfig().withFaults("RXN", faults);
    return Fixture.start(vertx, config).compose(simulator -> WebClient.create(vertx)
        .getAbs(simulator.baseUrl() + "/RXN/Patient?identifier=" + Fixture.NHS + Population.RICH)
        .timeout(clientTimeoutMs)
        .send()
        .eventually(simulator::close));
  }

  @Test
  void errorRateAnswersServerErrors(Vertx vertx, VertxTestContext ctx) {
    askRxn(vertx, new FaultProfile(1.0, false, 0, false, false, FaultProfile.Down.NONE), 5_000)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(500);
          assertThat(r.bodyAsJsonObject().getString("resourceType")).isEqualTo("OperationOutcome");
          ctx.completeNow();
        })));
  }

  @Test
  void downUnavailableAnswers503(Vertx vertx, VertxTestContext ctx) {
    askRxn(vertx, new FaultProfile(0, false, 0, false, false, FaultProfile.Down.UNAVAILABLE), 5_000)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(503);
          ctx.completeNow();
        })));
  }

  @Test
  void downRefusedClosesTheConnection(Vertx vertx, VertxTestContext ctx) {
    askRxn(vertx, new FaultProfile(0, false, 0, false, false, FaultProfile.Down.REFUSED), 5_000)
        .onComplete(ctx.failing(e -> ctx.completeNow()));
  }

  @Test
  void hangNeverAnswers(Vertx vertx, VertxTestContext ctx) {
    askRxn(vertx, new FaultProfile(0, true, 0, false, false, FaultProfile.Down.NONE), 300)
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertThat(e).hasMessageContaining("timeout");
          ctx.completeNow();
        })));
  }

  @Test
  void garbageIsNotJson(Vertx vertx, VertxTestContext ctx) {
    askRxn(vertx, new FaultProfile(0, false, 0, true, false, FaultProfile.Down.NONE), 5_000)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.getHeader("Content-Type")).isEqualTo("application/fhir+json");
          assertThatThrownBy(r::bodyAsJsonObject).isInstanceOf(DecodeException.class);
          ctx.completeNow();
        })));
  }

  @Test
  void slowDripTricklesACompleteBody(Vertx vertx, VertxTestContext ctx) {
    askRxn(vertx, new FaultProfile(0, false, 400, false, false, FaultProfile.Down.NONE), 5_000)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.getHeader("Transfer-Encoding")).isEqualTo("chunked");
          assertThat(r.bodyAsJsonObject().getInteger("total")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void wrongPatientAnswersWithSomeoneElse(Vertx vertx, VertxTestContext ctx) {
    askRxn(vertx, new FaultProfile(0, false, 0, false, true, FaultProfile.Down.NONE), 5_000)
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          JsonObject patient = Bundles.resources(r.bodyAsJsonObject()).get(0);
          assertThat(Resources.nhsNumbers(patient)).hasSize(1).doesNotContain(Population.RICH);
          ctx.completeNow();
        })));
  }

  @Test
  void latencyFollowsItsProfileAndGpsAreSlowerAndMoreVariable() {
    SimulatorConfig config = SimulatorConfig.load(Fixture.CONF);
    LatencyProfile gp = config.latencyOf("P81901", "gp");
    LatencyProfile trust = config.latencyOf("RXN", "acute");
    long[] gpSamples = samples(gp);
    long[] trustSamples = samples(trust);
    assertThat(gpSamples[gpSamples.length / 2]).isBetween(gp.medianMs() * 8 / 10, gp.medianMs() * 12 / 10);
    assertThat(gpSamples[gpSamples.length / 2]).isGreaterThan(trustSamples[trustSamples.length / 2]);
    long gpSpread = gpSamples[gpSamples.length * 95 / 100] - gpSamples[gpSamples.length / 20];
    long trustSpread = trustSamples[trustSamples.length * 95 / 100] - trustSamples[trustSamples.length / 20];
    assertThat(gpSpread).isGreaterThan(trustSpread);
    assertThat(LatencyProfile.NONE.sampleMs(new Random(1))).isZero();
  }

  @Test
  void theDemoConfigurationSwitchesFaultsOnAndBadValuesAreNamed() {
    SimulatorConfig config = SimulatorConfig.load(Fixture.CONF);
    assertThat(config.faultsOf("RXL").slowDripMs()).isGreaterThan(Fixture.sources().find("RXL").orElseThrow().deadlineMs());
    assertThat(config.faultsOf("NRH").hang()).isTrue();
    assertThat(config.faultsOf("P81908").garbage()).isTrue();
    assertThat(config.faultsOf("RVY").wrongPatient()).isTrue();
    assertThat(config.faultsOf("NQH").down()).isEqualTo(FaultProfile.Down.UNAVAILABLE);
    assertThat(config.disabledAreasOf("P81905")).containsExactly(GpArea.REFERRALS);
    JsonObject bad = new JsonObject().put("areas", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("name", "X").put("practices", new io.vertx.core.json.JsonArray()).put("acute", "RXN")
            .put("hospice", "NSC").put("drugService", "NCG")))
        .put("organisations", new JsonObject().put("RXN", new JsonObject()
            .put("faults", new JsonObject().put("errorRate", 2).put("down", "sideways"))));
    assertThatThrownBy(() -> SimulatorConfig.fromJson(bad, "simulator.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("organisations.RXN.faults.errorRate")
        .hasMessageContaining("organisations.RXN.faults.down");
  }

  private static long[] samples(LatencyProfile profile) {
    Random random = new Random(7);
    long[] samples = new long[4000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = profile.sampleMs(random);
    }
    java.util.Arrays.sort(samples);
    return samples;
  }
}
