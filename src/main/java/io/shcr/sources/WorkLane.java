package io.shcr.sources;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * One source's CPU-heavy steps within one request (reading an answer, checking and filtering a
 * section, encoding what is released), run one at a time and in order, off the event loop on a
 * shared worker pool, so a large answer never stalls the loop that serves other requests. Results
 * come back on the event loop that submitted them. A small step is run at once on the loop when
 * nothing of this source is in progress: handing it to a worker would cost more than it saves.
 *
 * <p>The tasks of one lane never overlap, so what they share (the source's {@code ResourceIndex}
 * and the privacy filter's per-request memo) is never touched by two threads at once. Submit from
 * the owning event loop only.
 */
public final class WorkLane {

  private final WorkerExecutor workers;
  private Future<?> tail = Future.succeededFuture();

  private WorkLane(WorkerExecutor workers) {
    this.workers = workers;
  }

  /** A lane on a worker pool. */
  public static WorkLane on(WorkerExecutor workers) {
    return new WorkLane(workers);
  }

  /** A lane that runs everything at once on the caller's thread (unit tests, tools). */
  public static WorkLane inline() {
    return new WorkLane(null);
  }

  /**
   * Runs the task after every task submitted before it.
   *
   * @param small true when the task is cheap enough for the event loop (well under a millisecond)
   */
  public <T> Future<T> run(Callable<T> task, boolean small) {
    if (workers == null || (small && tail.isComplete())) {
      try {
        return Future.succeededFuture(task.call());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }
    Future<T> result = tail.transform(previous -> workers.executeBlocking(task, false));
    tail = result;
    return result;
  }
}
