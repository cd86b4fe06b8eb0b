package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An ODS reference gets our register's name for a participating organisation, and only that. */
class OrganisationNamesTest {

  private final OrganisationNames names = new OrganisationNames(ods -> Optional.ofNullable(Map.of("RXN", "Lancashire Teaching Hospitals").get(ods)));

  private static JsonObject ods(String code) {
    return new JsonObject().put("identifier", new JsonObject().put("system", "https://fhir.nhs.uk/Id/ods-organization-code").put("value", code));
  }

  @Test
  void registeredOrganisationsAreNamedOthersStayBareAndTheSourcesObjectIsUntouched() {
    JsonObject encounter = new JsonObject().put("resourceType", "Encounter").put("id", "e1")
        .put("serviceProvider", ods("RXN"))
        .put("participant", new io.vertx.core.json.JsonArray().add(new JsonObject().put("individual", ods("ZZZ99"))));
    JsonObject named = names.apply(encounter);
    assertThat(named.getJsonObject("serviceProvider").getString("display")).isEqualTo("Lancashire Teaching Hospitals");
    assertThat(named.getJsonArray("participant").getJsonObject(0).getJsonObject("individual").containsKey("display")).isFalse();
    assertThat(encounter.getJsonObject("serviceProvider").containsKey("display")).as("a copy was changed").isFalse();
    JsonObject plain = new JsonObject().put("resourceType", "Condition").put("id", "c1");
    assertThat(names.apply(plain)).isSameAs(plain);
  }
}
