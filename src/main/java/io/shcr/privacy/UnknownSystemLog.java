package io.shcr.privacy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names, once per process, each service coding system the filter did not recognise, so an operator can
 * review it and add it to {@code serviceCodings.knownSystems} (or leave it withheld). Only the system URI is
 * logged, never the code, the resource or the patient; a URI comes from a source, so it is cut to its
 * scheme, host and path, stripped of anything but URI punctuation, and every run of ten or more digits (an
 * NHS number would be one) is masked. At most {@link #MAX_NAMED} systems are named, so a source that
 * invents a new URI for every resource cannot flood the log.
 */
final class UnknownSystemLog {

  static final int MAX_NAMED = 200;
  private static final int MAX_LENGTH = 120;
  private static final Logger LOG = LoggerFactory.getLogger(UnknownSystemLog.class);

  private final Set<String> named = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean capped = new AtomicBoolean();

  /** Logs the system the first time it is seen. */
  void seen(String system) {
    String safe = safe(system);
    if (named.contains(safe)) {
      return;
    }
    if (named.size() >= MAX_NAMED) {
      if (capped.compareAndSet(false, true)) {
        LOG.warn("Privacy filter: more than {} unrecognised service coding systems; further ones are withheld without being named",
            MAX_NAMED);
      }
      return;
    }
    if (named.add(safe)) {
      LOG.warn("Privacy filter: service coding in an unrecognised code system {}: its resource is withheld"
          + " (add the system to serviceCodings.knownSystems in sensitive-data.yaml once its sensitive codes are listed)", safe);
    }
  }

  /** The URI as it may be logged. */
  static String safe(String system) {
    if (ServiceFields.NO_SYSTEM.equals(system) || ServiceFields.NOT_CODED.equals(system)) {
      return system;
    }
    String text = system == null ? "" : system.strip();
    int cut = indexOfAny(text, '?', '#');
    if (cut >= 0) {
      text = text.substring(0, cut);
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
    int digits = 0;
    for (int i = 0; i < text.length() && out.length() < MAX_LENGTH; i++) {
      char c = text.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ":/._-".indexOf(c) >= 0;
      out.append(allowed ? c : '?');
      digits = c >= '0' && c <= '9' ? digits + 1 : 0;
      if (digits == 10) {
        out.replace(out.length() - 10, out.length(), "#");
      } else if (digits > 10) {
        out.setLength(out.length() - 1);
      }
    }
    return out.isEmpty() ? ServiceFields.NO_SYSTEM : out.toString();
  }

  private static int indexOfAny(String text, char a, char b) {
    int first = text.indexOf(a);
    int second = text.indexOf(b);
    return first < 0 ? second : second < 0 ? first : Math.min(first, second);
  }

  /** For tests: how many systems have been named. */
  int namedCount() {
    return named.size();
  }
}
