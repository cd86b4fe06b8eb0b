package io.shcr.tls;

import io.shcr.config.Fields;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code tls} block of a configuration file and loads what it names, collecting every problem
 * as {@code <entry>.tls.<field>: ...} (never a password: passwords are only ever named, as the
 * environment variable that holds them, {@code ...PasswordEnv}). Relative paths are taken under the
 * configuration directory. Fields:
 * <ul>
 *   <li>{@code clientCertificate} + {@code clientKey}: PEM files (the chain, leaf first; an unencrypted
 *       PKCS#8 or PKCS#1 key), or {@code clientKeyStore} + {@code clientKeyStorePasswordEnv} (PKCS#12 or
 *       JKS) with {@code clientKeyAlias} when it holds more than one key;</li>
 *   <li>{@code trustCertificates} (a PEM bundle), or {@code trustStore} (+ {@code trustStorePasswordEnv});</li>
 *   <li>{@code protocols} (TLSv1.2, TLSv1.3) and {@code cipherSuites} (names this JVM supports).</li>
 * </ul>
 * An unknown field is a problem too: a misspelt {@code trustStore} must not silently leave the JVM's trust.
 */
public final class TlsConfigReader {

  private static final Logger LOG = LoggerFactory.getLogger(TlsConfigReader.class);

  static final Set<String> IDENTITY = Set.of("clientCertificate", "clientKey", "clientKeyStore", "clientKeyStorePasswordEnv",
      "clientKeyAlias");
  static final Set<String> TRUST = Set.of("trustCertificates", "trustStore", "trustStorePasswordEnv");
  static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private final Path baseDir;
  private final Function<String, String> environment;
  private final Clock clock;

  public TlsConfigReader(Path baseDir, Function<String, String> environment, Clock clock) {
    this.baseDir = baseDir;
    this.environment = environment;
    this.clock = clock;
  }

  /**
   * One block as read: each part null where the block does not set it, so a source's block can be laid
   * over the file's default block part by part ({@link #over}).
   */
  public record Block(KeyManagerFactory identity, String identityName, TrustManagerFactory trust, List<String> protocols,
      List<String> cipherSuites) {

    public static final Block NONE = new Block(null, null, null, null, null);

    /**
     * These settings over the defaults: the client identity is taken whole from this block if it names
     * one, else from the defaults; likewise the trust; protocols and cipher suites each on their own.
     */
    public TlsSettings over(Block defaults) {
      Block id = identity != null ? this : defaults;
      return new TlsSettings(id.identity, id.identityName,
          trust != null ? trust : defaults.trust,
          protocols != null ? protocols : defaults.protocols != null ? defaults.protocols : TlsSettings.DEFAULT_PROTOCOLS,
          cipherSuites != null ? cipherSuites : defaults.cipherSuites != null ? defaults.cipherSuites : List.of());
    }

    public TlsSettings alone() {
      return over(NONE);
    }

    /** Whether this block itself names a client certificate. */
    public boolean presentsCertificate() {
      return identity != null;
    }
  }

  /** Reads {@code json} (the block; null or empty: {@link Block#NONE}), reporting problems under {@code where}. */
  public Block read(JsonObject json, String where, List<String> problems) {
    if (json == null || json.isEmpty()) {
      return Block.NONE;
    }
    Fields f = new Fields(json, where, problems);
    for (String field : json.fieldNames()) {
      if (field.endsWith("Password")) {
        f.problem(field, "a password is never written in the configuration: put it in an environment variable and"
            + " name that variable in " + field + "Env");
      } else if (!IDENTITY.contains(field) && !TRUST.contains(field) && !"protocols".equals(field) && !"cipherSuites".equals(field)) {
        f.problem(field, "unknown TLS setting (expected one of clientCertificate, clientKey, clientKeyStore,"
            + " clientKeyStorePasswordEnv, clientKeyAlias, trustCertificates, trustStore, trustStorePasswordEnv, protocols,"
            + " cipherSuites)");
      }
    }
    ClientIdentity.Loaded identity = identity(f, json);
    return new Block(identity == null ? null : identity.factory(), identity == null ? null : identity.name(),
        trust(f, json), protocols(f, json), cipherSuites(f, json));
  }

  private ClientIdentity.Loaded identity(Fields f, JsonObject json) {
    boolean pem = json.containsKey("clientCertificate") || json.containsKey("clientKey");
    boolean store = json.containsKey("clientKeyStore") || json.containsKey("clientKeyStorePasswordEnv") || json.containsKey("clientKeyAlias");
    if (pem && store) {
      f.problem("clientKeyStore", "give either clientCertificate and clientKey (PEM) or clientKeyStore (PKCS#12), not both");
      return null;
    }
    try {
      if (pem) {
        String certificate = f.requiredString("clientCertificate");
        String key = f.requiredString("clientKey");
        return certificate == null || key == null ? null
            : logged(f, ClientIdentity.fromPem(path(certificate), path(key), clock.instant()));
      }
      if (store) {
        String file = f.requiredString("clientKeyStore");
        String passwordEnv = f.requiredString("clientKeyStorePasswordEnv");
        String alias = f.optionalString("clientKeyAlias", null);
        if (file == null || passwordEnv == null) {
          return null;
        }
        String password = environment.apply(passwordEnv);
        if (password == null) {
          f.problem("clientKeyStorePasswordEnv", "the environment variable " + passwordEnv + " is not set");
          return null;
        }
        return logged(f, ClientIdentity.fromKeyStore(path(file), password.toCharArray(), alias, passwordEnv, clock.instant()));
      }
    } catch (Unusable e) {
      f.problem(e.field(pem ? "clientCertificate" : "clientKeyStore"), e.getMessage());
    }
    return null;
  }

  private static ClientIdentity.Loaded logged(Fields f, ClientIdentity.Loaded identity) {
    if (identity.expiresSoon()) {
      LOG.warn("{}: the client certificate {} expires within {} days: renew it", f.where(), identity.name(),
          ClientIdentity.EXPIRY_WARNING.toDays());
    }
    return identity;
  }

  private TrustManagerFactory trust(Fields f, JsonObject json) {
    boolean pem = json.containsKey("trustCertificates");
    boolean store = json.containsKey("trustStore") || json.containsKey("trustStorePasswordEnv");
    if (pem && store) {
      f.problem("trustStore", "give either trustCertificates (PEM) or trustStore (PKCS#12 or JKS), not both");
      return null;
    }
    try {
      if (pem) {
        String bundle = f.requiredString("trustCertificates");
        return bundle == null ? null : TrustedCertificates.fromPem(path(bundle), clock.instant());
      }
      if (store) {
        String file = f.requiredString("trustStore");
        String passwordEnv = f.optionalString("trustStorePasswordEnv", null);
        if (file == null) {
          return null;
        }
        char[] password = null;
        if (passwordEnv != null) {
          String value = environment.apply(passwordEnv);
          if (value == null) {
            f.problem("trustStorePasswordEnv", "the environment variable " + passwordEnv + " is not set");
            return null;
          }
          password = value.toCharArray();
        }
        return TrustedCertificates.fromStore(path(file), password, passwordEnv, clock.instant());
      }
    } catch (Unusable e) {
      f.problem(e.field(pem ? "trustCertificates" : "trustStore"), e.getMessage());
    }
    return null;
  }

  private static List<String> protocols(Fields f, JsonObject json) {
    if (!json.containsKey("protocols")) {
      return null;
    }
    List<String> protocols = f.stringList("protocols", true);
    for (String protocol : protocols) {
      if (!ALLOWED_PROTOCOLS.contains(protocol)) {
        f.problem("protocols", "'" + protocol + "' is not allowed (TLSv1.2 and TLSv1.3 only)");
      }
    }
    if (protocols.isEmpty()) {
      f.problem("protocols", "name at least one of TLSv1.2, TLSv1.3");
    }
    return List.copyOf(new LinkedHashSet<>(protocols));
  }

  private static List<String> cipherSuites(Fields f, JsonObject json) {
    if (!json.containsKey("cipherSuites")) {
      return null;
    }
    List<String> suites = f.stringList("cipherSuites", true);
    Set<String> supported = supportedCipherSuites();
    List<String> unknown = new ArrayList<>(suites.stream().filter(s -> !supported.contains(s)).toList());
    if (!unknown.isEmpty()) {
      f.problem("cipherSuites", "not supported by this Java runtime: " + unknown);
    }
    if (suites.isEmpty()) {
      f.problem("cipherSuites", "name at least one cipher suite, or leave the field out for the runtime's defaults");
    }
    return List.copyOf(new LinkedHashSet<>(suites));
  }

  private static Set<String> supportedCipherSuites() {
    try {
      return Set.copyOf(Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
    } catch (java.security.NoSuchAlgorithmException e) {
      return Set.of();
    }
  }

  private Path path(String value) {
    Path p = Path.of(value);
    return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
  }
}
