package io.shcr.api;

import io.shcr.access.AccessModule;
import io.shcr.access.Participation;
import io.shcr.audit.AuditModule;
import io.shcr.config.ServiceConfig;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.privacy.RuleBasedPrivacyFilter;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Builds the service's components from the configuration directory, once, at start-up. Any bad
 * file stops start-up with a message naming the file, entry and field.
 */
public final class Wiring {

  private Wiring() {}

  /** The assembled service and the access module (the demo prints its personas' tokens). */
  public record Wired(Components components, AccessModule access) {}

  public static Future<Components> fromConfig(Vertx vertx, ServiceConfig config) {
    return wire(vertx, config).map(Wired::components);
  }

  public static Future<Wired> wire(Vertx vertx, ServiceConfig config) {
    SourceRegistry sources;
    PrivacyFilter privacy;
    try {
      sources = SourceRegistry.load(config.configDir().resolve("sources.yaml"));
      privacy = RuleBasedPrivacyFilter.load(config.configDir());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return AuditModule.create(vertx, config.configDir()).compose(audit -> {
      try {
        AccessModule access = AccessModule.create(vertx, config.configDir(), sources, audit.trail());
        Components components = new Components(sources, privacy, access.gate(), access.authenticator(), audit.trail(),
            List.of(access.routes(), audit.routes(access.authenticator(),
                new Participation(sources, access.policy().participants())::isLive)),
            () -> {
              access.close();
              return audit.close();
            });
        return Future.succeededFuture(new Wired(components, access));
      } catch (RuntimeException e) {
        return audit.close().transform(closed -> Future.failedFuture(e));
      }
    });
  }
}
