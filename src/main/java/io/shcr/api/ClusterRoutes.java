package io.shcr.api;

import io.shcr.cluster.ClusterRuntime;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /cluster/members}: the cluster's name, its member count as this node sees it, this node's
 * id, and whether every partition has its backups in place ({@code safe}). An operator stopping nodes
 * one at a time waits for {@code safe: true} before stopping the next. No addresses, no data.
 */
public final class ClusterRoutes implements ApiRoutes {

  private final ClusterRuntime runtime;

  public ClusterRoutes(ClusterRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void mount(Router router) {
    router.get("/cluster/members").handler(this::members);
  }

  private void members(RoutingContext ctx) {
    runtime.vertx().executeBlocking(() -> runtime.hazelcast().getPartitionService().isClusterSafe())
        .recover(failure -> Future.succeededFuture(false))
        .onSuccess(safe -> ctx.json(new JsonObject()
            .put("cluster", runtime.config().name())
            .put("members", runtime.members())
            .put("node", runtime.nodeId())
            .put("safe", safe)));
  }
}
