package io.shcr.core;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * A shared (coalesced) Future handed to each caller on the caller's own context: the call it waits for
 * may have been started, and so complete, on another event loop, and a caller's continuation must never
 * run on a loop that is not its own.
 */
public final class CallersContext {

  private CallersContext() {}

  public static <T> Future<T> deliver(Future<T> shared) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return shared;
    }
    Promise<T> own = Promise.promise();
    shared.onComplete(done -> {
      if (Vertx.currentContext() == caller) {
        own.handle(done);
      } else {
        caller.runOnContext(v -> own.handle(done));
      }
    });
    return own.future();
  }
}
