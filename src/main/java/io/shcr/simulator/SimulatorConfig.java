package io.shcr.simulator;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The simulated network's settings from {@code simulator.yaml}: where it listens, the population's seed
 * and size, the region's areas, latency per kind of organisation and per-organisation overrides
 * (latency and faults). Validated once at start-up; every problem is reported with its entry and field.
 *
 * @param host the address to listen on
 * @param port the port (0 picks a free one)
 * @param seed the population's seed
 * @param populationSize synthetic patients besides the fixed demo patients
 * @param areas the region's localities
 * @param latencyByKind latency per kind wire name (gp, acute, ..., spine)
 * @param latencyByOrg latency overrides per ODS code
 * @param faultsByOrg faults per ODS code
 * @param disabledAreasByOrg GP Connect areas a practice's system does not support, per ODS code
 */
public record SimulatorConfig(
    String host,
    int port,
    long seed,
    int populationSize,
    List<Area> areas,
    Map<String, LatencyProfile> latencyByKind,
    Map<String, LatencyProfile> latencyByOrg,
    Map<String, FaultProfile> faultsByOrg,
    Map<String, Set<GpArea>> disabledAreasByOrg) {

  public static final String FILE = "simulator.yaml";

  public static SimulatorConfig load(Path configDir) {
    Path file = configDir.resolve(FILE);
    return fromJson(YamlFiles.read(file), file.toString());
  }

  public static SimulatorConfig fromJson(JsonObject root, String fileName) {
    List<String> problems = new ArrayList<>();
    Fields top = new Fields(root, "simulator", problems);
    Fields http = top.nested("http");
    Fields population = top.nested("population");
    String host = http.optionalString("host", "127.0.0.1");
    int port = (int) http.number("port", 8090L, 0, 65_535);
    long seed = population.number("seed", 20250101L, Long.MIN_VALUE, Long.MAX_VALUE);
    int size = (int) population.number("size", 3000L, 0, 1_000_000);
    List<Area> areas = areas(root.getValue("areas"), problems);
    Map<String, LatencyProfile> byKind = new LinkedHashMap<>();
    top.object("latency").forEach(e -> byKind.put(e.getKey(), latency(top.nested("latency").nested(e.getKey()))));
    Map<String, LatencyProfile> latencyByOrg = new LinkedHashMap<>();
    Map<String, FaultProfile> faultsByOrg = new LinkedHashMap<>();
    Map<String, Set<GpArea>> disabled = new LinkedHashMap<>();
    Fields orgs = top.nested("organisations");
    for (String ods : top.object("organisations").fieldNames()) {
      Fields org = orgs.nested(ods);
      if (org.object("latency").size() > 0) {
        latencyByOrg.put(ods, latency(org.nested("latency")));
      }
      faultsByOrg.put(ods, faults(org.object("faults"), org.nested("faults")));
      Set<GpArea> gpAreas = EnumSet.noneOf(GpArea.class);
      for (String name : org.stringList("disabledAreas", false)) {
        GpArea.fromConfigName(name).ifPresentOrElse(gpAreas::add,
            () -> org.problem("disabledAreas", "unknown GP Connect area '" + name + "'"));
      }
      disabled.put(ods, Set.copyOf(gpAreas));
    }
    if (!problems.isEmpty()) {
      throw ConfigException.of(fileName, problems);
    }
    return new SimulatorConfig(host, port, seed, size, List.copyOf(areas), Map.copyOf(byKind),
        Map.copyOf(latencyByOrg), Map.copyOf(faultsByOrg), Map.copyOf(disabled));
  }

  /** The latency of one organisation: its own override, else its kind's, else none. */
  public LatencyProfile latencyOf(String ods, String kindWireName) {
    return latencyByOrg.getOrDefault(ods, latencyByKind.getOrDefault(kindWireName, LatencyProfile.NONE));
  }

  public FaultProfile faultsOf(String ods) {
    return faultsByOrg.getOrDefault(ods, FaultProfile.NONE);
  }

  public Set<GpArea> disabledAreasOf(String ods) {
    return disabledAreasByOrg.getOrDefault(ods, Set.of());
  }

  public SimulatorConfig withPort(int newPort) {
    return new SimulatorConfig(host, newPort, seed, populationSize, areas, latencyByKind, latencyByOrg, faultsByOrg,
        disabledAreasByOrg);
  }

  /** The same network with every fault and delay switched off (tests, load baselines). */
  public SimulatorConfig quiet() {
    return new SimulatorConfig(host, port, seed, populationSize, areas, Map.of(), Map.of(), Map.of(), disabledAreasByOrg);
  }

  public SimulatorConfig withFaults(String ods, FaultProfile faults) {
    Map<String, FaultProfile> copy = new LinkedHashMap<>(faultsByOrg);
    copy.put(ods, faults);
    return new SimulatorConfig(host, port, seed, populationSize, areas, latencyByKind, latencyByOrg, Map.copyOf(copy),
        disabledAreasByOrg);
  }

  private static List<Area> areas(Object value, List<String> problems) {
    List<Area> areas = new ArrayList<>();
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      problems.add("simulator.areas: expected a non-empty list of areas");
      return areas;
    }
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject json)) {
        problems.add("simulator.areas[" + i + "]: expected a mapping");
        continue;
      }
      Fields f = new Fields(json, "simulator.areas[" + i + "]", problems);
      areas.add(new Area(f.requiredString("name"), List.copyOf(f.stringList("practices", true)),
          f.requiredString("acute"), f.requiredString("hospice"), f.optionalString("childrensHospice", null),
          f.optionalString("council", null), f.requiredString("drugService"), f.optionalString("careHome", null)));
    }
    return areas;
  }

  private static LatencyProfile latency(Fields f) {
    long median = f.number("medianMs", 0L, 0, 600_000);
    long p95 = f.number("p95Ms", median, 0, 600_000);
    if (p95 < median) {
      f.problem("p95Ms", "must not be below medianMs");
    }
    return new LatencyProfile(median, p95);
  }

  private static FaultProfile faults(JsonObject raw, Fields f) {
    double errorRate = rate(raw, f, "errorRate");
    String down = f.optionalString("down", "none");
    FaultProfile.Down mode = FaultProfile.Down.NONE;
    try {
      mode = FaultProfile.Down.valueOf(down.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      f.problem("down", "expected none, refused or unavailable, found " + down);
    }
    return new FaultProfile(errorRate, f.bool("hang", false), f.number("slowDripMs", 0L, 0, 600_000),
        f.bool("garbage", false), f.bool("wrongPatient", false), mode);
  }

  private static double rate(JsonObject raw, Fields f, String field) {
    Object value = raw.getValue(field);
    if (value == null) {
      return 0;
    }
    if (value instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1) {
      return n.doubleValue();
    }
    f.problem(field, "expected a share from 0 to 1, found " + value);
    return 0;
  }
}
