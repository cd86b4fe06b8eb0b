package io.shcr.cluster;

import com.hazelcast.core.DistributedObjectEvent;
import com.hazelcast.core.DistributedObjectListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import com.hazelcast.map.listener.MapEvictedListener;
import com.hazelcast.query.Predicates;
import io.shcr.access.SharedMapWatch;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedMapWatch} on Hazelcast entry events: {@code watchAll} is a cluster-wide listener (every
 * member's changes, values included) replaying the entries already present; {@code watchOwned} is a
 * local listener (changes to the partitions this member owns, so each change is reported once). An
 * explicit eviction counts as a removal (no shared map has an eviction policy, so only a caller evicts);
 * expiry of a time to live is reported as such. A watched map that is destroyed loses its listeners:
 * they are registered again on the new map, and the oldest member reports the loss to the owned
 * observers as a clear. Registration is blocking, so it runs on a worker thread.
 */
final class HazelcastMapWatch implements SharedMapWatch {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastMapWatch.class);
  /** Stands for a value that could not be deserialised: never sealed, so always reported as forged. */
  static final Object UNREADABLE = new Object();

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private boolean destructionWatched;

  private record Watch(String map, Observer observer, boolean owned) {}

  HazelcastMapWatch(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
  }

  @Override
  public void watchAll(String map, Observer observer) {
    add(new Watch(map, observer, false), true);
  }

  @Override
  public void watchOwned(String map, Observer observer) {
    add(new Watch(map, observer, true), false);
  }

  private void add(Watch watch, boolean replay) {
    watches.add(watch);
    vertx.executeBlocking(() -> {
      watchDestruction();
      register(watch);
      if (replay) {
        IMap<Object, Object> map = hazelcast.getMap(watch.map());
        for (Map.Entry<Object, Object> entry : map.entrySet()) {
          watch.observer().written(String.valueOf(entry.getKey()), entry.getValue());
        }
      }
      return null;
    }).onFailure(e -> LOG.error("Could not watch shared map {}: {}", watch.map(), e.toString()));
  }

  private synchronized void watchDestruction() {
    if (destructionWatched) {
      return;
    }
    hazelcast.addDistributedObjectListener(new DistributedObjectListener() {
      @Override
      public void distributedObjectCreated(DistributedObjectEvent event) {}

      @Override
      public void distributedObjectDestroyed(DistributedObjectEvent event) {
        destroyed(String.valueOf(event.getObjectName()));
      }
    });
    destructionWatched = true;
  }

  private void register(Watch watch) {
    IMap<Object, Object> map = hazelcast.getMap(watch.map());
    Events events = new Events(watch.observer());
    if (watch.owned()) {
      map.addLocalEntryListener(events, Predicates.alwaysTrue(), true);
    } else {
      map.addEntryListener(events, true);
    }
  }

  private void destroyed(String name) {
    List<Watch> lost = watches.stream().filter(w -> w.map().equals(name)).toList();
    if (lost.isEmpty() || !hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    boolean oldest = hazelcast.getCluster().getMembers().iterator().next().localMember();
    vertx.executeBlocking(() -> {
      for (Watch watch : lost) {
        register(watch);
        if (watch.owned() && oldest) {
          watch.observer().cleared(-1);
        }
      }
      return null;
    }).onFailure(e -> LOG.error("Could not watch shared map {} again after it was destroyed: {}", name, e.toString()));
  }

  /** One Hazelcast listener feeding one observer. */
  private static final class Events implements EntryAddedListener<Object, Object>, EntryUpdatedListener<Object, Object>,
      EntryRemovedListener<Object, Object>, EntryEvictedListener<Object, Object>, EntryExpiredListener<Object, Object>,
      MapClearedListener, MapEvictedListener {

    private final Observer observer;

    Events(Observer observer) {
      this.observer = observer;
    }

    @Override
    public void entryAdded(EntryEvent<Object, Object> event) {
      observer.written(key(event), value(event, false));
    }

    @Override
    public void entryUpdated(EntryEvent<Object, Object> event) {
      observer.written(key(event), value(event, false));
    }

    @Override
    public void entryRemoved(EntryEvent<Object, Object> event) {
      observer.removed(key(event), value(event, true), false);
    }

    @Override
    public void entryEvicted(EntryEvent<Object, Object> event) {
      observer.removed(key(event), value(event, true), false);
    }

    @Override
    public void entryExpired(EntryEvent<Object, Object> event) {
      observer.removed(key(event), value(event, true), true);
    }

    private static String key(EntryEvent<Object, Object> event) {
      try {
        return String.valueOf(event.getKey());
      } catch (RuntimeException unreadable) {
        return "<unreadable key>";
      }
    }

    /** The value, or {@link #UNREADABLE} when it cannot be deserialised (a class refused by the filter). */
    private static Object value(EntryEvent<Object, Object> event, boolean old) {
      try {
        return old ? event.getOldValue() : event.getValue();
      } catch (RuntimeException unreadable) {
        return UNREADABLE;
      }
    }

    @Override
    public void mapCleared(MapEvent event) {
      observer.cleared(event.getNumberOfEntriesAffected());
    }

    @Override
    public void mapEvicted(MapEvent event) {
      observer.cleared(event.getNumberOfEntriesAffected());
    }
  }
}
