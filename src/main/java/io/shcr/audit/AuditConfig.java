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
import java.util.regex.Pattern;

/**
 * The audit settings from {@code audit.yaml}: which store keeps the trail and how batches are grouped.
 * Validated at start-up; errors name the file and the field. Database credentials are never in the
 * file, only the names of the environment variables that hold them.
 *
 * @param store {@code embedded} or {@code postgres}
 * @param dataDir the embedded store's directory (relative to the working directory unless absolute)
 * @param maxFileBytes the size at which the embedded store starts a new file
 * @param postgres the PostgreSQL settings (used when store is postgres)
 * @param maxBatch most records one group commit writes
 */
public record AuditConfig(String store, Path dataDir, long maxFileBytes, Postgres postgres, int maxBatch) {

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
        Path.of(embedded.optionalString("dataDir", "data/audit")),
        embedded.number("maxFileMb", 64L, 1, 4_096) * 1024 * 1024,
        postgres,
        (int) top.nested("groupCommit").number("maxBatch", 1_000L, 1, 100_000));
    if (!problems.isEmpty()) {
      throw ConfigException.of(file, problems);
    }
    return config;
  }

  /** The store this configuration names (not yet opened). */
  public AuditStore newStore(Vertx vertx) {
    return "postgres".equals(store)
        ? new PgAuditStore(vertx, postgres.connectOptions(System.getenv()), postgres.table(), postgres.poolSize())
        : new FileAuditStore(vertx, dataDir, maxFileBytes);
  }
}
