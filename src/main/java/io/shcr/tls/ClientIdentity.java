package io.shcr.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;

/**
 * The client certificate this service presents, from a PEM certificate and key or from a PKCS#12 (or
 * JKS) key store, checked before it is used: the key is the certificate's, the certificate is valid now
 * and may be used for client authentication. What comes out is a JSSE key manager holding that one key.
 */
final class ClientIdentity {

  /** A certificate that expires within this long is warned about at start. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";

  /** A checked identity: the key manager, what to call it in logs, and whether it expires soon. */
  record Loaded(KeyManagerFactory factory, String name, boolean expiresSoon) {}

  private ClientIdentity() {}

  static Loaded fromPem(Path certificate, Path key, Instant now) throws Unusable {
    List<X509Certificate> chain = PemFiles.certificates(certificate);
    PrivateKey privateKey;
    try {
      privateKey = PemFiles.privateKey(key);
    } catch (Unusable e) {
      throw new Unusable("clientKey", e.getMessage());
    }
    try {
      return checked(privateKey, chain, now, "the key in " + key + " is not the key of the certificate in " + certificate);
    } catch (Unusable e) {
      throw e.getMessage().startsWith("the key in ") ? new Unusable("clientKey", e.getMessage()) : e;
    }
  }

  static Loaded fromKeyStore(Path file, char[] password, String alias, String passwordEnv, Instant now) throws Unusable {
    PemFiles.read(file);
    KeyStore store;
    try {
      store = KeyStore.getInstance(file.toFile(), password);
    } catch (IOException | GeneralSecurityException e) {
      throw new Unusable(file + " cannot be opened with the password in " + passwordEnv
          + " (a wrong password, or not a PKCS#12 or JKS key store)");
    }
    try {
      List<String> keys = new ArrayList<>();
      for (String name : Collections.list(store.aliases())) {
        if (store.isKeyEntry(name)) {
          keys.add(name);
        }
      }
      String chosen = alias;
      if (chosen == null) {
        if (keys.size() != 1) {
          throw new Unusable(file + (keys.isEmpty() ? " holds no private key"
              : " holds " + keys.size() + " keys " + keys + ": name one in clientKeyAlias"));
        }
        chosen = keys.get(0);
      } else if (!keys.contains(chosen)) {
        throw new Unusable(file + " holds no key named '" + chosen + "' (it holds " + keys + ")");
      }
      PrivateKey key = (PrivateKey) store.getKey(chosen, password);
      Certificate[] chain = store.getCertificateChain(chosen);
      if (chain == null || chain.length == 0) {
        throw new Unusable(file + ": the key '" + chosen + "' has no certificate");
      }
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate c : chain) {
        certificates.add((X509Certificate) c);
      }
      return checked(key, certificates, now, file + ": the key '" + chosen + "' is not its certificate's key");
    } catch (UnrecoverableKeyException e) {
      throw new Unusable(file + ": the key has another password than the store (use one password for both)");
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new Unusable(file + ": the key or its certificate cannot be read");
    }
  }

  private static Loaded checked(PrivateKey key, List<X509Certificate> chain, Instant now, String mismatch) throws Unusable {
    X509Certificate leaf = chain.get(0);
    String subject = leaf.getSubjectX500Principal().getName();
    if (!matches(key, leaf.getPublicKey())) {
      throw new Unusable(mismatch);
    }
    try {
      leaf.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new Unusable("the client certificate " + subject + " expired on " + leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new Unusable("the client certificate " + subject + " is not valid until " + leaf.getNotBefore().toInstant());
    }
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
        throw new Unusable("the client certificate " + subject + " may not be used for client authentication"
            + " (its extended key usage lacks clientAuth)");
      }
    } catch (CertificateParsingException e) {
      throw new Unusable("the client certificate " + subject + " has an extended key usage that cannot be read");
    }
    Instant expires = leaf.getNotAfter().toInstant();
    return new Loaded(keyManager(key, chain), subject + " (expires " + expires + ")",
        expires.isBefore(now.plus(EXPIRY_WARNING)));
  }

  /** Whether the private key is the public key's other half: RSA by its modulus, others by a signature. */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (key instanceof RSAKey rsa) {
      return publicKey instanceof RSAKey other && rsa.getModulus().equals(other.getModulus());
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return false;
    }
    try {
      // A public key of another algorithm fails initVerify, which is a mismatch too.
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static KeyManagerFactory keyManager(PrivateKey key, List<X509Certificate> chain) throws Unusable {
    try {
      char[] password = "in-memory".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory;
    } catch (IOException | GeneralSecurityException e) {
      throw new Unusable("the client certificate and key cannot be used together ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
