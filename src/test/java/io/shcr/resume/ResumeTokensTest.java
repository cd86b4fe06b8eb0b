package io.shcr.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.core.Section;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A resume token can be neither read nor altered by the client that carries it: what it names (sources by
 * their place in the configured list, a restricted patient's aliases) is sealed, two tokens of the same
 * point differ, and the binding covers whether the record is restricted.
 */
class ResumeTokensTest {

  private static final byte[] SECRET = "a shared secret of at least 16 bytes".getBytes(StandardCharsets.UTF_8);
  private final ResumeTokens tokens = new ResumeTokens(ResumeKey.derivedFrom(SECRET), 300, Clock.systemUTC());

  private static SortedMap<Integer, ResumePoint.Had> hiddenSources() {
    SortedMap<Integer, ResumePoint.Had> sources = new TreeMap<>();
    sources.put(7, new ResumePoint.Had(true, "ok", 420, 0, new byte[] {0x3f, (byte) 0x9c, 0x1a}));
    sources.put(300, new ResumePoint.Had(false, null, 0, 0b101, new byte[] {0x01, 0x02, 0x03}));
    return sources;
  }

  @Test
  void aTokenCarriesNothingReadableAndTwoTokensOfOnePointDiffer() throws Exception {
    String one = tokens.issue("view-request-1", new byte[12], hiddenSources());
    String two = tokens.issue("view-request-1", new byte[12], hiddenSources());
    assertThat(one).isNotEqualTo(two);
    byte[] raw = Base64.getUrlDecoder().decode(one);
    String asText = new String(raw, StandardCharsets.ISO_8859_1);
    assertThat(asText).doesNotContain("view-request-1");
    assertThat(indexOf(raw, new byte[] {0x3f, (byte) 0x9c, 0x1a})).as("an alias in the clear").isNegative();
    ResumePoint point = tokens.read(one);
    assertThat(point.viewRequestId()).isEqualTo("view-request-1");
    assertThat(point.sources()).containsKeys(7, 300);
    assertThat(point.sources().get(7).alias()).containsExactly(0x3f, 0x9c, 0x1a);
  }

  @Test
  void anyAlteredByteOrAnotherKeyIsRefused() {
    String token = tokens.issue("view-request-1", new byte[12], hiddenSources());
    byte[] raw = Base64.getUrlDecoder().decode(token);
    for (int i = 1; i < raw.length; i++) {
      byte[] altered = raw.clone();
      altered[i] ^= 0x01;
      String text = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
      assertThatThrownBy(() -> tokens.read(text)).isInstanceOf(InvalidResumeToken.class);
    }
    ResumeTokens other = new ResumeTokens(ResumeKey.processLocal(), 300, Clock.systemUTC());
    assertThatThrownBy(() -> other.read(token)).isInstanceOf(InvalidResumeToken.class);
  }

  @Test
  void aViewOfHundredsOfSourcesHasATokenItCanBeResumedWith() throws Exception {
    SortedMap<Integer, ResumePoint.Had> many = new TreeMap<>();
    IntStream.range(0, 350).forEach(i -> many.put(i, new ResumePoint.Had(true, "not-found", 100, 0, null)));
    String token = tokens.issue("v", new byte[12], many);
    assertThat(token.length()).isLessThanOrEqualTo(ResumeTokens.MAX_CHARS);
    assertThat(tokens.read(token).sources()).hasSize(350);
  }

  @Test
  void theBindingDiffersWhenTheRecordBecameRestricted() {
    List<String> configured = List.of("A", "B");
    byte[] open = tokens.binding("u", "r", "9434765919", "v", "direct-care", Set.of(Section.PROBLEMS), configured, configured,
        false);
    byte[] restricted = tokens.binding("u", "r", "9434765919", "v", "direct-care", Set.of(Section.PROBLEMS), configured,
        configured, true);
    assertThat(ResumeTokens.sameBinding(open, restricted)).isFalse();
    assertThat(ResumeTokens.sameBinding(open, tokens.binding("u", "r", "9434765919", "v", "direct-care",
        Set.of(Section.PROBLEMS), configured, configured, false))).isTrue();
  }

  /**
   * A thread's cipher is reused from token to token: every token still reads back, none repeats another's
   * nonce (on one thread or several at once), and a token refused in between (a failed decryption on the same
   * cipher) leaves the next ones sound.
   */
  @Test
  void aReusedCipherSealsEveryTokenUnderItsOwnNonceAndEachReadsBack() throws Exception {
    java.util.Set<String> nonces = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Runnable issueMany = () -> {
      for (int i = 0; i < 2_000; i++) {
        String token = tokens.issue("view-request-" + i, new byte[12], hiddenSources());
        byte[] raw = Base64.getUrlDecoder().decode(token);
        assertThat(nonces.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(raw, 1, 13))))
            .as("a nonce used twice").isTrue();
        try {
          assertThat(tokens.read(token).viewRequestId()).isEqualTo("view-request-" + i);
          if (i % 100 == 0) {
            raw[raw.length - 1] ^= 0x01;
            String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            assertThatThrownBy(() -> tokens.read(altered)).isInstanceOf(InvalidResumeToken.class);
          }
        } catch (InvalidResumeToken e) {
          throw new AssertionError(e);
        }
      }
    };
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> running = IntStream.range(0, 4).mapToObj(i -> pool.submit(issueMany))
          .collect(java.util.stream.Collectors.toList());
      issueMany.run();
      for (java.util.concurrent.Future<?> one : running) {
        one.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(nonces).hasSize(5 * 2_000);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
