package io.shcr.tls;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.util.LinkedHashSet;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * How this service speaks TLS to one system (a source, or Spine), loaded and checked at start
 * ({@link TlsConfigReader}): the client certificate it presents, the certificates it trusts, the TLS
 * versions and cipher suites it offers. Hostname verification is always on and has no setting; SNI always
 * names the URL's host (left to itself, the JDK sends none for a name without a dot). The key material is held as JSSE factories, so the secrets that opened it are gone.
 *
 * @param identity the client certificate and its key, or null to present none
 * @param identityName the certificate's subject and expiry, for logs (never a secret), or null
 * @param trust the certificates trusted to identify the far end, or null for the JVM's default trust
 * @param protocols the TLS versions offered (TLSv1.2 and TLSv1.3 at most)
 * @param cipherSuites the cipher suites offered, or empty for the JVM's defaults
 */
public record TlsSettings(KeyManagerFactory identity, String identityName, TrustManagerFactory trust,
    List<String> protocols, List<String> cipherSuites) {

  /** TLS 1.3 and 1.2 only. */
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** No client certificate, the JVM's trust, TLS 1.2 and 1.3, the JVM's cipher suites. */
  public static final TlsSettings DEFAULT = new TlsSettings(null, null, null, DEFAULT_PROTOCOLS, List.of());

  public TlsSettings {
    protocols = List.copyOf(protocols);
    cipherSuites = List.copyOf(cipherSuites);
  }

  /**
   * Why an {@code https} URL cannot be called with these settings, or null: SNI cannot carry an IPv6
   * address, so such a URL must name its host.
   */
  public static String unusableUrl(String url) {
    if (url == null || !url.startsWith("https://")) {
      return null;
    }
    String host = java.net.URI.create(url).getHost();
    return host != null && host.startsWith("[") ? url + " names an IPv6 address, which TLS's server name (SNI) cannot carry:"
        + " use the host's name" : null;
  }

  /** Whether a client certificate is configured (mutual TLS). */
  public boolean presentsCertificate() {
    return identity != null;
  }

  /**
   * Puts these settings on a client's options; the rest of the options (pool, timeouts) stay the caller's.
   * A request to an {@code https} URL then uses them; a plain {@code http} one does not use TLS at all,
   * which is why start-up refuses a client certificate on an {@code http} URL.
   */
  public HttpClientOptions applyTo(HttpClientOptions options) {
    options.setVerifyHost(true).setTrustAll(false).setForceSni(true);
    options.setEnabledSecureTransportProtocols(new LinkedHashSet<>(protocols));
    cipherSuites.forEach(options::addEnabledCipherSuite);
    if (identity != null) {
      options.setKeyCertOptions(KeyCertOptions.wrap(identity));
    }
    if (trust != null) {
      options.setTrustOptions(TrustOptions.wrap(trust));
    }
    return options;
  }
}
