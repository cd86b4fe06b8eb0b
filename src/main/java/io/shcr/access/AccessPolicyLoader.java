package io.shcr.access;

import io.shcr.access.AccessPolicy.Auth;
import io.shcr.access.AccessPolicy.BreakGlass;
import io.shcr.access.AccessPolicy.Demo;
import io.shcr.access.AccessPolicy.Endpoint;
import io.shcr.access.AccessPolicy.KeyFile;
import io.shcr.access.AccessPolicy.Participant;
import io.shcr.access.AccessPolicy.Persona;
import io.shcr.access.AccessPolicy.Reason;
import io.shcr.access.AccessPolicy.RoleView;
import io.shcr.access.AccessPolicy.Throttle;
import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.shcr.core.Section;
import io.shcr.tls.TlsConfigReader;
import io.shcr.tls.TlsSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code access-policy.yaml} into an {@link AccessPolicy}, collecting every problem (entry and
 * field) so an operator fixes the file in one pass. Key files are checked to exist here, not parsed.
 */
public final class AccessPolicyLoader {

  public static final String FILE = "access-policy.yaml";
  /** The clinical roles that may break glass when {@code breakGlass.roles} is not given. */
  public static final Set<String> DEFAULT_BREAK_GLASS_ROLES = Set.of("R8000", "R8001", "R8003", "R8016");

  private final Path configDir;
  private final Function<String, String> environment;
  private final List<String> problems = new ArrayList<>();
  private boolean inlineSecret;

  private final Clock clock;

  private AccessPolicyLoader(Path configDir, Function<String, String> environment, Clock clock) {
    this.configDir = configDir;
    this.environment = environment;
    this.clock = clock;
  }

  public static AccessPolicy load(Path configDir) {
    return load(configDir, System::getenv);
  }

  public static AccessPolicy load(Path configDir, Function<String, String> environment) {
    return load(configDir, environment, Clock.systemUTC());
  }

  /** As {@link #load(Path, Function)}, judging certificates' validity at {@code clock}'s now. */
  public static AccessPolicy load(Path configDir, Function<String, String> environment, Clock clock) {
    JsonObject root = YamlFiles.read(configDir.resolve(FILE));
    return new AccessPolicyLoader(configDir, environment, clock).parse(root);
  }

  private AccessPolicy parse(JsonObject root) {
    Fields top = new Fields(root, "access-policy", problems);
    Fields spine = top.nested("spine");
    AccessPolicy policy = new AccessPolicy(
        auth(section(root, "authentication")),
        participants(root),
        roleViews(top.object("roleViews")),
        breakGlass(section(root, "breakGlass")),
        spine(spine),
        throttle(top.nested("throttle")),
        secret(top.nested("keyedHash")),
        inlineSecret,
        demo(section(root, "demo")));
    demoWithinLifetime(policy.auth(), policy.demo());
    if (!problems.isEmpty()) {
      throw ConfigException.of(configDir.resolve(FILE).toString(), problems);
    }
    return policy;
  }

  private Auth auth(Json section) {
    Fields f = fields(section);
    String jwksUrl = f.optionalString("jwksUrl", null);
    List<KeyFile> keys = new ArrayList<>();
    JsonArray list = array(section, "publicKeys");
    for (int i = 0; i < list.size(); i++) {
      Fields key = new Fields(list.getJsonObject(i), f.where() + ".publicKeys[" + i + "]", problems);
      String kid = key.requiredString("kid");
      Path file = existingFile(key, "file");
      keys.add(new KeyFile(kid, file, key.bool("demoOnly", false)));
    }
    if ((jwksUrl == null) == keys.isEmpty()) {
      f.problem("jwksUrl", "give exactly one of jwksUrl or publicKeys");
    }
    if (jwksUrl != null) {
      checkJwksUrl(f, jwksUrl);
    }
    return new Auth(
        f.requiredString("issuer"),
        f.requiredString("audience"),
        f.number("clockSkewSeconds", 60L, 0, 300),
        (int) f.number("minimumAssuranceLevel", 3L, 0, 9),
        f.number("maxLifetimeMinutes", 720L, 1, 7 * 24 * 60),
        (int) f.number("maxTokenLength", 8192L, 1024, 65_536),
        jwksUrl,
        f.number("jwksRefreshSeconds", 3600L, 60, 86_400),
        f.number("jwksDeadlineMs", 3000L, 100, 60_000),
        f.number("jwksOutageToleranceSeconds", 3600L, 0, 7 * 86_400),
        List.copyOf(keys));
  }

  /** Keys fetched over plain HTTP could be swapped by anyone on the path: https, or http to this host only (a test IdP). */
  private static void checkJwksUrl(Fields f, String url) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(url);
    } catch (java.net.URISyntaxException e) {
      f.problem("jwksUrl", "not a URL: " + url);
      return;
    }
    String host = uri.getHost();
    boolean loopback = "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
    if (host == null || !("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && loopback))) {
      f.problem("jwksUrl", "expected an https URL (plain http only to 127.0.0.1 or localhost), found " + url);
    }
  }

  private List<Participant> participants(JsonObject root) {
    JsonArray list = array(new Json(root, "access-policy"), "participants");
    List<Participant> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Fields p = new Fields(list.getJsonObject(i), "participants[" + i + "]", problems);
      out.add(new Participant(p.requiredString("ods"), p.optionalString("name", ""), p.bool("live", null)));
    }
    return List.copyOf(out);
  }

  private Map<String, RoleView> roleViews(JsonObject views) {
    Map<String, RoleView> out = new LinkedHashMap<>();
    for (String role : views.fieldNames()) {
      Object value = views.getValue(role);
      Fields f = new Fields(value instanceof JsonObject o ? o : null, "roleViews." + role, problems);
      if (!(value instanceof JsonObject)) {
        f.problem("sections", "expected a mapping with name and sections");
        continue;
      }
      out.put(role, new RoleView(f.optionalString("name", role), sections(f, (JsonObject) value), f.optionalString("note", null)));
    }
    return Map.copyOf(out);
  }

  private Set<Section> sections(Fields f, JsonObject view) {
    if ("all".equals(view.getValue("sections"))) {
      return Set.copyOf(EnumSet.allOf(Section.class));
    }
    Set<Section> out = EnumSet.noneOf(Section.class);
    for (String name : f.stringList("sections", true)) {
      Section.fromWireName(name).ifPresentOrElse(out::add, () -> f.problem("sections", "unknown section '" + name + "'"));
    }
    return Set.copyOf(out);
  }

  private BreakGlass breakGlass(Json section) {
    Fields f = fields(section);
    JsonArray list = array(section, "reasons");
    List<Reason> reasons = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Fields r = new Fields(list.getJsonObject(i), f.where() + ".reasons[" + i + "]", problems);
      reasons.add(new Reason(r.requiredString("code"), r.optionalString("display", ""), r.bool("overridesObjection", false),
          Set.copyOf(r.stringList("alsoRoles", false))));
    }
    if (reasons.isEmpty()) {
      f.problem("reasons", "at least one break-glass reason code is required");
    }
    return new BreakGlass(
        f.number("windowMinutes", 240L, 1, 24 * 60) * 60_000,
        (int) f.number("justificationMinLength", 20L, 1, 1_000),
        (int) f.number("justificationMaxLength", 2_000L, 10, 20_000),
        List.copyOf(reasons),
        section.json().containsKey("roles") ? Set.copyOf(f.stringList("roles", false)) : DEFAULT_BREAK_GLASS_ROLES,
        f.optionalString("activityCode", "B0168"));
  }

  private AccessPolicy.Spine spine(Fields f) {
    Fields breaker = f.nested("breaker");
    AccessPolicy.SpineBreaker defaults = AccessPolicy.SpineBreaker.DEFAULT;
    return new AccessPolicy.Spine(
        endpoint(f.nested("consent")),
        endpoint(f.nested("pds")),
        (int) f.number("maxConnections", (long) AccessPolicy.Spine.DEFAULT_MAX_CONNECTIONS, 1, 1_000),
        (int) f.number("maxWaitQueue", (long) AccessPolicy.Spine.DEFAULT_MAX_WAIT_QUEUE, 0, 100_000),
        f.number("maxResponseBytes", AccessPolicy.Spine.DEFAULT_MAX_RESPONSE_BYTES, 1_024, 64L << 20),
        new AccessPolicy.SpineBreaker(
            (int) breaker.number("failureThreshold", (long) defaults.failureThreshold(), 1, 100_000),
            breaker.number("resetMs", defaults.resetMs(), 100, 600_000)),
        f.number("probeCacheMs", AccessPolicy.Spine.DEFAULT_PROBE_CACHE_MS, 0, 600_000),
        f.number("answerCacheMs", 0L, 0, RecentSpineAnswers.MAX_MS),
        spineTls(f));
  }

  /**
   * {@code spine.tls}, for both services; a client certificate needs both to be https (else it is never
   * used), and an https URL must name its host (SNI).
   */
  private TlsSettings spineTls(Fields spine) {
    Fields f = spine.nested("tls");
    TlsConfigReader.Block block = new TlsConfigReader(configDir, environment, clock)
        .read(spine.object("tls"), f.where(), problems);
    for (String service : List.of("consent", "pds")) {
      String base = spine.nested(service).optionalString("baseUrl", "http://127.0.0.1:8090/spine");
      if (TlsSettings.unusableUrl(base) != null) {
        spine.nested(service).problem("baseUrl", TlsSettings.unusableUrl(base));
      }
      if (block.presentsCertificate() && base.startsWith("http://")) {
        f.problem("clientCertificate", "a client certificate is configured but spine." + service + ".baseUrl " + base
            + " is plain http://, which would not use TLS at all: use https://");
      }
    }
    return block.alone();
  }

  private Endpoint endpoint(Fields f) {
    String base = f.optionalString("baseUrl", "http://127.0.0.1:8090/spine");
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    if (!base.startsWith("http://") && !base.startsWith("https://")) {
      f.problem("baseUrl", "expected an http(s) URL, found " + base);
    }
    return new Endpoint(base, f.number("deadlineMs", 2_000L, 50, 60_000));
  }

  private Throttle throttle(Fields f) {
    return new Throttle(
        f.number("windowMinutes", 60L, 1, 24 * 60) * 60_000,
        (int) f.number("perUser", 60L, 1, 1_000_000),
        (int) f.number("perOrganisation", 3_000L, 1, 10_000_000));
  }

  private byte[] secret(Fields f) {
    String envName = f.optionalString("secretEnv", "SHCR_ACCESS_HASH_SECRET");
    String fromEnv = envName == null ? null : environment.apply(envName);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return checkedSecret(f, fromEnv);
    }
    String inline = f.optionalString("secret", null);
    if (inline == null || !f.bool("allowInlineSecret", false)) {
      f.problem("secret", "set the environment variable " + envName + " (or an inline secret with allowInlineSecret: true, demo only)");
      return new byte[32];
    }
    inlineSecret = true;
    return checkedSecret(f, inline);
  }

  private byte[] checkedSecret(Fields f, String secret) {
    if (secret.length() < 16) {
      f.problem("secret", "the keyed-hash secret must be at least 16 characters");
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  private Demo demo(Json section) {
    Fields f = fields(section);
    Path key = section.json().getValue("privateKey") == null ? null : existingFile(f, "privateKey");
    JsonArray list = array(section, "personas");
    List<Persona> personas = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Fields p = new Fields(list.getJsonObject(i), f.where() + ".personas[" + i + "]", problems);
      String roleCode = p.requiredString("roleCode");
      if (roleCode != null && roleCode.split(":").length != 3) {
        p.problem("roleCode", "expected a colon triple such as S8000:G8000:R8000");
      }
      personas.add(new Persona(p.requiredString("id"), p.optionalString("description", ""), p.requiredString("user"),
          p.requiredString("name"), p.requiredString("roleProfileId"), roleCode, p.requiredString("org"),
          List.copyOf(p.stringList("activityCodes", false))));
    }
    return new Demo(key, f.optionalString("kid", "shcr-demo"), f.number("lifetimeMinutes", 480L, 1, 7 * 24 * 60),
        List.copyOf(personas));
  }

  /** Demo tokens must be tokens the service accepts. */
  private void demoWithinLifetime(Auth auth, Demo demo) {
    if (demo.lifetimeMinutes() > auth.maxLifetimeMinutes()) {
      problems.add("demo.lifetimeMinutes: " + demo.lifetimeMinutes() + " is longer than authentication.maxLifetimeMinutes ("
          + auth.maxLifetimeMinutes() + "), so demo tokens would be refused");
    }
  }

  private Path existingFile(Fields f, String field) {
    String name = f.requiredString(field);
    if (name == null) {
      return null;
    }
    Path file = configDir.resolve(name);
    if (!Files.isRegularFile(file)) {
      f.problem(field, "file not found: " + file);
    }
    return file;
  }

  private JsonArray array(Json section, String field) {
    Object value = section.json().getValue(field);
    if (value == null) {
      return new JsonArray();
    }
    if (value instanceof JsonArray a && a.stream().allMatch(JsonObject.class::isInstance)) {
      return a;
    }
    fields(section).problem(field, "expected a list of mappings");
    return new JsonArray();
  }

  private Json section(JsonObject root, String name) {
    Object value = root.getValue(name);
    Json json = new Json(value instanceof JsonObject o ? o : new JsonObject(), name);
    if (value != null && !(value instanceof JsonObject)) {
      problems.add(name + ": expected a mapping");
    }
    return json;
  }

  /** A mapping together with its name, for the lists {@link Fields} does not read. */
  private record Json(JsonObject json, String where) {}

  private Fields fields(Json json) {
    return new Fields(json.json(), json.where(), problems);
  }
}
