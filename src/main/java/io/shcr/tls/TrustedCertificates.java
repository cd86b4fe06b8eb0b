package io.shcr.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates trusted to identify the far end: a PEM bundle (the region's or Spine's CA chain) or
 * a PKCS#12/JKS trust store. Only these are trusted (not the JVM's public CAs as well), so a server
 * whose certificate another CA issued is refused even when that CA is a public one.
 */
final class TrustedCertificates {

  private TrustedCertificates() {}

  static TrustManagerFactory fromPem(Path bundle, Instant now) throws Unusable {
    List<X509Certificate> certificates = PemFiles.certificates(bundle);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("trusted-" + i, certificates.get(i));
      }
      return factory(store, bundle, now);
    } catch (IOException | GeneralSecurityException e) {
      throw new Unusable("the certificates in " + bundle + " cannot be used as a trust store");
    }
  }

  static TrustManagerFactory fromStore(Path file, char[] password, String passwordEnv, Instant now) throws Unusable {
    PemFiles.read(file);
    KeyStore store;
    try {
      store = KeyStore.getInstance(file.toFile(), password);
    } catch (IOException | GeneralSecurityException e) {
      throw new Unusable(file + " cannot be opened" + (passwordEnv == null ? " without a password (name one in trustStorePasswordEnv)"
          : " with the password in " + passwordEnv) + " (a wrong password, or not a PKCS#12 or JKS trust store)");
    }
    return factory(store, file, now);
  }

  private static TrustManagerFactory factory(KeyStore store, Path file, Instant now) throws Unusable {
    try {
      int trusted = 0;
      int current = 0;
      for (String alias : Collections.list(store.aliases())) {
        if (store.isCertificateEntry(alias)) {
          trusted++;
          Certificate certificate = store.getCertificate(alias);
          if (certificate instanceof X509Certificate x509 && x509.getNotAfter().after(Date.from(now))) {
            current++;
          }
        }
      }
      if (trusted == 0) {
        throw new Unusable(file + " holds no trusted certificate");
      }
      if (current == 0) {
        throw new Unusable("every certificate in " + file + " has expired");
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (GeneralSecurityException e) {
      throw new Unusable(file + " cannot be used as a trust store");
    }
  }
}
