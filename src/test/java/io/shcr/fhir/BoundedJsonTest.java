package io.shcr.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Whatever a source sends, reading it stays within bounds, and what is read is plain Vert.x JSON. */
class BoundedJsonTest {

  private static BoundedJson.Problem problem(String json, int maxEntries) {
    try {
      BoundedJson.object(Buffer.buffer(json), maxEntries);
      return null;
    } catch (BoundedJson.Unreadable e) {
      return e.problem();
    }
  }

  @Test
  void readsAnOrdinaryBundleAsVertxJson() {
    JsonObject bundle = BoundedJson.object(Buffer.buffer(
        "{\"resourceType\":\"Bundle\",\"total\":2,\"entry\":[{\"resource\":{\"id\":\"a\",\"v\":1.5,\"n\":null,\"b\":true}},"
            + "{\"resource\":{\"id\":\"b\",\"big\":123456789012345678901234567890}}]}"), 2);
    JsonObject first = bundle.getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertThat(first.getDouble("v")).isEqualTo(1.5);
    assertThat(first.containsKey("n")).isTrue();
    assertThat(bundle.getInteger("total")).isEqualTo(2);
    // The same object every time it is read: identity-keyed memos stay valid.
    assertThat(bundle.getJsonArray("entry").getJsonObject(0)).isSameAs(bundle.getJsonArray("entry").getJsonObject(0));
    assertThat(new JsonObject(bundle.encode())).isEqualTo(bundle);
  }

  @Test
  void nestingDeeperThanTheLimitIsRefused() {
    String ok = "{\"a\":" + "[".repeat(BoundedJson.MAX_DEPTH - 1) + "]".repeat(BoundedJson.MAX_DEPTH - 1) + "}";
    assertThat(problem(ok, 0)).isNull();
    String deep = "{\"a\":" + "[".repeat(BoundedJson.MAX_DEPTH) + "]".repeat(BoundedJson.MAX_DEPTH) + "}";
    assertThat(problem(deep, 0)).isEqualTo(BoundedJson.Problem.TOO_DEEP);
    assertThat(problem("{\"a\":" + "[".repeat(100_000), 0)).isEqualTo(BoundedJson.Problem.TOO_DEEP);
  }

  @Test
  void onlyTheTopLevelEntriesCountAgainstTheCap() {
    assertThat(problem("{\"entry\":[{},{},{}]}", 3)).isNull();
    assertThat(problem("{\"entry\":[{},{},{},{}]}", 3)).isEqualTo(BoundedJson.Problem.TOO_MANY_ENTRIES);
    assertThat(problem("{\"entry\":[1,2,3,4]}", 3)).isEqualTo(BoundedJson.Problem.TOO_MANY_ENTRIES);
    assertThat(problem("{\"x\":{\"entry\":[{},{},{},{}]},\"entry\":[]}", 3)).isNull();
  }

  @Test
  void anAnswerOverTheCapIsRefusedBeforeItIsBuilt() {
    StringBuilder json = new StringBuilder("{\"resourceType\":\"Bundle\",\"entry\":[");
    for (int i = 0; i < 100_000; i++) {
      json.append(i == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"").append(i).append("\"}}");
    }
    Buffer body = Buffer.buffer(json.append("]}").toString());
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    assertThatThrownBy(() -> BoundedJson.object(body, 1_000)).isInstanceOf(BoundedJson.Unreadable.class);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // One copy of the bytes and the first thousand entries; the whole tree would be many times the body.
    assertThat(allocated).isLessThan(2L * body.length());
  }

  @Test
  void numbersTextAndKeysMustBeWellFormed() {
    assertThat(problem("{\"v\":1e400}", 0)).isEqualTo(BoundedJson.Problem.OUT_OF_RANGE);
    assertThat(problem("{\"v\":-1e400}", 0)).isEqualTo(BoundedJson.Problem.OUT_OF_RANGE);
    assertThat(problem("{\"v\":" + "9".repeat(500) + "}", 0)).isEqualTo(BoundedJson.Problem.OUT_OF_RANGE);
    assertThat(problem("{\"v\":\"\\ud800\"}", 0)).isEqualTo(BoundedJson.Problem.OUT_OF_RANGE);
    assertThat(problem("{\"\\udc00\":1}", 0)).isEqualTo(BoundedJson.Problem.OUT_OF_RANGE);
    assertThat(problem("{\"v\":\"\\ud83d\\ude00\"}", 0)).isNull();
    assertThat(problem("{\"id\":\"a\",\"id\":\"b\"}", 0)).isEqualTo(BoundedJson.Problem.NOT_JSON);
    assertThat(problem("[1,2]", 0)).isEqualTo(BoundedJson.Problem.NOT_JSON);
    assertThat(problem("{\"a\":1} {\"b\":2}", 0)).isEqualTo(BoundedJson.Problem.NOT_JSON);
    assertThat(problem("", 0)).isEqualTo(BoundedJson.Problem.NOT_JSON);
    byte[] invalid = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};
    assertThatThrownBy(() -> BoundedJson.object(Buffer.buffer(invalid), 0)).isInstanceOf(BoundedJson.Unreadable.class);
  }

  @Test
  void whatIsReadCanAlwaysBeEncodedAgain() {
    JsonObject read = BoundedJson.object(Buffer.buffer("{\"a\":" + "[".repeat(60) + "{\"t\":\"\\u2028 line\\nbreak\"}"
        + "]".repeat(60) + "}"), 0);
    assertThat(read.encode()).doesNotContain("\n");
    assertThat(new JsonArray().add(read).encode()).isNotEmpty();
  }

  /** A batch's entry, read with the batch, is held to the entry cap it would have had alone, as if read again. */
  @Test
  void anEntryReadWithItsBatchIsHeldToTheCapOfAnAnswerAlone() {
    for (String json : new String[] {"{\"entry\":[{},{},{},{}]}", "{\"entry\":[1,2,3]}", "{\"entry\":{\"a\":[1,2,3,4]}}", "{\"x\":[1,2,3,4]}",
        "{\"entry\":[]}"}) {
      String batch = "{\"entry\":[{\"resource\":" + json + "}]}";
      JsonObject entry = BoundedJson.object(Buffer.buffer(batch), 1).getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
      BoundedJson.Problem alone = problem(json, 3);
      BoundedJson.Problem carried;
      try {
        assertThat(BoundedJson.within(entry, 3)).isSameAs(entry);
        carried = null;
      } catch (BoundedJson.Unreadable e) {
        carried = e.problem();
      }
      assertThat(carried).as(json).isEqualTo(alone);
    }
  }
}
