package io.shcr.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads PEM keys: public keys as X.509 SubjectPublicKeyInfo, private keys as PKCS#8 (RSA or EC). */
public final class Pem {

  private Pem() {}

  public static PublicKey publicKey(Path file) {
    byte[] der = der(file, "PUBLIC KEY");
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException tryNext) {
        // not this algorithm
      }
    }
    throw new IllegalArgumentException(file + ": not an RSA or EC public key");
  }

  public static PrivateKey privateKey(Path file) {
    byte[] der = der(file, "PRIVATE KEY");
    for (String algorithm : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException tryNext) {
        // not this algorithm
      }
    }
    throw new IllegalArgumentException(file + ": not a PKCS#8 RSA or EC private key");
  }

  private static byte[] der(Path file, String label) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(file + ": expected a PEM block '" + begin + "'");
    }
    String body = text.substring(from + begin.length(), to).replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }
}
