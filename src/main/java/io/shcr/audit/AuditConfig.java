package io.shcr.audit;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit settings from {@code audit.yaml}: which store keeps the trail and how batches are grouped.
 * Validated at start-up; errors name the file and the field. Database credentials are never in the
 * file, only the names of the environment variables that hold them; the same goes for the audit key
 * that seals the chain, except for an inline demo key, accepted only with {@code allowInlineKey: true}
 * and announced with a loud warning at start-up.
 *
 * @param store {@code embedded} or {@code postgres}
 * @param dataDir the embedded store's directory (relative to the working directory unless absolute)
 * @param maxFileBytes the size at which the embedded store starts a new file
 * @param postgres the PostgreSQL settings (used when store is postgres)
 * @param maxBatch most records one group commit writes
 * @param writeTimeoutMs the time limit of every write: a record not durable by then fails its request
 *     with 503 AUDIT_UNAVAILABLE (and, in PostgreSQL, the lock and statement timeout of an append)
 * @param key the key the chain's hashes and its head checkpoint are HMAC-SHA256 under
 * @param regionWide ODS codes of organisations whose privacy officers see the whole region's trail
 *     (everyone else's see only their own organisation's users)
 */
public record AuditConfig(String store, Path dataDir, long maxFileBytes, Postgres postgres, int maxBatch, long writeTimeoutMs,
    AuditKey key, Set<String> regionWide) {

  private static final Logger LOG = LoggerFactory.getLogger(AuditConfig.class);

  public static final String FILE = "audit.yaml";
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** PostgreSQL connection settings; user and password come from the named environment variables. */
  public record Postgres(String host, int port, String database, String userEnv, String passwordEnv, String table, int poolSize) {

    public PgConnectOptions connectOptions(Map<String, String> env) {
      String user = env.get(userEnv);
      if (user == null || user.isBlank()) {
        throw new ConfigException(FILE + ": postgres.userEnv names " + userEnv + ", which is not set");
      }
      return new PgConnectOptions().setHost(host).setPort(port).setDatabase(database)
          .setUser(user).setPassword(env.getOrDefault(passwordEnv, ""));
    }
  }

  public static AuditConfig load(Path configDir) {
    return fromJson(YamlFiles.readOptional(configDir.resolve(FILE)), configDir.resolve(FILE).toString());
  }

  public static AuditConfig fromJson(JsonObject root, String file) {
    return fromJson(root, file, System.getenv());
  }

  public static AuditConfig fromJson(JsonObject root, String file, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Fields top = new Fields(root, "audit", problems);
    String store = top.optionalString("store", "embedded");
    if (!"embedded".equals(store) && !"postgres".equals(store)) {
      top.problem("store", "expected embedded or postgres, found " + store);
    }
    Fields embedded = top.nested("embedded");
    Fields pg = top.nested("postgres");
    Postgres postgres = new Postgres(
        pg.optionalString("host", "127.0.0.1"),
        (int) pg.number("port", 5432L, 1, 65_535),
        pg.optionalString("database", "shcr"),
        pg.optionalString("userEnv", "SHCR_AUDIT_DB_USER"),
        pg.optionalString("passwordEnv", "SHCR_AUDIT_DB_PASSWORD"),
        pg.optionalString("table", "audit_trail"),
        (int) pg.number("poolSize", 4L, 1, 64));
    if (!TABLE.matcher(postgres.table()).matches()) {
      pg.problem("table", "expected a plain lower-case table name, found " + postgres.table());
    }
    AuditConfig config = new AuditConfig(
        store,
        io.shcr.config.DataDirectory.resolve(embedded.optionalString("dataDir", "audit"), env),
        embedded.number("maxFileMb", 64L, 1, 4_096) * 1024 * 1024,
        postgres,
        (int) top.nested("groupCommit").number("maxBatch", 1_000L, 1, 100_000),
        top.number("writeTimeoutMs", AuditLog.DEFAULT_WRITE_TIMEOUT_MS, 50, 60_000),
        key(top.nested("key"), env),
        Set.copyOf(top.nested("privacyOfficers").stringList("regionWide", false)));
    if (!problems.isEmpty()) {
      throw ConfigException.of(file, problems);
    }
    return config;
  }

  /** The same settings with another embedded directory (the CLI's {@code --dir}). */
  public AuditConfig withEmbeddedDir(Path dir) {
    return new AuditConfig("embedded", dir, maxFileBytes, postgres, maxBatch, writeTimeoutMs, key, regionWide);
  }

  /** The store this configuration names (not yet opened). */
  public AuditStore newStore(Vertx vertx) {
    return "postgres".equals(store)
        ? new PgAuditStore(vertx, postgres.connectOptions(System.getenv()), postgres.table(), postgres.poolSize(), key, writeTimeoutMs)
        : new FileAuditStore(vertx, dataDir, maxFileBytes, key);
  }

  /** The key from the environment variable {@code key.env} names, or the inline demo key when explicitly allowed. */
  private static AuditKey key(Fields key, Map<String, String> env) {
    String envName = key.optionalString("env", "SHCR_AUDIT_KEY");
    String inline = key.optionalString("inline", null);
    boolean allowInline = key.bool("allowInlineKey", false);
    String fromEnv = env.get(envName);
    String secret;
    if (fromEnv != null && !fromEnv.isBlank()) {
      secret = fromEnv;
    } else if (inline != null && allowInline) {
      LOG.warn("*** AUDIT KEY IS THE INLINE DEMO KEY FROM {} (key.inline, allowInlineKey: true). Anyone who can read that file"
          + " can rewrite the audit trail undetected. Never use it outside a demo: set {} instead. ***", FILE, envName);
      secret = inline;
    } else if (inline != null) {
      key.problem("inline", "an inline audit key is for demos only and needs allowInlineKey: true; in production set " + envName);
      return null;
    } else {
      key.problem("env", "names " + envName + ", which is not set: the audit chain needs its key (at least "
          + AuditKey.MIN_BYTES + " characters)");
      return null;
    }
    if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < AuditKey.MIN_BYTES) {
      key.problem(fromEnv != null && !fromEnv.isBlank() ? "env" : "inline",
          "the audit key must have at least " + AuditKey.MIN_BYTES + " bytes");
      return null;
    }
    return secret.equals(fromEnv) ? AuditKey.of(secret) : AuditKey.demo(secret);
  }
}
