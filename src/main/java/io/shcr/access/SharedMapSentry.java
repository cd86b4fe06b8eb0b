package io.shcr.access;

import java.util.function.Predicate;

/**
 * Watches one shared map for changes the service itself never makes, and raises an alert for each: a
 * value written that is not sealed for its key, an entry removed that shcr only ever lets expire, the
 * map cleared. Registered with {@link SharedMapWatch#watchOnce}, so one node reports each change.
 */
final class SharedMapSentry implements SharedMapWatch.Observer {

  private final String map;
  private final String subject;
  private final SharedValueSeal seal;
  private final IntegrityAlarm alarm;
  private final Predicate<String> removedByService;

  /**
   * @param removedByService keys the service itself may remove (their removal is not alerted)
   */
  SharedMapSentry(String map, String subject, SharedValueSeal seal, IntegrityAlarm alarm, Predicate<String> removedByService) {
    this.map = map;
    this.subject = subject;
    this.seal = seal;
    this.alarm = alarm;
    this.removedByService = removedByService;
  }

  @Override
  public void written(String key, Object value) {
    if (seal.open(map, key, value).isEmpty()) {
      alarm.raise(subject, IntegrityAlarm.Finding.FORGED, key, null, null);
    }
  }

  @Override
  public void removed(String key, Object oldValue, boolean expired) {
    if (!expired && !removedByService.test(key)) {
      alarm.raise(subject, IntegrityAlarm.Finding.REMOVED, key, null, null);
    }
  }

  @Override
  public void cleared(int entries) {
    alarm.raise(subject, IntegrityAlarm.Finding.CLEARED, entries < 0 ? map + " (destroyed)" : map, null, null);
  }
}
