package shcr.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import io.gatling.javaapi.http.SseMessageCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ambulance crews on a flaky network: each opens a record over SSE, the connection drops after a random number
 * of events (2 to 8), and the crew resumes with {@code Last-Event-ID}. The union of the two halves must hold
 * every section of an uninterrupted view of the same patient exactly once (no duplicate, none missing), every
 * source once, and one {@code complete}; a crew whose union is wrong fails the group {@code drop and resume}
 * (a section counts as missing only when its source answered {@code ok} in both the reference and the resumed
 * view: on an overloaded machine a source may time out in one of them).
 * Properties: {@code usersPerSec} (default 2), {@code seconds} (60); see {@link Shared}.
 *
 * <pre>mvn -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=shcr.load.AmbulanceReconnect -Dtoken=$TOKEN</pre>
 */
public class AmbulanceReconnect extends Simulation {

  private static final int FEWEST = 2;
  private static final int MOST = 8;
  private static final AtomicLong RESUMED = new AtomicLong();
  private static final AtomicLong DUPLICATES = new AtomicLong();
  private static final AtomicLong MISSING = new AtomicLong();

  /** The first {@code n} events of a stream (one check sequence, so none slips past between checks), then the drop. */
  private static ChainBuilder firstEvents(int n) {
    List<SseMessageCheck> checks = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      checks.add(Shared.anyEvent("event before the drop", "e" + i));
    }
    return exec(sse("open record").sseName("crew").get(Shared.RECORD).header("Accept", Shared.EVENT_STREAM)
        .await(Duration.ofSeconds(30)).on(checks))
        .exec(session -> {
          List<Shared.Event> had = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            had.add(Shared.fromGatling(session.getString("e" + i)));
          }
          return session.set("had", had).set("lastId", had.get(n - 1).id());
        })
        .exec(sse("drop").sseName("crew").close());
  }

  private static Choice.WithKey[] drops() {
    List<Choice.WithKey> choices = new ArrayList<>();
    for (int n = FEWEST; n <= MOST; n++) {
      choices.add(onCase(n).then(firstEvents(n)));
    }
    return choices.toArray(Choice.WithKey[]::new);
  }

  /** Whether the union of what the crew had and what the resume sent is the whole view, each part once. */
  @SuppressWarnings("unchecked")
  private static Session judge(Session session) {
    List<Shared.Event> had = (List<Shared.Event>) session.get("had");
    List<Shared.Event> rest = Shared.fromStream(session.getString("rest"));
    List<Shared.Event> reference = Shared.fromStream(session.getString("whole"));
    List<String> union = new ArrayList<>(Shared.sectionKeys(had));
    union.addAll(Shared.sectionKeys(rest));
    long duplicates = union.size() - new HashSet<>(union).size();
    // Missing: a section of the reference view from a source that answered (ok) in both views but not in the union.
    // A source that failed or timed out in one of them (an overloaded machine) is not the resume's doing.
    Set<String> okInBoth = okSources(reference);
    okInBoth.retainAll(okSources(rest));
    HashSet<String> missing = new HashSet<>();
    for (String key : Shared.sectionKeys(reference)) {
      if (okInBoth.contains(key.substring(0, key.indexOf('/'))) && !union.contains(key)) {
        missing.add(key);
      }
    }
    boolean meta = rest.stream().noneMatch(e -> e.type().equals("meta"));
    boolean oneComplete = rest.stream().filter(e -> e.type().equals("complete")).count() == 1
        && had.stream().noneMatch(e -> e.type().equals("complete"));
    RESUMED.incrementAndGet();
    DUPLICATES.addAndGet(duplicates);
    MISSING.addAndGet(missing.size());
    return duplicates == 0 && missing.isEmpty() && meta && oneComplete ? session : session.markAsFailed();
  }

  /** The sources a view's {@code complete} says answered. */
  private static Set<String> okSources(List<Shared.Event> events) {
    Set<String> ok = new HashSet<>();
    events.stream().filter(e -> e.type().equals("complete")).forEach(complete -> complete.data().path("sources")
        .forEach(source -> {
          if (source.path("status").asText().equals("ok")) {
            ok.add(source.path("source").asText());
          }
        }));
    return ok;
  }

  private final ScenarioBuilder crews = scenario("ambulance crew, drop and resume")
      .feed(Shared.patients())
      .exec(http("uninterrupted view (reference)").get(Shared.RECORD).header("Accept", Shared.EVENT_STREAM)
          .check(status().is(200), bodyString().saveAs("whole")))
      .exec(session -> session.set("dropAfter", Shared.randomBetween(FEWEST, MOST)))
      .group("drop and resume").on(
          doSwitch("#{dropAfter}").on(drops())
              .exitHereIfFailed()
              .exec(http("resume (Last-Event-ID)").get(Shared.RECORD).header("Accept", Shared.EVENT_STREAM)
                  .header("Last-Event-ID", "#{lastId}")
                  .check(status().is(200), substring("event: complete").exists(), bodyString().saveAs("rest")))
              .exec(AmbulanceReconnect::judge));

  {
    setUp(crews.injectOpen(constantUsersPerSec(Shared.number("usersPerSec", 2))
        .during(Duration.ofSeconds((long) Shared.number("seconds", 60)))))
        .protocols(Shared.protocol())
        .assertions(details("drop and resume").failedRequests().count().is(0L));
  }

  @Override
  public void after() {
    System.out.printf("AmbulanceReconnect: %d resumes judged, %d duplicate sections, %d missing sections%n",
        RESUMED.get(), DUPLICATES.get(), MISSING.get());
  }
}
