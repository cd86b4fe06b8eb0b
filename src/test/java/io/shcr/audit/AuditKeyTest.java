package io.shcr.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** A key's Mac is reused per thread: every hash is still the HMAC of its own text alone, on any thread. */
class AuditKeyTest {

  private static final String SECRET = "an audit key of at least thirty-two bytes";

  @Test
  void eachHashIsTheHmacOfItsOwnTextWhateverCameBeforeOnAnyThread() throws Exception {
    AuditKey key = AuditKey.of(SECRET);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Boolean>> checks = IntStream.range(0, 3).mapToObj(t -> pool.submit(() -> {
        for (int i = 0; i < 500; i++) {
          String text = "{\"seq\":" + i + ",\"thread\":" + t + "}";
          if (!key.mac(text).equals(reference(text))) {
            return false;
          }
        }
        return true;
      })).toList();
      for (Future<Boolean> check : checks) {
        assertThat(check.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(key.mac("same")).isEqualTo(key.mac("same")).isNotEqualTo(AuditKey.ephemeral().mac("same"));
  }

  private static String reference(String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }
}
