package io.shcr.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM files: certificates (one or a bundle) and an unencrypted private key, PKCS#8
 * ({@code PRIVATE KEY}: RSA, EC, Ed25519) or PKCS#1 ({@code RSA PRIVATE KEY}). An encrypted PEM key is
 * refused: a key that needs a password belongs in a PKCS#12 key store, whose password comes from the
 * environment.
 */
final class PemFiles {

  private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "RSASSA-PSS"};

  private PemFiles() {}

  static byte[] read(Path file) throws Unusable {
    if (!Files.exists(file)) {
      throw new Unusable("file not found: " + file);
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new Unusable("file cannot be read: " + file);
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new Unusable("file cannot be read: " + file);
    }
  }

  /** Every certificate in the file, in order (a chain: the leaf first). */
  static List<X509Certificate> certificates(Path file) throws Unusable {
    byte[] bytes = read(file);
    if (!new String(bytes, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
      throw new Unusable("not a PEM certificate file (no BEGIN CERTIFICATE block): " + file);
    }
    try {
      List<X509Certificate> out = new ArrayList<>();
      CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))
          .forEach(c -> out.add((X509Certificate) c));
      if (out.isEmpty()) {
        throw new Unusable("no certificate in " + file);
      }
      return out;
    } catch (CertificateException e) {
      throw new Unusable("a certificate in " + file + " cannot be read");
    }
  }

  static PrivateKey privateKey(Path file) throws Unusable {
    String text = new String(read(file), StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new Unusable("the key in " + file + " is encrypted, which PEM keys cannot be here: use a PKCS#12 key store"
          + " (clientKeyStore) with its password in an environment variable (clientKeyStorePasswordEnv)");
    }
    byte[] pkcs1 = block(text, "RSA PRIVATE KEY");
    if (pkcs1 != null) {
      return parse(rsaPkcs8(pkcs1), new String[] {"RSA"}, file);
    }
    if (block(text, "EC PRIVATE KEY") != null) {
      throw new Unusable("the key in " + file + " is a SEC1 'EC PRIVATE KEY': convert it to PKCS#8"
          + " (openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem)");
    }
    byte[] pkcs8 = block(text, "PRIVATE KEY");
    if (pkcs8 == null) {
      throw new Unusable("not a PEM private key (expected a 'PRIVATE KEY' or 'RSA PRIVATE KEY' block): " + file);
    }
    return parse(pkcs8, KEY_ALGORITHMS, file);
  }

  private static PrivateKey parse(byte[] pkcs8, String[] algorithms, Path file) throws Unusable {
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException | IllegalArgumentException notThisOne) {
        // try the next algorithm
      }
    }
    throw new Unusable("the private key in " + file + " cannot be read (RSA, EC or Ed25519 expected)");
  }

  private static byte[] block(String text, String label) throws Unusable {
    String begin = "-----BEGIN " + label + "-----";
    int from = text.indexOf(begin);
    if (from < 0) {
      return null;
    }
    int to = text.indexOf("-----END " + label + "-----", from);
    if (to < 0) {
      throw new Unusable("a PEM block '" + label + "' has no END line");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new Unusable("a PEM block '" + label + "' is not base64");
    }
  }

  /** A PKCS#1 RSAPrivateKey wrapped as PKCS#8: SEQUENCE { 0, SEQUENCE { rsaEncryption, NULL }, OCTET STRING }. */
  private static byte[] rsaPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length = n < 0x80 ? new byte[] {(byte) n}
        : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
        : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
        : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }
}
