package io.shcr.sources;

import io.shcr.core.Deadline;
import io.shcr.core.Section;
import io.shcr.fhir.ResourceIndex;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * The I/O of one source's run within one request (Prebid Server's {@code HttpBidderRequester} shape):
 * it sends what the source's pure {@link SourceAdapter} plans through the {@link SourceClient}, hands
 * each response back to the adapter to read (on the source's lane), follows next pages up to the page
 * cap, charges the source's resource budget, feeds the source's index, hands each section over as a
 * {@link SectionBatch} the moment it is complete, runs link lookups in rounds for the privacy filter,
 * and ends with one {@link SourceOutcome}. Nothing it returns ever fails: failures are values.
 *
 * <p>One requester serves one source in one request, on the request's event loop.
 */
public final class SourceRequester {

  /** How many levels of links are fetched (a result's encounter, then that encounter's location). */
  public static final int MAX_LINK_ROUNDS = 3;

  /** Receives each section batch; the Future completes once the batch has been checked and released. */
  @FunctionalInterface
  public interface BatchConsumer {
    Future<Void> accept(SectionBatch batch);
  }

  private final SourceClient client;
  private final SourceAdapter adapter;
  private final SourceCall call;
  private final Deadline deadline;
  private final CallScope scope;
  /** Searches that hit the page cap, by label, in the order they did. */
  private final Set<String> truncated = new LinkedHashSet<>();
  /** Each lookup request under way or done, by the keys it carries, so another lookup can wait for it. */
  private final Map<String, Future<?>> lookupsByKey = new HashMap<>();

  public SourceRequester(SourceClient client, SourceAdapter adapter, SourceCall call, Deadline deadline, CallScope scope) {
    this.client = client;
    this.adapter = adapter;
    this.call = call;
    this.deadline = deadline;
    this.scope = scope;
  }

  public ResourceIndex index() {
    return call.index();
  }

  public WorkLane lane() {
    return scope.lane();
  }

  public boolean cancelled() {
    return scope.cancelled();
  }

  /** What one request gave across its pages, or why it failed. */
  private static final class Collected {
    final Map<Section, List<JsonObject>> sections = new EnumMap<>(Section.class);
    final List<JsonObject> matches = new ArrayList<>();
    final List<ResponseRead.PatientWord> words = new ArrayList<>();
    final List<String> details = new ArrayList<>();
    SourceFailure failure;

    void add(ResponseRead read) {
      read.sections().forEach((section, resources) -> sections.computeIfAbsent(section, s -> new ArrayList<>()).addAll(resources));
      matches.addAll(read.matches());
      words.add(read.patient());
      details.addAll(read.details());
    }
  }

  /**
   * Asks the source for the call's sections, handing each to the consumer once complete. Completes
   * (never fails) once every section has been handed over and released, or failed.
   */
  public Future<SourceOutcome> run(BatchConsumer consumer) {
    List<SourceQuery> plan;
    try {
      plan = adapter.plan(call);
    } catch (NotAsked e) {
      return Future.succeededFuture(SourceOutcome.failed(e.failure()));
    } catch (RuntimeException e) {
      return Future.succeededFuture(SourceOutcome.failed(SourceFailure.unprocessable()));
    }
    Map<SourceQuery, Future<Collected>> asked = ask(plan);
    Map<Section, List<SourceQuery>> waitingFor = new LinkedHashMap<>();
    List<Future<SourceFailure>> ends = new ArrayList<>();
    for (SourceQuery query : plan) {
      query.fills().forEach(section -> waitingFor.computeIfAbsent(section, s -> new ArrayList<>()).add(query));
      if (query.fills().isEmpty()) {
        ends.add(asked.get(query).map(collected -> collected.failure));
      }
    }
    for (Section section : call.sections()) {
      List<SourceQuery> queries = waitingFor.get(section);
      if (queries != null) {
        ends.add(section(section, queries, asked, consumer));
      }
    }
    return Future.join(ends).transform(done -> {
      SourceFailure worst = null;
      for (Future<SourceFailure> end : ends) {
        worst = SourceFailure.worse(worst, end.succeeded() ? end.result() : SourceFailure.unprocessable());
      }
      if (worst != null) {
        return Future.succeededFuture(SourceOutcome.failed(worst));
      }
      boolean known = false;
      boolean notHeld = false;
      Set<String> details = new LinkedHashSet<>();
      for (SourceQuery query : plan) {
        Future<Collected> collected = asked.get(query);
        known |= collected.result().words.contains(ResponseRead.PatientWord.KNOWN);
        notHeld |= collected.result().words.contains(ResponseRead.PatientWord.NOT_HELD);
        details.addAll(collected.result().details);
      }
      // A clinician must know when a list is incomplete: say which searches hit the page limit.
      truncated.forEach(label -> details.add(label + ": more results than shown (page limit)"));
      return Future.succeededFuture(SourceOutcome.answered(known && !notHeld, new ArrayList<>(details)));
    });
  }

  /**
   * One section: handed over once every request it waits for is in, unless one of them failed (then
   * at once, with that failure). Completes with null once released, or with the failure.
   */
  private Future<SourceFailure> section(Section section, List<SourceQuery> queries, Map<SourceQuery, Future<Collected>> asked,
      BatchConsumer consumer) {
    Promise<Void> ready = Promise.promise();
    Promise<SourceFailure> end = Promise.promise();
    int[] waiting = {queries.size()};
    for (SourceQuery query : queries) {
      asked.get(query).onSuccess(collected -> {
        if (collected.failure != null) {
          end.tryComplete(collected.failure);
        } else if (--waiting[0] == 0) {
          ready.tryComplete();
        }
      });
    }
    ready.future().onSuccess(v -> {
      if (end.future().isComplete()) {
        return;
      }
      List<JsonObject> resources = new ArrayList<>();
      boolean answered = false;
      for (SourceQuery query : queries) {
        List<JsonObject> part = asked.get(query).result().sections.get(section);
        if (part != null) {
          answered = true;
          resources.addAll(part);
        }
      }
      if (!answered) {
        end.tryComplete(null); // the source answered that it holds nothing for anyone: no section at all
        return;
      }
      Future<Void> released;
      try {
        released = consumer.accept(new SectionBatch(section, resources));
      } catch (RuntimeException e) {
        released = Future.failedFuture(e);
      }
      released.onComplete(ar -> end.tryComplete(ar.succeeded() ? null : SourceFailure.unprocessable()));
    });
    return end.future();
  }

  /**
   * The first requests: in one batch when the source declares it takes one and the adapter can make
   * it, else one call each. Each query's part of a batch is read as if asked alone (budget, index, its
   * own failure), and its next pages are followed one by one as usual. A batch that fails as a whole
   * fails every query.
   */
  private Map<SourceQuery, Future<Collected>> ask(List<SourceQuery> plan) {
    // By identity: a query's record hash would hash its request, sections and keys at every look-up.
    Map<SourceQuery, Future<Collected>> asked = new IdentityHashMap<>();
    SourceQuery batch = adapter.batch(call, plan, client.capabilities().now());
    if (batch == null) {
      plan.forEach(query -> asked.put(query, follow(query, true)));
      return asked;
    }
    Future<CallResult<List<CallResult<ResponseRead>>>> sent =
        client.call(batch.request(), deadline, scope, response -> readBatch(plan, response));
    for (int i = 0; i < plan.size(); i++) {
      int at = i;
      SourceQuery query = plan.get(i);
      asked.put(query, sent.compose(result -> continued(query,
          result.succeeded() ? result.value().get(at) : CallResult.failed(result.failure()), new Collected(), true)));
    }
    return asked;
  }

  private CallResult<List<CallResult<ResponseRead>>> readBatch(List<SourceQuery> plan, SourceHttpResponse response) {
    BatchAnswer split = adapter.unbatch(call, plan, response);
    if (split.failure() != null) {
      return CallResult.failed(split.failure());
    }
    if (split.parts().size() != plan.size()) {
      return CallResult.failed(SourceFailure.unprocessable());
    }
    List<CallResult<ResponseRead>> reads = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      CallResult<SourceHttpResponse> part = split.parts().get(i);
      reads.add(part.succeeded() ? read(plan.get(i), part.value()) : CallResult.failed(part.failure()));
    }
    return CallResult.answered(reads);
  }

  /** One request and its next pages, up to the page cap. Never fails. */
  private Future<Collected> follow(SourceQuery first, boolean planned) {
    return page(first, new Collected(), planned);
  }

  private Future<Collected> page(SourceQuery query, Collected collected, boolean planned) {
    return client.call(query.request(), deadline, scope, response -> read(query, response))
        .compose(result -> continued(query, result, collected, planned));
  }

  /** One page read: kept, then the next page asked unless there is none or the page cap is reached. */
  private Future<Collected> continued(SourceQuery query, CallResult<ResponseRead> result, Collected collected, boolean planned) {
    if (!result.succeeded()) {
      collected.failure = result.failure();
      return Future.succeededFuture(collected);
    }
    ResponseRead read = result.value();
    collected.add(read);
    if (read.next() == null) {
      return Future.succeededFuture(collected);
    }
    if (query.page() >= call.source().pageCap()) {
      if (planned) {
        truncated.add(query.label());
      }
      return Future.succeededFuture(collected);
    }
    return page(read.next(), collected, planned);
  }

  /**
   * Reads one response on the lane: the adapter's reading, then this request's budget (an answer over
   * it is refused before anything of it is looked at), then the index.
   */
  private CallResult<ResponseRead> read(SourceQuery query, SourceHttpResponse response) {
    ResponseRead read = adapter.read(call, query, response);
    if (read.resourceCount() >= 0 && !scope.chargeResources(read.resourceCount())) {
      return CallResult.failed(SourceFailure.overResourceBudget(scope.resourceBudget()));
    }
    if (read.failure() != null && read.failure().status() == SourceStatus.PATIENT_MISMATCH) {
      scope.sawAnotherPatient();
    }
    call.index().addAll(read.received());
    return read.succeeded() ? CallResult.answered(read) : CallResult.failed(read.failure());
  }

  /**
   * Fetches the links the privacy filter needs for one section, in rounds: {@code wanted} (run on the
   * lane) names what is still unresolved, the adapter's lookups fetch it into the index, and again, up
   * to {@link #MAX_LINK_ROUNDS}, until nothing new is wanted or found. Never fails: what could not be
   * fetched stays unresolved, and the filter withholds what needed it.
   *
   * @param stillWanted false once the view or the source has ended, so no more links are fetched
   * @param small whether the section is small enough to work out on the event loop
   */
  public Future<Void> resolveLinks(Callable<Set<String>> wanted, BooleanSupplier stillWanted, boolean small) {
    return round(wanted, 1, Set.of(), stillWanted, small).recover(t -> Future.succeededFuture());
  }

  private Future<Void> round(Callable<Set<String>> wanted, int round, Set<String> previous, BooleanSupplier stillWanted,
      boolean small) {
    if (round > MAX_LINK_ROUNDS || !stillWanted.getAsBoolean()) {
      return Future.succeededFuture();
    }
    return lane().run(wanted, small).compose(references -> {
      if (references.isEmpty() || references.equals(previous) || !stillWanted.getAsBoolean()) {
        return Future.<Void>succeededFuture();
      }
      return lookUp(references).compose(found -> found.isEmpty() ? Future.<Void>succeededFuture()
          : round(wanted, round + 1, references, stillWanted, small));
    });
  }

  /** One round's lookups: the adapter's requests, those of other lookups it waits for, then its settling. */
  private Future<List<JsonObject>> lookUp(Set<String> references) {
    return lane().run(() -> adapter.lookups(call, references), true).compose(lookup -> {
      List<Future<?>> waits = new ArrayList<>();
      lookup.awaiting().forEach(key -> {
        Future<?> pending = lookupsByKey.get(key);
        if (pending != null) {
          waits.add(pending);
        }
      });
      Map<SourceQuery, Future<Collected>> mine = new LinkedHashMap<>();
      for (SourceQuery query : lookup.queries()) {
        Future<Collected> asked = follow(query, false);
        mine.put(query, asked);
        query.keys().forEach(key -> lookupsByKey.put(key, asked));
        waits.add(asked);
      }
      return Future.join(waits).transform(done -> lane().run(() -> {
        Map<SourceQuery, List<JsonObject>> answered = new LinkedHashMap<>();
        mine.forEach((query, asked) -> {
          if (asked.succeeded() && asked.result().failure == null) {
            answered.put(query, asked.result().matches);
          }
        });
        List<JsonObject> found = adapter.settle(call, references, answered);
        call.index().addAll(found);
        return found;
      }, true));
    });
  }
}
