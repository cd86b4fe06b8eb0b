package io.shcr.api;

import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.honest;
import static io.shcr.support.TrustBed.ids;
import static io.shcr.support.TrustBed.resources;
import static io.shcr.support.TrustBed.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.support.LyingSources;
import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stale data (hazard H05 in docs/clinical-safety.md): nothing a source said outlives the request that
 * asked. Each view asks every source again, so a problem resolved at source since the last view is
 * gone from the next, a new one is there, and a source that has since gone down is reported as failed,
 * never answered from what it said before.
 */
@ExtendWith(VertxExtension.class)
class NoStaleDataTest {

  private TrustBed bed;

  @BeforeEach
  void sources(Vertx vertx) {
    bed = new TrustBed(vertx);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void everyViewAsksTheSourceAgainAndShowsOnlyWhatItSaysNow() {
    bed.sources.with("GP", honest("GP", condition("old", "Patient/GP-patient", HYPERTENSION)));
    bed.startSources().startService(List.of(bed.fhir("GP", 3_000, 50)), 10_000);
    var firstResponse = bed.json("");
    assertThat(firstResponse.getHeader("Cache-Control")).as("no client or proxy may keep it either").isEqualTo("no-store");
    JsonObject first = firstResponse.bodyAsJsonObject();
    assertThat(ids(resources(first, "GP", "problems"))).containsExactly("Condition/old");
    int callsForTheFirst = bed.sources.calls("GP");

    bed.sources.with("GP", honest("GP", condition("new", "Patient/GP-patient", HYPERTENSION)));
    JsonObject second = bed.json("").bodyAsJsonObject();
    assertThat(ids(resources(second, "GP", "problems"))).containsExactly("Condition/new");
    assertThat(bed.sources.calls("GP")).isEqualTo(2 * callsForTheFirst);

    // Gone down since: reported as failing, with nothing of what it said before.
    bed.sources.with("GP", (request, type) -> LyingSources.raw(request, 503, "application/fhir+json",
        io.vertx.core.buffer.Buffer.buffer("{}")));
    JsonObject third = bed.json("").bodyAsJsonObject();
    assertThat(statuses(third).get("GP").getString("status")).isEqualTo("error");
    assertThat(resources(third, "GP", "problems")).isEmpty();
    assertThat(third.encode()).doesNotContain("\"new\"").doesNotContain("\"old\"");
  }

}
