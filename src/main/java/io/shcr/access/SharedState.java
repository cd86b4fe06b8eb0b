package io.shcr.access;

/**
 * How this node's access state is shared: the seal every shared value carries and the watch on the
 * shared maps. {@link #processLocal()} for a single node; a cluster node gets the cluster's shared
 * secret and Hazelcast's events from {@code io.shcr.cluster.ClusterRuntime#sharedState}.
 *
 * @param seal seals and checks every value in a shared map
 * @param watch changes to the shared maps made anywhere in the cluster
 * @param clustered whether other processes share the maps (then the seal's secret must be the cluster's)
 */
public record SharedState(SharedValueSeal seal, SharedMapWatch watch, boolean clustered) {

  /** A single node: a secret of its own, nothing to watch. */
  public static SharedState processLocal() {
    return new SharedState(SharedValueSeal.processLocal(), SharedMapWatch.NONE, false);
  }
}
