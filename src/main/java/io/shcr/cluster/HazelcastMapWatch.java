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
import io.shcr.access.SharedMapWatch;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedMapWatch} on Hazelcast entry events, from cluster-wide listeners (every member's changes,
 * values included). {@code watchAll} first replays the entries already present; {@code watchOnce}
 * passes events on only while this node is the oldest member, so each change is reported once, and
 * by a member that was there before any later joiner (not by whichever member owns the entry, which
 * could be an intruder that joined and took partitions). An
 * explicit eviction counts as a removal (no shared map has an eviction policy, so only a caller evicts);
 * expiry of a time to live is reported as such. A watched map that is destroyed loses its listeners:
 * they are registered again on the new map, and the oldest member reports the loss to the once-only
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

  private record Watch(String map, Observer observer, boolean once) {}

  HazelcastMapWatch(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
  }

  @Override
  public void watchAll(String map, Observer observer) {
    add(new Watch(map, observer, false), true);
  }

  @Override
  public void watchOnce(String map, Observer observer) {
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
    Observer observer = watch.once() ? new OnOldest(watch.observer()) : watch.observer();
    map.addEntryListener(new Events(observer), true);
  }

  private void destroyed(String name) {
    List<Watch> lost = watches.stream().filter(w -> w.map().equals(name)).toList();
    if (lost.isEmpty() || !hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    boolean oldest = oldest();
    vertx.executeBlocking(() -> {
      for (Watch watch : lost) {
        register(watch);
        if (watch.once() && oldest) {
          watch.observer().cleared(-1);
        }
      }
      return null;
    }).onFailure(e -> LOG.error("Could not watch shared map {} again after it was destroyed: {}", name, e.toString()));
  }

  private boolean oldest() {
    return hazelcast.getLifecycleService().isRunning() && hazelcast.getCluster().getMembers().iterator().next().localMember();
  }

  /** Passes changes on only while this node is the oldest member. */
  private final class OnOldest implements Observer {
    private final Observer observer;

    OnOldest(Observer observer) {
      this.observer = observer;
    }

    @Override
    public void written(String key, Object value) {
      if (oldest()) {
        observer.written(key, value);
      }
    }

    @Override
    public void removed(String key, Object oldValue, boolean expired) {
      if (oldest()) {
        observer.removed(key, oldValue, expired);
      }
    }

    @Override
    public void cleared(int entries) {
      if (oldest()) {
        observer.cleared(entries);
      }
    }
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
