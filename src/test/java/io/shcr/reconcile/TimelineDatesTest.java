package io.shcr.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Section;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A partial date (a year, a month) keeps its place in the timeline instead of falling to "not known". */
class TimelineDatesTest {

  private static JsonObject encounter(String id, String start) {
    JsonObject e = new JsonObject().put("resourceType", "Encounter").put("id", id);
    if (start != null) {
      e.put("period", new JsonObject().put("start", start));
    }
    return e;
  }

  @Test
  void partialDatesAreKeptAsWrittenAndOrderedNewestFirstWithUndatedLast() {
    Timeline timeline = new Timeline();
    timeline.accept("RXN", Section.ENCOUNTERS, List.of(
        encounter("a", "2009"), encounter("b", "2009-03"), encounter("c", "2009-03-14T10:00:00Z"),
        encounter("d", "2008-12-31"), encounter("e", null), encounter("f", "2010-01"), encounter("g", "209-1")));
    JsonArray entries = timeline.entries();
    List<String> order = entries.stream().map(o -> ((JsonObject) o).getString("ref")).toList();
    List<Object> dates = entries.stream().map(o -> ((JsonObject) o).getValue("date")).toList();
    assertThat(order).containsExactly("Encounter/f", "Encounter/c", "Encounter/b", "Encounter/a", "Encounter/d",
        "Encounter/e", "Encounter/g");
    assertThat(dates).containsExactly("2010-01", "2009-03-14", "2009-03", "2009", "2008-12-31", null, null);
  }

  @Test
  void onlyADatePartAsFhirWritesItIsTaken() {
    assertThat(Timeline.written("2009")).isEqualTo("2009");
    assertThat(Timeline.written("2009-03")).isEqualTo("2009-03");
    assertThat(Timeline.written("2009-03-14")).isEqualTo("2009-03-14");
    assertThat(Timeline.written("2009-3")).isNull();
    assertThat(Timeline.written("2009-03-1")).isNull();
    assertThat(Timeline.written("20090314")).isNull();
    assertThat(Timeline.written("soon")).isNull();
    assertThat(Timeline.written(2009)).isNull();
  }
}
