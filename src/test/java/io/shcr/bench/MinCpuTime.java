package io.shcr.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;

/**
 * A rough companion to JMH for a machine shared with other work, where JMH's error bars swallow its
 * scores: the least thread CPU time one call of each {@code PrivacyFilterBenchmark} method took over a
 * few seconds of calls. The minimum is what the code costs when nothing else gets in the way; compare
 * two builds by alternating runs. Run from the project root (it reads conf/); see docs/performance.md.
 */
public final class MinCpuTime {

  private MinCpuTime() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 8;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    PrivacyFilterBenchmark benchmark = new PrivacyFilterBenchmark();
    benchmark.setUp();
    for (String name : new String[] {"oneOrdinaryResource", "oneSensitiveResource", "wholeRecordBySection"}) {
      Method method = PrivacyFilterBenchmark.class.getMethod(name);
      long best = Long.MAX_VALUE;
      int calls = 0;
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < end) {
        long start = threads.getCurrentThreadCpuTime();
        method.invoke(benchmark);
        best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
        calls++;
      }
      System.out.printf("%s: least CPU time %.0f us per call (%d calls)%n", name, best / 1000.0, calls);
    }
  }
}
