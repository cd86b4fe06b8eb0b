package io.shcr.server;

import io.shcr.api.ApiRoutes;
import io.shcr.api.fhir.FhirApi;
import io.shcr.api.AuditApi;
import io.shcr.api.BreakGlassRoutes;
import io.shcr.api.Components;
import io.shcr.access.AccessModule;
import io.shcr.access.AccessPolicy;
import io.shcr.access.Participation;
import io.shcr.access.SharedState;
import io.shcr.audit.AuditConfig;
import io.shcr.audit.AuditModule;
import io.shcr.audit.UnattributedRefusals;
import io.shcr.config.ConfigException;
import io.shcr.config.ServiceConfig;
import io.shcr.health.Readiness;
import io.shcr.health.ReadinessCheck;
import io.shcr.health.ReadinessChecks;
import io.shcr.privacy.PrivacyFilter;
import io.shcr.privacy.RuleBasedPrivacyFilter;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import io.shcr.viewer.ViewerConfig;
import io.shcr.viewer.ViewerModule;

/**
 * Builds the service's components from the configuration directory, once, at start-up. Any bad
 * file stops start-up with a message naming the file, entry and field.
 */
public final class Wiring {

  private Wiring() {}

  /** The assembled service and the access module (the demo prints its personas' tokens). */
  public record Wired(Components components, AccessModule access) {}

  /**
   * How to wire beyond the configuration files.
   *
   * @param trustDemoKey trust the demo-only signing key and the inline hash secret (demo and trials only)
   * @param shared how access state is shared: a cluster node's ({@code ClusterRuntime.sharedState}), or
   *     null for a single node's own
   */
  public record Options(boolean trustDemoKey, SharedState shared, boolean demo) {

    public Options(boolean trustDemoKey, SharedState shared) {
      this(trustDemoKey, shared, false);
    }

    public Options(boolean trustDemoKey) {
      this(trustDemoKey, null);
    }

    /** These options for a cluster node. */
    public Options clustered(SharedState clusterState) {
      return new Options(trustDemoKey, clusterState, demo);
    }

    /** {@code shcr demo}: demo keys trusted, and the viewer's demo deep link ({@code ?persona=}) honoured. */
    public static final Options DEMO = new Options(true, null, true);

    /** A real deployment: demo keys are never trusted. */
    public static final Options PRODUCTION = new Options(false);
    /** {@code demo}, {@code serve --trust-demo-key} and tests on the demo configuration. */
    public static final Options TRIAL = new Options(true);
  }

  /** Wires a real deployment ({@link Options#PRODUCTION}). */
  public static Future<Components> fromConfig(Vertx vertx, ServiceConfig config) {
    return fromConfig(vertx, config, Options.PRODUCTION);
  }

  public static Future<Components> fromConfig(Vertx vertx, ServiceConfig config, Options options) {
    return wire(vertx, config, options).map(Wired::components);
  }

  /** Wires a real deployment ({@link Options#PRODUCTION}). */
  public static Future<Wired> wire(Vertx vertx, ServiceConfig config) {
    return wire(vertx, config, Options.PRODUCTION);
  }

  /** What the service cannot work without: a writable audit store, current signing keys, Spine answering. */
  private static Readiness readiness(Vertx vertx, AuditModule audit, AccessModule access) {
    AccessPolicy policy = access.policy();
    long spineDeadline = Math.max(policy.spine().consent().deadlineMs(), policy.spine().pds().deadlineMs());
    List<ReadinessCheck> checks = List.of(
        ReadinessChecks.audit(audit.log()),
        ReadinessChecks.signingKeys(vertx, access.signingKeys(), policy.auth().jwksDeadlineMs()),
        ReadinessChecks.spine(access.spine(), policy.spine().probeCacheMs()));
    long slowest = Math.max(audit.log().writeTimeoutMs(), Math.max(policy.auth().jwksDeadlineMs(), spineDeadline));
    return new Readiness(vertx, checks, slowest + 1_000);
  }

  /** The clinician viewer when {@code viewer.yaml} enables it (its public URL defaults to the service's own address). */
  private static ViewerModule viewer(Vertx vertx, ServiceConfig config, Options options, SourceRegistry sources, AuditModule audit,
      AccessModule access, SharedState shared) {
    String ownUrl = config.port() == 0 ? null : "http://" + config.host() + ":" + config.port();
    return ViewerConfig.load(config.configDir(), ownUrl, options.trustDemoKey(), System.getenv())
        .map(viewer -> new ViewerModule(vertx, viewer, access::verifyIdToken, audit.trail(), shared.seal(), sources,
            BreakGlassRoutes.of(access.breakGlass()).handler(), access.policy().breakGlass(), options.demo(),
            java.time.Clock.systemUTC()))
        .orElse(null);
  }

  public static Future<Wired> wire(Vertx vertx, ServiceConfig config, Options options) {
    SourceRegistry sources;
    PrivacyFilter privacy;
    io.shcr.api.AdmissionLimits admission;
    try {
      admission = io.shcr.api.AdmissionLimits.load(config.configDir());
      sources = SourceRegistry.load(config.configDir().resolve("sources.yaml"));
      privacy = RuleBasedPrivacyFilter.load(config.configDir());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    AuditConfig auditConfig;
    UnattributedRefusals.Settings unattributed;
    try {
      auditConfig = AuditConfig.load(config.configDir());
      unattributed = UnattributedRefusals.Settings.load(config.configDir());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (auditConfig.key().isDemo() && !options.trustDemoKey()) {
      return Future.failedFuture(new ConfigException("audit.yaml: the audit chain is sealed with the inline demo key. "
          + "Set the environment variable its key.env names (at least 32 characters), or pass --trust-demo-key for a trial."));
    }
    return AuditModule.create(vertx, auditConfig, unattributed).compose(audit -> {
      try {
        SharedState shared = options.shared() != null ? options.shared() : SharedState.processLocal();
        AccessModule access = AccessModule.create(vertx, config.configDir(), sources, audit.trail(), options.trustDemoKey(), shared,
            admission.maxViews());
        ViewerModule viewer = viewer(vertx, config, options, sources, audit, access, shared);
        List<ApiRoutes> routes = new java.util.ArrayList<>();
        if (viewer != null) {
          routes.add(viewer.routes());
        }
        routes.add(BreakGlassRoutes.of(access.breakGlass()));
        routes.add(AuditApi.of(audit, access.authenticator(), new Participation(sources, access.policy().participants())::isLive));
        Components components = new Components(sources, privacy, access.gate(), access.authenticator(), audit.trail(),
            List.copyOf(routes),
            () -> {
              if (viewer != null) {
                viewer.close();
              }
              access.close();
              return audit.close();
            },
            readiness(vertx, audit, access))
            .withFaces(List.of(FhirApi.face(vertx, sources)))
            // Every node holds the same keyed-hash secret, so every node accepts every node's resume tokens.
            .withResumeKey(io.shcr.resume.ResumeKey.derivedFrom(access.policy().hashSecret()));
        return Future.succeededFuture(new Wired(components, access));
      } catch (RuntimeException e) {
        return audit.close().transform(closed -> Future.failedFuture(e));
      }
    });
  }
}
