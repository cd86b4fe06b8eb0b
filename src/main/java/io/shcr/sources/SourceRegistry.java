package io.shcr.sources;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.shcr.core.Section;
import io.shcr.tls.TlsConfigReader;
import io.shcr.tls.TlsSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import io.shcr.sources.sds.SdsSettings;

/** The participating sources, read and validated once from {@code sources.yaml}. */
public final class SourceRegistry {

  public static final Set<String> ADAPTERS = Set.of("fhir-r4", "gp-connect");

  private final Map<String, SourceConfig> sources;

  private GpConnectConsumer gpConnect = GpConnectConsumer.UNCONFIGURED;

  /** Who we are to GP Connect (the {@code gpConnect} block). */
  public GpConnectConsumer gpConnect() {
    return gpConnect;
  }

  public SourceRegistry(Collection<SourceConfig> sources) {
    Map<String, SourceConfig> byId = new LinkedHashMap<>();
    sources.forEach(s -> byId.put(s.id(), s));
    this.sources = Map.copyOf(byId);
    this.ordered = List.copyOf(byId.values());
  }

  private final List<SourceConfig> ordered;

  public static SourceRegistry load(Path file) {
    return load(file, System::getenv);
  }

  /** Reads the file; TLS files are taken under its directory, key store passwords from {@code environment}. */
  public static SourceRegistry load(Path file, Function<String, String> environment) {
    return fromJson(YamlFiles.read(file), file.toString(), file.toAbsolutePath().getParent(), environment, Clock.systemUTC());
  }

  /** Parses and validates; throws a {@link ConfigException} naming every bad source and field. */
  public static SourceRegistry fromJson(JsonObject root, String fileName) {
    return fromJson(root, fileName, null, System::getenv, Clock.systemUTC());
  }

  /**
   * Parses and validates, loading every TLS file named (relative paths under {@code configDir}, passwords
   * from {@code environment}, certificates judged valid or not at {@code clock}'s now).
   */
  public static SourceRegistry fromJson(JsonObject root, String fileName, Path configDir, Function<String, String> environment,
      Clock clock) {
    List<String> problems = new ArrayList<>();
    TlsConfigReader tls = new TlsConfigReader(configDir, environment, clock);
    TlsConfigReader.Block defaults = tls.read(mapping(root, "tls", "tls", problems), "tls", problems);
    List<TlsConfigReader.Block> ownTls = new ArrayList<>();
    Object list = root.getValue("sources");
    if (!(list instanceof JsonArray array) || array.isEmpty()) {
      throw ConfigException.of(fileName, List.of("sources: expected a non-empty list of sources"));
    }
    List<SourceConfig> parsed = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof JsonObject json)) {
        problems.add("sources[" + i + "]: expected a mapping");
        continue;
      }
      Object id = json.getValue("id");
      String where = "sources[" + i + "]" + (id instanceof String s ? " (" + s + ")" : "");
      TlsConfigReader.Block own = tls.read(mapping(json, "tls", where + ".tls", problems), where + ".tls", problems);
      ownTls.add(own);
      SourceConfig source = parseOne(new Fields(json, where, problems), own.over(defaults));
      if (source.id() != null && !seen.add(source.id())) {
        problems.add(where + ".id: duplicate source id " + source.id());
      }
      parsed.add(source);
    }
    GpConnectConsumer consumer = gpConnect(new Fields(root, "gpConnect", problems), parsed);
    for (int i = 0; i < parsed.size(); i++) {
      plainHttpWithCertificate(parsed.get(i), consumer, ownTls.get(i), defaults, "sources[" + i + "]"
          + (parsed.get(i).id() == null ? "" : " (" + parsed.get(i).id() + ")"), problems);
    }
    if (!problems.isEmpty()) {
      throw ConfigException.of(fileName, problems);
    }
    SourceRegistry registry = new SourceRegistry(parsed);
    registry.gpConnect = consumer;
    return registry;
  }

  /**
   * The {@code gpConnect} block: required once any source uses GP Connect. Each practice's endpoint is
   * either static (its {@code baseUrl} and a {@code providerAsids} entry, both) or SDS's (neither, with
   * an {@code sds} block).
   */
  private static GpConnectConsumer gpConnect(Fields root, List<SourceConfig> sources) {
    List<SourceConfig> practices = sources.stream().filter(s -> "gp-connect".equals(s.adapter()) && s.id() != null).toList();
    if (!(root.object("gpConnect").size() > 0)) {
      // Without it a provider behind the SSP refuses every call (no ASIDs, no issuer): fine only for a test bed.
      practices.stream().filter(s -> s.baseUrl() == null)
          .forEach(s -> root.problem("gpConnect", "GP Connect source " + s.id() + " has no baseUrl and there is no sds to look it up"));
      return GpConnectConsumer.UNCONFIGURED;
    }
    Fields f = root.nested("gpConnect");
    String asid = f.requiredString("consumerAsid");
    String issuer = f.requiredString("issuer");
    String ssp = f.optionalString("sspUrl", "");
    if (ssp.endsWith("/")) {
      ssp = ssp.substring(0, ssp.length() - 1);
    }
    String device = f.optionalString("deviceSystem", "https://fhir.nhs.uk/Id/nhsSpineASID");
    Map<String, String> asids = new LinkedHashMap<>();
    f.object("providerAsids").forEach(e -> asids.put(e.getKey(), String.valueOf(e.getValue())));
    if (!ssp.isEmpty() && !SdsSettings.httpsOrLoopback(ssp)) {
      f.problem("sspUrl", "expected an https URL (plain http only to this machine), found " + ssp);
    }
    SdsSettings sds = f.object("sds").size() > 0 ? sds(f.nested("sds")) : null;
    if (sds != null && ssp.isEmpty() && sds.allowedHosts().isEmpty()) {
      // Called directly, the practice is wherever SDS says: a lying SDS would get the NHS number and the user's JWT.
      f.problem("sds.allowedHosts", "required when there is no sspUrl: the hosts a practice's endpoint from SDS may be on"
          + " (e.g. [\"*.nhs.uk\"])");
    }
    for (SourceConfig practice : practices) {
      boolean asidGiven = asids.containsKey(practice.id());
      boolean baseGiven = practice.baseUrl() != null;
      if (asidGiven && !baseGiven) {
        f.problem("providerAsids", practice.id() + " has an ASID but no baseUrl: a static endpoint needs both");
      } else if (!asidGiven && baseGiven) {
        f.problem("providerAsids", "no ASID for GP Connect source " + practice.id()
            + " (a static endpoint needs its baseUrl and an ASID; leave out both to look it up in SDS)");
      } else if (!asidGiven && sds == null) {
        f.problem("sds", "GP Connect source " + practice.id() + " has no static endpoint and there is no sds to look it up");
      }
    }
    return new GpConnectConsumer(asid == null ? "" : asid, ssp, issuer == null ? "" : issuer, device, asids, sds);
  }

  /** The {@code gpConnect.sds} block: where SDS is and how long its answers are kept. */
  private static SdsSettings sds(Fields f) {
    String base = f.requiredString("baseUrl");
    if (base != null) {
      try {
        URI uri = URI.create(base);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
          f.problem("baseUrl", "expected an http(s) URL, found " + base);
        } else if (!SdsSettings.httpsOrLoopback(base)) {
          f.problem("baseUrl", "plain http to another machine would send the apikey in clear: use https, found " + base);
        }
      } catch (IllegalArgumentException e) {
        f.problem("baseUrl", "not a URL: " + base);
      }
      base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
    return new SdsSettings(base, f.optionalString("apiKey", ""),
        f.number("deadlineMs", 2_000L, 50, 30_000),
        f.number("cacheMs", 300_000L, 0, SdsSettings.MAX_CACHE_MS),
        f.number("failureCacheMs", 5_000L, 0, SdsSettings.MAX_FAILURE_CACHE_MS),
        (int) f.number("maxEntries", 10_000L, 1, 1_000_000),
        f.number("maxResponseBytes", 64L * 1024, 1_024, 10L * 1024 * 1024),
        f.bool("allowHttp", false),
        f.stringList("allowedHosts", false));
  }

  private static JsonObject mapping(JsonObject json, String field, String where, List<String> problems) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof JsonObject)) {
      problems.add(where + ": expected a mapping, found " + value);
    }
    return value instanceof JsonObject object ? object : null;
  }

  /**
   * A client certificate means the source is meant to be reached over TLS: a plain {@code http} URL would
   * send the patient's record in clear to whoever answers. A source's own certificate on such a URL is
   * refused outright; the file's default certificate is refused on one that leaves this machine (the demo
   * and the tests call the simulator on loopback in plain HTTP).
   */
  private static void plainHttpWithCertificate(SourceConfig source, GpConnectConsumer consumer, TlsConfigReader.Block own,
      TlsConfigReader.Block defaults, String where, List<String> problems) {
    boolean viaSsp = "gp-connect".equals(source.adapter()) && !consumer.sspUrl().isEmpty();
    String called = viaSsp ? consumer.sspUrl() : source.baseUrl();
    String field = viaSsp ? " (the gpConnect.sspUrl it is called through)" : "";
    String unusable = TlsSettings.unusableUrl(called);
    if (unusable != null) {
      problems.add(where + ".baseUrl: " + unusable + field);
    }
    if (called == null || !called.startsWith("http://")) {
      return;
    }
    if (own.presentsCertificate()) {
      problems.add(where + ".tls: a client certificate is configured but " + called + field
          + " is plain http://, which would not use TLS at all: use https://");
    } else if (defaults.presentsCertificate() && !loopback(called)) {
      problems.add(where + ".baseUrl: " + called + field + " is plain http:// to another machine while the default tls block"
          + " configures a client certificate: use https://");
    }
  }

  private static boolean loopback(String url) {
    return SdsSettings.loopback(URI.create(url).getHost());
  }

  private static SourceConfig parseOne(Fields f, TlsSettings tls) {
    String id = f.requiredString("id");
    String name = f.requiredString("name");
    String kindName = f.requiredString("kind");
    SourceKind kind = null;
    if (kindName != null) {
      kind = SourceKind.fromWireName(kindName).orElse(null);
      if (kind == null) {
        f.problem("kind", "unknown kind '" + kindName + "'");
      }
    }
    String adapterName = f.optionalString("adapter", null);
    // A GP Connect practice's endpoint may be left to SDS: then it has no baseUrl here.
    String baseUrl = "gp-connect".equals(adapterName) ? f.optionalString("baseUrl", null) : f.requiredString("baseUrl");
    if (baseUrl != null) {
      try {
        URI uri = URI.create(baseUrl);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
          f.problem("baseUrl", "expected an http(s) URL, found " + baseUrl);
        }
      } catch (IllegalArgumentException e) {
        f.problem("baseUrl", "not a URL: " + baseUrl);
      }
      baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }
    String adapter = f.requiredString("adapter");
    if (adapter != null && !ADAPTERS.contains(adapter)) {
      f.problem("adapter", "unknown adapter '" + adapter + "' (expected one of " + ADAPTERS + ")");
    }
    Set<Section> sections = EnumSet.noneOf(Section.class);
    for (String s : f.stringList("sections", true)) {
      Optional<Section> section = Section.fromWireName(s);
      if (section.isPresent()) {
        sections.add(section.get());
      } else {
        f.problem("sections", "unknown section '" + s + "'");
      }
    }
    if ("gp-connect".equals(adapter)) {
      sections.stream().filter(s -> !GpConnectAdapter.SUPPORTED.contains(s))
          .forEach(s -> f.problem("sections", "gp-connect cannot supply '" + s.wireName() + "'"));
    }
    boolean live = f.bool("live", null);
    long deadline = f.number("deadlineMs", 5_000L, 50, 120_000);
    int maxConnections = (int) f.number("maxConnections", 5L, 1, 1_000);
    int maxWaitQueue = (int) f.number("maxWaitQueue", 500L, 0, 100_000);
    long maxBytes = f.number("maxResponseBytes", 5L * 1024 * 1024, 1_024, 1024L * 1024 * 1024);
    int pageCap = (int) f.number("pageCap", 10L, 1, 1_000);
    int perAnswer = (int) f.number("maxResourcesPerAnswer", (long) SourceConfig.DEFAULT_MAX_RESOURCES_PER_ANSWER, 1, 1_000_000);
    int perRequest = (int) f.number("maxResourcesPerRequest", (long) SourceConfig.DEFAULT_MAX_RESOURCES_PER_REQUEST, 1,
        10_000_000);
    if (perRequest < perAnswer) {
      f.problem("maxResourcesPerRequest", "must be at least maxResourcesPerAnswer (" + perAnswer + ")");
    }
    Fields breaker = f.nested("breaker");
    SourceConfig.BreakerConfig breakerConfig = new SourceConfig.BreakerConfig(
        (int) breaker.number("failureThreshold", 5L, 1, 1_000),
        breaker.number("resetMs", 30_000L, 100, 3_600_000));
    return new SourceConfig(id, name, kind, baseUrl, adapter, Set.copyOf(sections), live, deadline,
        maxConnections, maxWaitQueue, maxBytes, pageCap, breakerConfig, perAnswer, perRequest, tls);
  }

  public List<SourceConfig> all() {
    return ordered;
  }

  public Optional<SourceConfig> find(String id) {
    return Optional.ofNullable(sources.get(id));
  }
}
