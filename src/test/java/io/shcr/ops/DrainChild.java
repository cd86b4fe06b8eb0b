package io.shcr.ops;

import io.shcr.api.Components;
import io.shcr.api.ShcrServer;
import io.shcr.audit.AuditKey;
import io.shcr.audit.AuditLog;
import io.shcr.audit.FileAuditStore;
import io.shcr.cli.GracefulShutdown;
import io.shcr.config.ServiceConfig;
import io.shcr.sources.SourceRegistry;
import io.shcr.support.FakeSources;
import io.shcr.support.TestComponents;
import io.shcr.support.TestSources;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;

/**
 * Run as a separate JVM by {@link SigtermDrainTest}: the real server with a real embedded audit trail
 * in {@code args[0]}, one fake source that answers and one that never does (its deadline far away), the
 * production shutdown hook with a drain limit of {@code args[1]} ms. Prints {@code port N}, then
 * {@code open N} whenever the number of open views changes.
 */
public final class DrainChild {

  static final AuditKey KEY = AuditKey.of("drain-child-audit-key-0123456789abcdef");

  private DrainChild() {}

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    FakeSources fakes = TraceAndMetricsTest.await(new FakeSources(vertx).with("DRH", FakeSources.Behaviour.HANG).start());
    SourceRegistry registry = new SourceRegistry(List.of(TestSources.fhir(fakes, "DRA", true, 30_000),
        TestSources.fhir(fakes, "DRH", true, 30_000)));
    AuditLog audit = TraceAndMetricsTest.await(AuditLog.open(vertx, new FileAuditStore(vertx, Path.of(args[0]), 1 << 20, KEY), 100, 2_000));
    Components plain = TestComponents.components(registry, TestComponents.allowAll(), new TestComponents.MemoryAudit());
    Components components = new Components(plain.sources(), plain.privacy(), plain.access(), plain.authenticator(), audit,
        plain.extraRoutes(), audit::close);
    ShcrServer server = TraceAndMetricsTest.await(ShcrServer.start(vertx,
        new ServiceConfig(Path.of("conf"), "127.0.0.1", 0, 60_000, 60_000), components));
    GracefulShutdown.install(server, Long.parseLong(args[1]), vertx::close);
    System.out.println("port " + server.port());
    int last = -1;
    while (true) {
      int open = server.lifecycle().openViews();
      if (open != last) {
        System.out.println("open " + open);
        last = open;
      }
      Thread.sleep(20);
    }
  }
}
