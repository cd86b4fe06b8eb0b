package io.shcr.record;

import io.shcr.core.Deadline;
import io.shcr.core.RecordRequest;
import io.shcr.core.Section;
import static io.shcr.support.LyingSources.HYPERTENSION;
import static io.shcr.support.LyingSources.condition;
import static io.shcr.support.LyingSources.honest;
import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.access.AccessDecision;
import io.shcr.access.Purpose;
import io.shcr.access.ResourceTransform;
import io.shcr.core.ApiError;
import io.shcr.nhs.NhsNumber;
import io.shcr.sources.SourceDirectory;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.LyingSources;
import io.shcr.support.TestComponents;
import io.shcr.support.TrustBed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A response that cannot be written ends with an error, and the audit says so and counts nothing delivered. */
@ExtendWith(VertxExtension.class)
class ViewFailureTest {

  /** A sink whose section writes fail, as a broken encoder or connection would. */
  private static final class BrokenSink implements RecordSink {
    final List<ApiError> failures = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void meta(JsonObject meta) {
      events.add("meta");
    }

    @Override
    public void section(SectionEvent section) {
      throw new IllegalStateException("cannot write");
    }

    @Override
    public void source(JsonObject source) {
      events.add("source");
    }

    @Override
    public void complete(JsonObject complete) {
      events.add("complete");
    }

    @Override
    public void refuse(ApiError error) {
      events.add("refuse");
    }

    @Override
    public void fail(ApiError error) {
      failures.add(error);
    }

    @Override
    public int delivered() {
      return 0;
    }
  }

  @Test
  void aSinkThatCannotWriteEndsTheViewAsAnErrorAndSaysSo(Vertx vertx) {
    TrustBed bed = new TrustBed(vertx);
    bed.sources.with("SRC", honest("SRC", condition("c1", "Patient/SRC-patient", HYPERTENSION)));
    bed.startSources();
    SourceDirectory directory = new SourceDirectory(vertx, new SourceRegistry(List.of(bed.fhir("SRC", 3_000, 5))));
    try {
      BrokenSink sink = new BrokenSink();
      AccessDecision decision = new AccessDecision(TestComponents.DOCTOR, null, EnumSet.of(Section.PROBLEMS),
          Purpose.DIRECT_CARE, null, null, ResourceTransform.IDENTITY);
      RecordRequest request = new RecordRequest("r1", NhsNumber.of(LyingSources.NHS), Set.of(Section.PROBLEMS), Set.of(),
          "127.0.0.1", "test");
      // A view lives on one event loop: start it there.
      io.vertx.core.Promise<ViewSummary> ended = io.vertx.core.Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> new RecordView(vertx, directory, TrustBed.shippedFilter(), request,
          decision).start(Deadline.in(5_000), sink).onComplete(ended));
      ViewSummary summary = TrustBed.await(ended.future());
      assertThat(summary.outcome()).isEqualTo("error");
      assertThat(summary.delivered()).isZero();
      assertThat(sink.failures).singleElement().satisfies(error -> {
        assertThat(error.status()).isEqualTo(500);
        assertThat(error.code()).isEqualTo("INTERNAL_SERVER_ERROR");
      });
      assertThat(sink.events).containsExactly("meta");
    } finally {
      TrustBed.await(directory.close());
      bed.close();
    }
  }
}
