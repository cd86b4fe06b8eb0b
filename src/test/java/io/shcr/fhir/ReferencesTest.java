package io.shcr.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link References#localPart} without splitting gives exactly what splitting on '/' gave. */
class ReferencesTest {

  /** The straightforward definition it replaced. */
  private static String bySplitting(String reference) {
    if (reference == null || reference.startsWith("#")) {
      return reference;
    }
    String ref = reference;
    int history = ref.indexOf("/_history/");
    if (history >= 0) {
      ref = ref.substring(0, history);
    }
    String[] parts = ref.split("/");
    if (parts.length < 2) {
      return reference;
    }
    return parts[parts.length - 2] + "/" + parts[parts.length - 1];
  }

  @Test
  void typicalReferences() {
    assertThat(References.localPart("Condition/1")).isEqualTo("Condition/1");
    assertThat(References.localPart("https://x.example/fhir/Condition/1")).isEqualTo("Condition/1");
    assertThat(References.localPart("Condition/1/_history/2")).isEqualTo("Condition/1");
    assertThat(References.localPart("#med")).isEqualTo("#med");
    assertThat(References.localPart("Condition")).isEqualTo("Condition");
    assertThat(References.localPart(null)).isNull();
  }

  @Test
  void anyStringOfSlashesAndPartsGivesWhatSplittingGave() {
    String[] pieces = {"/", "/", "Condition", "1", "_history", "/_history/", "#", "https://", "x", "", " "};
    Random random = new Random(17);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(7); n > 0; n--) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      String reference = text.toString();
      assertThat(References.localPart(reference)).as("'%s'", reference).isEqualTo(bySplitting(reference));
    }
  }
}
