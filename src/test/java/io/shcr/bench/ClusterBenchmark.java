package io.shcr.bench;

import io.shcr.access.AccessPolicy;
import io.shcr.access.BreakGlassGrants;
import io.shcr.access.IntegrityAlarm;
import io.shcr.access.SharedValueSeal;
import io.shcr.support.TestComponents;
import io.shcr.access.KeyedHash;
import io.shcr.access.PatientThrottle;
import io.shcr.core.Principal;
import io.shcr.cluster.ClusterRuntime;
import io.shcr.cluster.LoopbackCluster;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The figures behind docs/operations.md's sizing: how long a loopback cluster takes to form, the heap
 * each member adds, the latency of shared-data operations seen from one node (keys spread over all
 * members, so most calls cross to another member), of a throttle admission and a break-glass lookup,
 * and how fast a killed member is noticed. Sequential calls: latency, not throughput.
 *
 * <p>Arguments: {@code [nodes] [operations]} (default 3 and 2000).
 */
public final class ClusterBenchmark {

  private static final int WARM_UP = 200;

  private ClusterBenchmark() {}

  public static void main(String[] args) {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    long heapBefore = usedHeap();
    long start = System.nanoTime();
    LoopbackCluster cluster = LoopbackCluster.start(nodes, 0);
    double formed = (System.nanoTime() - start) / 1e9;
    long heapPerNode = (usedHeap() - heapBefore) / nodes;
    System.out.printf(Locale.ROOT, "cluster of %d formed and safe in %.1f s; heap per member ~%d MB; JVM threads %d%n",
        nodes, formed, heapPerNode >> 20, ManagementFactory.getThreadMXBean().getThreadCount());
    try {
      ClusterRuntime node = cluster.node(0);
      AsyncMap<String, JsonObject> map = LoopbackCluster.await(node.vertx().sharedData().getAsyncMap("bench.map"), 10);
      JsonObject value = new JsonObject().put("reason", "emergency-treatment").put("expiresAt", System.currentTimeMillis());
      measure("AsyncMap.put with TTL", ops, i -> map.put("k" + i, value, 600_000));
      measure("AsyncMap.get", ops, i -> map.get("k" + i));
      SharedValueSeal sealer = new SharedValueSeal(LoopbackCluster.SECRET);
      String payload = value.encode();
      AsyncMap<String, Object> sealedMap = LoopbackCluster.await(node.vertx().sharedData().getAsyncMap("bench.sealed"), 10);
      measure("AsyncMap.put, sealed value", ops, i -> sealedMap.put("k" + i, sealer.seal("bench.sealed", "k" + i, payload), 600_000));
      measure("AsyncMap.get, plain value (as above)", ops, i -> map.get("k" + i));
      measure("AsyncMap.get + SharedValueSeal.open", ops, i -> sealedMap.get("k" + i)
          .map(v -> sealer.open("bench.sealed", "k" + i, v).orElseThrow()));
      sealCpu(sealer, payload);
      Counter counter = LoopbackCluster.await(node.vertx().sharedData().getCounter("bench.counter"), 10);
      measure("Counter.incrementAndGet", ops, i -> counter.incrementAndGet());
      KeyedHash hash = new KeyedHash("bench-secret".getBytes(StandardCharsets.UTF_8));
      SharedValueSeal seal = new SharedValueSeal(LoopbackCluster.SECRET);
      IntegrityAlarm alarm = new IntegrityAlarm(new TestComponents.MemoryAudit(), Clock.systemUTC());
      PatientThrottle throttle = new PatientThrottle(node.vertx(), hash, seal, alarm, Clock.systemUTC(),
          new AccessPolicy.Throttle(3_600_000, 1_000_000, 1_000_000));
      List<NhsNumber> patients = patients(ops + WARM_UP);
      Principal user = new Principal("555000000001", "Bench", "555000000001-01", "R8000", "RXN", Set.of("B0370"), null);
      measure("PatientThrottle.admit (new patient)", ops, i -> throttle.admit(user, patients.get(i)));
      measure("PatientThrottle.admit (seen patient)", ops, i -> throttle.admit(user, patients.get(i)));
      BreakGlassGrants grants = new BreakGlassGrants(node.vertx(), hash, seal, alarm, Clock.systemUTC());
      measure("BreakGlassGrants.find", ops, i -> grants.find(user, patients.get(i)));
      if (nodes > 1) {
        long killed = System.nanoTime();
        cluster.kill(nodes - 1);
        LoopbackCluster.waitUntil(() -> node.members() == nodes - 1, 60);
        System.out.printf(Locale.ROOT, "killed member noticed (shares re-balanced) after %.2f s%n", (System.nanoTime() - killed) / 1e9);
      }
    } finally {
      cluster.close();
    }
    System.exit(0);
  }

  /** The seal's own CPU cost, without the network: nanoseconds per seal and per open of a grant-sized value. */
  private static void sealCpu(SharedValueSeal sealer, String payload) {
    int rounds = 200_000;
    String sealed = sealer.seal("bench.sealed", "k", payload);
    long sink = 0;
    for (int warm = 0; warm < 2; warm++) {
      long t = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        sink += sealer.seal("bench.sealed", "k", payload).length();
      }
      long sealNs = (System.nanoTime() - t) / rounds;
      t = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        sink += sealer.open("bench.sealed", "k", sealed).orElseThrow().length();
      }
      long openNs = (System.nanoTime() - t) / rounds;
      if (warm == 1) {
        System.out.printf(Locale.ROOT, "SharedValueSeal (CPU only, %d-char payload): seal %d ns, open %d ns (%d)%n",
            payload.length(), sealNs, openNs, sink % 10);
      }
    }
  }

  private static void measure(String name, int ops, IntFunction<Future<?>> call) {
    for (int i = 0; i < WARM_UP; i++) {
      LoopbackCluster.await(call.apply(ops + i), 10);
    }
    long[] micros = new long[ops];
    for (int i = 0; i < ops; i++) {
      long t = System.nanoTime();
      LoopbackCluster.await(call.apply(i), 10);
      micros[i] = (System.nanoTime() - t) / 1_000;
    }
    Arrays.sort(micros);
    System.out.printf(Locale.ROOT, "%-40s p50 %5d us  p90 %5d us  p99 %6d us  (%d calls)%n", name,
        micros[ops / 2], micros[ops * 9 / 10], micros[ops * 99 / 100], ops);
  }

  private static List<NhsNumber> patients(int count) {
    List<NhsNumber> out = new ArrayList<>();
    for (int i = 0; out.size() < count; i++) {
      String nine = String.format(Locale.ROOT, "9%08d", 10_000_000 + i);
      Integer check = NhsNumber.checkDigit(nine);
      if (check != null) {
        out.add(NhsNumber.of(nine + check));
      }
    }
    return out;
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
