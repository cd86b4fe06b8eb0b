package io.shcr.access;

/**
 * Changes to a shared map as its members see them, for what a node must notice even when it never
 * reads the entry: a sealed value it has not written, an entry removed that shcr never removes, a map
 * cleared. A single node has nothing to watch ({@link #NONE}: its maps live in its own memory); a
 * cluster node watches Hazelcast's entry events. Observers are called on the watcher's own threads
 * and must not block.
 */
public interface SharedMapWatch {

  /** Every change to the map anywhere in the cluster, present entries first (to seed node-local state). */
  void watchAll(String map, Observer observer);

  /**
   * Every change to the map, reported on one node of the cluster only (in Hazelcast, the oldest member,
   * whichever member holds the entry): for alarms, which must be raised once, not once per node.
   */
  void watchOnce(String map, Observer observer);

  /** What happened to a shared map. Values are as stored: not yet checked, possibly not even strings. */
  interface Observer {
    /** An entry was added or its value replaced. */
    default void written(String key, Object value) {}

    /** An entry was removed ({@code expired} false) or its time to live ran out ({@code expired} true). */
    default void removed(String key, Object oldValue, boolean expired) {}

    /**
     * Entries were dropped wholesale ({@code clear}, {@code evictAll}); {@code entries} says how many, -1
     * when the whole map was destroyed.
     */
    default void cleared(int entries) {}
  }

  /** No watching: a single node, whose maps no one else can reach. */
  SharedMapWatch NONE = new SharedMapWatch() {
    @Override
    public void watchAll(String map, Observer observer) {}

    @Override
    public void watchOnce(String map, Observer observer) {}
  };
}
