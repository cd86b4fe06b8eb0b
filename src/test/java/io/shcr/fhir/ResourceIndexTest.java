package io.shcr.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** An id a source used for two different resources resolves to nothing; the same resource twice is just known. */
class ResourceIndexTest {

  private static JsonObject condition(String id, String code) {
    return new JsonObject().put("resourceType", "Condition").put("id", id).put("code", code);
  }

  @Test
  void twoDifferentResourcesUnderOneIdAreAmbiguousAndBothStayKnown() {
    ResourceIndex index = new ResourceIndex();
    JsonObject first = condition("c1", "hiv");
    JsonObject second = condition("c1", "benign");
    index.add(first);
    index.add(second);
    assertThat(index.resolve("Condition/c1")).isEmpty();
    assertThat(index.isAmbiguous("Condition/c1")).isTrue();
    assertThat(index.isAmbiguous(second)).isTrue();
    assertThat(index.all()).containsExactlyInAnyOrder(first, second);
    index.add(condition("c1", "benign"));
    assertThat(index.all()).hasSize(2);
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void theSameResourceMetTwiceIsNotADuplicate() {
    ResourceIndex index = new ResourceIndex();
    index.add(condition("c1", "benign"));
    index.add(condition("c1", "benign"));
    assertThat(index.isAmbiguous("Condition/c1")).isFalse();
    assertThat(index.resolve("Condition/c1")).isPresent();
    assertThat(index.resolve("Condition/c1/_history/2")).isPresent();
    assertThat(index.all()).hasSize(1);
  }

  @Test
  void everyPatientIsKnownWithoutWalkingTheIndex() {
    ResourceIndex index = new ResourceIndex();
    JsonObject ours = new JsonObject().put("resourceType", "Patient").put("id", "p").put("birthDate", "1950-01-01");
    JsonObject other = ours.copy().put("birthDate", "1990-01-01");
    index.add(ours);
    index.add(ours.copy());
    index.add(other);
    index.add(condition("c1", "x"));
    assertThat(index.patients()).containsExactly(ours, other);
  }
}
