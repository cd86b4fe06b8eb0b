package io.shcr.cluster;

import com.hazelcast.collection.ICollection;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.multimap.MultiMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proof that nothing clinical crosses nodes: walks every Hazelcast distributed object a member can
 * see (maps, multimaps, replicated maps, queues, sets, lists by content; topics and everything else
 * by name) and checks each name, key and value, in the serialised form that actually travels between
 * members, for a raw NHS number (ten digits, or 3-3-4 with spaces or dashes), FHIR resource JSON, and
 * any caller-supplied text (patient names, the numbers a test used). Keyed hashes and ids (long hex
 * runs, UUIDs) are set aside first so their digits cannot pass for an NHS number.
 *
 * <p>Blocking: call it from a worker thread or a test, never from an event loop.
 */
public final class ClusterScan {

  private static final Pattern HEX_RUN = Pattern.compile("[0-9a-fA-F]{16,}");
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern NHS_NUMBER = Pattern.compile("(?<!\\d)(\\d{10}|\\d{3}[ -]\\d{3}[ -]\\d{4})(?!\\d)");
  private static final List<String> FHIR_MARKERS = List.of(
      "resourceType", "\"birthDate\"", "\"family\"", "\"given\"", "\"telecom\"", "\"address\"", "snomed.info");

  private ClusterScan() {}

  /** Something found where it must never be. */
  public record Finding(String object, String part, String reason) {}

  /** What was scanned and what was found; {@link #clean()} when nothing. */
  public record Report(int objects, int entries, List<String> objectNames, List<Finding> findings) {
    public boolean clean() {
      return findings.isEmpty();
    }
  }

  public static Report scan(HazelcastInstance hazelcast, Collection<String> forbidden) {
    Scanner scanner = new Scanner(hazelcast, forbidden);
    for (DistributedObject object : hazelcast.getDistributedObjects()) {
      scanner.object(object);
    }
    return new Report(scanner.objectNames.size(), scanner.entries, List.copyOf(scanner.objectNames), List.copyOf(scanner.findings));
  }

  /** The reasons a text must not be shared, empty when it may. */
  public static List<String> problems(String text, Collection<String> forbidden) {
    List<String> reasons = new ArrayList<>();
    String withoutIds = HEX_RUN.matcher(UUID.matcher(text).replaceAll("<uuid>")).replaceAll("<hex>");
    Matcher nhs = NHS_NUMBER.matcher(withoutIds);
    if (nhs.find()) {
      reasons.add("looks like an NHS number: " + mask(nhs.group()));
    }
    FHIR_MARKERS.stream().filter(text::contains).forEach(marker -> reasons.add("FHIR content: " + marker));
    forbidden.stream().filter(s -> !s.isEmpty() && text.contains(s)).forEach(s -> reasons.add("forbidden text: " + mask(s)));
    return reasons;
  }

  private static String mask(String value) {
    return value.length() <= 4 ? "****" : value.substring(0, 3) + "***";
  }

  private static final class Scanner {
    private final HazelcastInstance hazelcast;
    private final Collection<String> forbidden;
    private final List<String> objectNames = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private int entries;

    Scanner(HazelcastInstance hazelcast, Collection<String> forbidden) {
      this.hazelcast = hazelcast;
      this.forbidden = forbidden;
    }

    void object(DistributedObject object) {
      String name = object.getServiceName() + "/" + object.getName();
      objectNames.add(name);
      check(name, "name", object.getName());
      if (object instanceof IMap<?, ?> map) {
        map.entrySet().forEach(e -> entry(name, e));
      } else if (object instanceof MultiMap<?, ?> multi) {
        multi.entrySet().forEach(e -> entry(name, e));
      } else if (object instanceof ReplicatedMap<?, ?> replicated) {
        replicated.entrySet().forEach(e -> entry(name, e));
      } else if (object instanceof ICollection<?> items) {
        items.forEach(item -> {
          entries++;
          check(name, "item", item);
        });
      }
    }

    private void entry(String name, Map.Entry<?, ?> entry) {
      entries++;
      check(name, "key", entry.getKey());
      check(name, "value", entry.getValue());
    }

    private void check(String object, String part, Object value) {
      problems(render(value), forbidden).forEach(reason -> findings.add(new Finding(object, part, reason)));
    }

    /** The value as it travels between members (its serialised bytes), plus its own text form. */
    private String render(Object value) {
      if (value == null) {
        return "";
      }
      if (value instanceof String s) {
        return s;
      }
      String serialised = "";
      if (hazelcast instanceof SerializationServiceSupport support) {
        byte[] bytes = support.getSerializationService().toData(value).toByteArray();
        serialised = new String(bytes, StandardCharsets.UTF_8);
      }
      return serialised + "\n" + value;
    }
  }
}
