package io.shcr.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.fhir.GpRegistration;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * PDS's answer decides the one GP practice asked: the registered practice of an unrestricted patient; for
 * a restricted (S-flagged) one none at all, even if PDS (or something pretending to be it) names one.
 */
class PdsRegistrationTest {

  private static JsonObject patient(String confidentiality, String practice) {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", "9990000018")
        .put("meta", new JsonObject().put("security", new JsonArray().add(new JsonObject()
            .put("system", SpineClient.CONFIDENTIALITY).put("code", confidentiality))));
    if (practice != null) {
      patient.put("generalPractitioner", new JsonArray().add(new JsonObject().put("type", "Organization")
          .put("identifier", new JsonObject().put("system", GpRegistration.ODS_SYSTEM).put("value", practice))));
    }
    return patient;
  }

  @Test
  void anUnrestrictedPatientsRegisteredPracticeIsAsked() {
    assertThat(SpineClient.pdsAnswerIn(patient("U", "P81901")).gp()).isEqualTo(GpRegistration.at("P81901"));
    assertThat(SpineClient.pdsAnswerIn(patient("U", null)).gp()).isEqualTo(GpRegistration.NONE);
  }

  @Test
  void aRestrictedPatientsPracticeIsNeverAskedWhateverPdsSends() {
    assertThat(SpineClient.pdsAnswerIn(patient("R", "P81902")).gp()).isEqualTo(GpRegistration.WITHHELD);
    assertThat(SpineClient.pdsAnswerIn(patient("V", "P81902")).gp()).isEqualTo(GpRegistration.WITHHELD);
    assertThat(new SpineClient.PdsAnswer(SpineClient.Restriction.RESTRICTED, null, GpRegistration.at("P81902")).gp())
        .isEqualTo(GpRegistration.WITHHELD);
    // Not surely unrestricted (PDS did not answer): no practice either.
    assertThat(new SpineClient.PdsAnswer(SpineClient.Restriction.UNAVAILABLE, null, GpRegistration.at("P81902")).gp())
        .isEqualTo(GpRegistration.UNKNOWN);
    assertThat(SpineClient.pdsAnswerIn(new JsonObject().put("resourceType", "Bundle")).gp()).isEqualTo(GpRegistration.UNKNOWN);
  }
}
