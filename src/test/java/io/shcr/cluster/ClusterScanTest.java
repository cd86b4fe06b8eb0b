package io.shcr.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the scan counts as a leak, and what it must not mistake for one (hashes, ids, timestamps). */
class ClusterScanTest {

  @Test
  void rawNhsNumbersInEveryWrittenFormAreFound() {
    assertThat(ClusterScan.problems("throttle:9434765919", List.of())).hasSize(1);
    assertThat(ClusterScan.problems("943 476 5919", List.of())).hasSize(1);
    assertThat(ClusterScan.problems("943-476-5919", List.of())).hasSize(1);
    assertThat(ClusterScan.problems("{\"nhs\":\"9434765919\"}", List.of()).get(0)).doesNotContain("9434765919");
  }

  @Test
  void fhirContentAndForbiddenTextAreFound() {
    assertThat(ClusterScan.problems("{\"resourceType\":\"Condition\"}", List.of())).contains("FHIR content: resourceType");
    assertThat(ClusterScan.problems("{\"birthDate\":\"1950-01-01\"}", List.of())).isNotEmpty();
    assertThat(ClusterScan.problems("Mrs Jane Smith", List.of("Smith"))).hasSize(1);
  }

  @Test
  void keyedHashesIdsAndTimestampsAreNotMistakenForNumbers() {
    String hmac = "a1b2c3d4e51234567890f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9";
    assertThat(ClusterScan.problems(hmac + ":3", List.of())).isEmpty();
    assertThat(ClusterScan.problems("node c4fde4a1-24e2-488b-af3f-123456789012", List.of())).isEmpty();
    assertThat(ClusterScan.problems("{\"reason\":\"emergency\",\"expiresAt\":1768471234567}", List.of())).isEmpty();
    assertThat(ClusterScan.problems("127.0.0.1:5701", List.of())).isEmpty();
  }
}
