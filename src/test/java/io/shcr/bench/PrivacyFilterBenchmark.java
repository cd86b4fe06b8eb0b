package io.shcr.bench;

import io.shcr.fhir.Bundles;
import io.shcr.fhir.ResourceIndex;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.privacy.PrivacyFilter.FilterResult;
import io.shcr.privacy.RuleBasedPrivacyFilter;
import io.shcr.privacy.SampleRecord;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of the privacy filter with the shipped rules: one ordinary resource, one sensitive resource,
 * and a whole GP Connect-shaped record (40 consultations, sensitive history mixed in: 356 resources)
 * filtered section by section as the aggregator does, links resolved against the whole record.
 * Run from the project root (it reads conf/); command and figures in docs/performance.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PrivacyFilterBenchmark {

  private PrivacyFilter filter;
  private List<JsonObject> record;
  private List<JsonObject> ordinary;
  private List<JsonObject> sensitive;
  private List<List<JsonObject>> sections;

  @Setup
  public void setUp() {
    filter = RuleBasedPrivacyFilter.load(Path.of("conf"));
    record = Bundles.resources(SampleRecord.bundle(40, true));
    ordinary = record.stream().filter(r -> "o-mr-0".equals(r.getString("id"))).toList();
    sensitive = record.stream().filter(r -> "s-mr-3".equals(r.getString("id"))).toList();
    Map<String, List<JsonObject>> byType = record.stream().collect(Collectors.groupingBy(r -> r.getString("resourceType")));
    sections = List.copyOf(byType.values());
  }

  @Benchmark
  public FilterResult oneOrdinaryResource() {
    return filter.filter(ordinary, ResourceIndex.of(record));
  }

  @Benchmark
  public FilterResult oneSensitiveResource() {
    return filter.filter(sensitive, ResourceIndex.of(record));
  }

  @Benchmark
  public int wholeRecordBySection() {
    // One request's index, as the aggregator keeps per source: per-request caches start empty.
    ResourceIndex context = ResourceIndex.of(record);
    int released = 0;
    for (List<JsonObject> section : sections) {
      filter.referencesToResolve(section, context);
      released += filter.filter(section, context).released().size();
    }
    return released;
  }
}
