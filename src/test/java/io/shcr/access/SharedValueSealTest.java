package io.shcr.access;

import io.shcr.core.Principal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.audit.AccessAudit;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seal binds a value to its secret, map, key, version and every character of its payload; the alarm cannot be flooded. */
class SharedValueSealTest {

  private static final SharedValueSeal SEAL = new SharedValueSeal("a-cluster-secret-of-some-length!".getBytes(StandardCharsets.UTF_8));
  private static final String MAP = BreakGlassGrants.MAP_NAME;
  private static final String PAYLOAD = "{\"reason\":\"urgent-clinical-need\",\"expiresAt\":1}";

  @Test
  void aSealedValueOpensOnlyWhereItWasSealed() {
    String sealed = SEAL.seal(MAP, "k1", PAYLOAD);
    assertThat(SEAL.open(MAP, "k1", sealed)).contains(PAYLOAD);
    assertThat(SEAL.open(MAP, "k2", sealed)).as("moved to another key").isEmpty();
    assertThat(SEAL.open(PatientThrottle.MAP_NAME, "k1", sealed)).as("moved to another map").isEmpty();
    assertThat(new SharedValueSeal("another-secret-of-the-same-len!!".getBytes(StandardCharsets.UTF_8)).open(MAP, "k1", sealed))
        .as("another cluster's secret").isEmpty();
    assertThat(SEAL.seal(MAP, "k1", PAYLOAD)).as("deterministic, so compare-and-remove works").isEqualTo(sealed);
  }

  @Test
  void anyAlterationOrOtherShapeFailsToOpen() {
    String sealed = SEAL.seal(MAP, "k1", PAYLOAD);
    List<Object> spoilt = List.of(
        sealed.replace("urgent-clinical-need", "emergency-treatment"),
        sealed.substring(0, sealed.length() - 1),
        sealed + " ",
        sealed.replace("v1:", "v2:"),
        "v1:" + "0".repeat(64) + ":" + PAYLOAD,
        "v1:" + "z".repeat(64) + ":" + PAYLOAD,
        "v1:short:" + PAYLOAD,
        PAYLOAD,
        new JsonObject(PAYLOAD),
        42,
        "");
    for (Object value : spoilt) {
      assertThat(SEAL.open(MAP, "k1", value)).as("%s", value).isEmpty();
    }
    String flipped = sealed.substring(0, 3) + (sealed.charAt(3) == 'a' ? 'b' : 'a') + sealed.substring(4);
    assertThat(SEAL.open(MAP, "k1", flipped)).as("one bit of the MAC").isEmpty();
    assertThat(SEAL.open(MAP, "k1", null)).isEmpty();
  }

  @Test
  void partsCannotBeShiftedBetweenKeyAndPayload() {
    String sealed = SEAL.seal(MAP, "ab", "c");
    assertThat(SEAL.open(MAP, "a", sealed.replace(":c", ":bc"))).isEmpty();
  }

  @Test
  void aSecretMustBeLongEnoughAndAProcessLocalSealKnowsNoOneElse() {
    assertThatThrownBy(() -> new SharedValueSeal("short".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
    SharedValueSeal local = SharedValueSeal.processLocal();
    assertThat(SEAL.open(MAP, "k", local.seal(MAP, "k", "x"))).isEmpty();
    assertThat(SEAL.usesSecret("a-cluster-secret-of-some-length!".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(SEAL.usesSecret("a-cluster-secret-of-some-length?".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void theAlarmAlertsEachFindingOnceAWhileAndAtMostAHundredAMinute() {
    FakeAuditTrail audit = new FakeAuditTrail();
    MutableClock clock = new MutableClock(AccessTestBed.START);
    IntegrityAlarm alarm = new IntegrityAlarm(audit, clock);
    Principal user = new Principal("u-1", "User", "u-1-01", "R8000", "RXN", java.util.Set.of(), null);
    NhsNumber patient = NhsNumber.of(AccessTestBed.RICH);
    alarm.raise("BREAK_GLASS", IntegrityAlarm.Finding.FORGED, "k1", user, patient);
    alarm.raise("BREAK_GLASS", IntegrityAlarm.Finding.FORGED, "k1", user, patient);
    assertThat(audit.records).hasSize(1);
    AccessAudit alert = audit.records.get(0);
    assertThat(alert.action()).isEqualTo("cluster-integrity");
    assertThat(alert.refusalCode()).isEqualTo("BREAK_GLASS_FORGED");
    assertThat(alert.outcome()).isEqualTo("ignored");
    assertThat(alert.nhsNumber()).isEqualTo(AccessTestBed.RICH);
    assertThat(alert.principal()).isEqualTo(user);
    alarm.raise("BREAK_GLASS", IntegrityAlarm.Finding.FORGED, "k1", null, null);
    assertThat(audit.records).as("the same entry without a request is another finding").hasSize(2);
    clock.advance(Duration.ofMinutes(11));
    alarm.raise("BREAK_GLASS", IntegrityAlarm.Finding.FORGED, "k1", user, patient);
    assertThat(audit.records).as("alerted again after the repeat window").hasSize(3);
    for (int i = 0; i < 500; i++) {
      alarm.raise("THROTTLE", IntegrityAlarm.Finding.FORGED, "slot-" + i, null, null);
    }
    assertThat(audit.records).hasSizeLessThanOrEqualTo(3 + IntegrityAlarm.MAX_PER_MINUTE);
    clock.advance(Duration.ofMinutes(1));
    alarm.raise("THROTTLE", IntegrityAlarm.Finding.CLEARED, PatientThrottle.MAP_NAME, null, null);
    assertThat(audit.records.get(audit.records.size() - 1).refusalCode()).as("a new minute has room again").isEqualTo("THROTTLE_CLEARED");
  }
}
