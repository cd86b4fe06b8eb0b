package io.shcr.audit;

import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Run as a separate JVM by {@link CrashRecoveryTest}: appends access records from many concurrent
 * writers for ever and prints {@code ack <sequence>} once each {@code recordAccess} future completes,
 * until the test kills it with SIGKILL.
 */
public final class AuditCrashChild {

  private AuditCrashChild() {}

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    AuditLog log = TestAudits.await(AuditLog.open(vertx, new FileAuditStore(vertx, Path.of(args[0]), 32 * 1024, TestAudits.KEY), 1000));
    for (int writer = 0; writer < 16; writer++) {
      int id = writer;
      vertx.runOnContext(v -> loop(log, id, 0));
    }
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void loop(AuditLog log, int writer, int n) {
    log.recordAccess(TestAudits.view("w" + writer + "-" + n, TestAudits.PATIENT_A, "user" + writer, "A81001"))
        .onSuccess(receipt -> {
          System.out.println("ack " + receipt.sequence());
          loop(log, writer, n + 1);
        });
  }
}
