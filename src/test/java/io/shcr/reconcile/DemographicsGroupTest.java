package io.shcr.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.privacy.RuleBasedPrivacyFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demographics group shows what the source's released Patient records, never the Patient the check
 * read: a name entry the privacy filter removed (here one carrying a gender-identity code) is never echoed,
 * and a source whose Patient was not released is not in the group at all.
 */
class DemographicsGroupTest {

  private static final PrivacyFilter FILTER = RuleBasedPrivacyFilter.load(Path.of("conf"));

  private static JsonObject pds() {
    return patient("p", new JsonObject().put("use", "official").put("family", "Whittaker")
        .put("given", new JsonArray().add("Alex")));
  }

  private static JsonObject patient(String id, JsonObject... names) {
    return new JsonObject().put("resourceType", "Patient").put("id", id).put("birthDate", "1968-03-12")
        .put("identifier", new JsonArray().add(new JsonObject().put("system", "https://fhir.nhs.uk/Id/nhs-number")
            .put("value", "9990000018")))
        .put("name", new JsonArray(List.of((Object[]) names)));
  }

  @Test
  void differencesComeFromTheReleasedPatientAndANameTheFilterRemovedIsNeverShown() {
    JsonObject genderIdentity = new JsonObject().put("url", "http://hl7.org/fhir/StructureDefinition/patient-genderIdentity")
        .put("valueCodeableConcept", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://snomed.info/sct").put("code", "407377005").put("display", "Female-to-male transsexual"))));
    JsonObject sensitiveName = new JsonObject().put("use", "official").put("family", "Whittaker")
        .put("given", new JsonArray().add("Alex").add("Samantha")).put("extension", new JsonArray().add(genderIdentity));
    JsonObject raw = patient("pt1", sensitiveName);
    List<JsonObject> released = FILTER.filter(List.of(raw), ResourceIndex.of(List.of(raw))).released();
    assertThat(released).singleElement().satisfies(p -> assertThat(p.encode()).doesNotContain("Samantha"));
    // The check read the raw Patient: it differs from PDS only by a middle name, so nothing was withheld.
    assertThat(DemographicCheck.compare(io.shcr.fhir.Demographics.of(pds()), io.shcr.fhir.Demographics.of(raw)).differences())
        .containsExactly("given");

    Reconciliation reconciliation = new Reconciliation();
    reconciliation.comparedWith(io.shcr.fhir.Demographics.of(pds()));
    GroupEvent event = reconciliation.demographics("RXL", raw, released);
    assertThat(event).isNotNull();
    String json = event.json().toString();
    assertThat(json).doesNotContain("Samantha").doesNotContain("407377005").contains("not recorded");
    assertThat(reconciliation.demographics("RXL", raw, List.of())).as("no Patient of that reference released").isNull();
    JsonObject another = patient("another", new JsonObject().put("family", "Whittaker").put("given", new JsonArray().add("Alex").add("Jo")));
    assertThat(reconciliation.demographics("RXL", raw, List.of(another))).as("only another Patient released").isNull();
  }
}
