package io.shcr.audit;

import io.shcr.core.Principal;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Access records and helpers for the audit tests. */
public final class TestAudits {

  public static final String PATIENT_A = "9434765919";
  public static final String PATIENT_B = "9434765870";
  public static final String KEY_TEXT = "test-audit-key-for-the-audit-tests-only-0001";
  public static final AuditKey KEY = AuditKey.of(KEY_TEXT);

  private TestAudits() {}

  public static Principal principal(String userId, String organisation, String jobRole) {
    return new Principal(userId, "Dr " + userId, "RP-" + userId, jobRole, organisation, Set.of("B0370", "B0360"), null);
  }

  public static AccessAudit view(String requestId, String nhsNumber, String userId, String organisation) {
    return new AccessAudit(requestId, Instant.now(), principal(userId, organisation, "R8000"), "record.view", nhsNumber,
        "direct-care", null, List.of("summary", "medications"), List.of("gp-a", "trust-b"), "allowed", null,
        "127.0.0.1", "test-agent");
  }

  public static AccessAudit breakGlass(String requestId, String nhsNumber, String userId) {
    return new AccessAudit(requestId, Instant.now(), principal(userId, "RR8", "R8000"), AuditRecords.BREAK_GLASS, nhsNumber,
        "emergency", "UNCONSCIOUS", List.of("summary"), List.of("gp-a"), "allowed", null, "10.0.0.7", "test-agent");
  }

  public static AccessAudit throttled(String requestId, String nhsNumber, String userId) {
    return new AccessAudit(requestId, Instant.now(), principal(userId, "RR8", "R8000"), "record.view", nhsNumber,
        "direct-care", null, List.of(), List.of(), "refused", AuditRecords.THROTTLED, "10.0.0.8", "test-agent");
  }

  /** An audit.yaml for the CLI keyed with {@link #KEY} (the inline key, explicitly allowed). */
  public static java.nio.file.Path confDir(java.nio.file.Path dir) {
    try {
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve(AuditConfig.FILE),
          "key:\n  env: SHCR_TEST_AUDIT_KEY_UNSET\n  inline: \"" + KEY_TEXT + "\"\n  allowInlineKey: true\n");
      return dir;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
