package io.shcr.cluster;

import io.vertx.core.Future;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Hazelcast cluster of clustered Vert.x nodes on loopback, for tests and measurements: free
 * ports found at runtime, a unique cluster name (parallel runs never join each other), fast failure
 * detection, members started one after another so no split cluster has to merge. {@link #kill} ends
 * a node the hard way (Hazelcast terminated, no graceful leave, no backup hand-over).
 */
public final class LoopbackCluster implements AutoCloseable {

  /** The shared-state secret every node of a test cluster uses. */
  public static final byte[] SECRET = "loopback-cluster-shared-state-secret-0123".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final ClusterConfig base;
  private final List<Integer> ports;
  private final List<ClusterRuntime> nodes = new ArrayList<>();

  private LoopbackCluster(ClusterConfig base, List<Integer> ports) {
    this.base = base;
    this.ports = ports;
  }

  /** Starts {@code size} members and waits until each sees all of them and every backup is in place. */
  public static LoopbackCluster start(int size, int spare) {
    List<Integer> ports = freePorts(size + spare);
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    ClusterConfig base = new ClusterConfig(true, "shcr-test-" + UUID.randomUUID(), "127.0.0.1", ports.get(0), 1,
        members, 1, 1, 4, "127.0.0.1", 0, ClusterConfig.Secret.DEFAULT);
    LoopbackCluster cluster = new LoopbackCluster(base, ports);
    for (int i = 0; i < size; i++) {
      cluster.add();
    }
    cluster.awaitSafe(size);
    return cluster;
  }

  /** Starts one more member on the next spare port. */
  public ClusterRuntime add() {
    ClusterRuntime node = await(ClusterRuntime.start(base.withPort(ports.get(nodes.size()))), 60);
    nodes.add(node);
    return node;
  }

  /** The config every member starts from (its first port is the first member's). */
  public ClusterConfig config() {
    return base;
  }

  public ClusterRuntime node(int index) {
    return nodes.get(index);
  }

  public List<ClusterRuntime> nodes() {
    return List.copyOf(nodes);
  }

  /** Terminates the node's Hazelcast member without a goodbye, then stops what is left of its Vert.x. */
  public void kill(int index) {
    ClusterRuntime node = nodes.get(index);
    node.hazelcast().getLifecycleService().terminate();
    try {
      node.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the member is already gone; what is left of it is not worth waiting for
    }
  }

  /** Waits until every running member sees {@code size} members and the partitions are backed up. */
  public void awaitSafe(int size) {
    List<ClusterRuntime> live = nodes.stream().filter(n -> n.hazelcast().getLifecycleService().isRunning()).toList();
    waitUntil(() -> live.stream().allMatch(n -> n.hazelcast().getCluster().getMembers().size() == size), 30);
    waitUntil(() -> live.get(0).hazelcast().getPartitionService().isClusterSafe(), 30);
  }

  @Override
  public void close() {
    List<Future<Void>> closing = nodes.stream()
        .filter(n -> n.hazelcast().getLifecycleService().isRunning())
        .map(ClusterRuntime::close).toList();
    try {
      Future.join(closing).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort at the end of a test class
    }
  }

  public static <T> T await(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  public static void waitUntil(BooleanSupplier condition, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + seconds + " s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static List<Integer> freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        socket.setReuseAddress(true);
        sockets.add(socket);
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      sockets.forEach(s -> {
        try {
          s.close();
        } catch (IOException ignored) {
          // already closed
        }
      });
    }
  }
}
