package io.shcr.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A small PKI made at test time with the JDK's keytool (nothing that expires is committed): a region CA,
 * an impostor's CA, and certificates they issue, each as PEM (chain, PKCS#8 key) and PKCS#12. Made once
 * per test JVM in a temporary directory; keytool runs in parallel, a few seconds in all.
 */
public final class TestPki {

  /** The password of every PKCS#12 file here (tests hand it over as an environment variable). */
  public static final String PASSWORD = "test-only-pass";

  /** One issued certificate: its PEM chain (leaf first, then its CA), its PEM key, and both in a PKCS#12 file. */
  public record Issued(Path certificate, Path key, Path keyStore, X509Certificate leaf) {}

  private static TestPki made;

  public final Path dir;
  public final Path caPem;
  public final Path caTrustStore;
  public final Path impostorCaPem;
  /** A server for localhost and 127.0.0.1, by the region CA. */
  public final Issued server;
  /** The same names, by the impostor's CA. */
  public final Issued impostorServer;
  /** By the region CA, but for another host name only. */
  public final Issued wrongNameServer;
  /** Our client certificate, by the region CA. */
  public final Issued client;
  /** A client certificate by the impostor's CA. */
  public final Issued strangerClient;
  /** By the region CA, expired ten days ago. */
  public final Issued expiredClient;
  /** By the region CA, for servers only (extended key usage serverAuth). */
  public final Issued serverOnlyClient;
  /** Our client certificate in RSA, its key written as PKCS#1 ("RSA PRIVATE KEY"). */
  public final Issued rsaClient;

  public static synchronized TestPki get() {
    if (made == null) {
      try {
        Path dir = Files.createTempDirectory("shcr-pki-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "shcr-pki-cleanup"));
        made = new TestPki(dir);
      } catch (Exception e) {
        throw new IllegalStateException("could not make the test PKI", e);
      }
    }
    return made;
  }

  private static void delete(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a test directory left in /tmp holds only throwaway test keys
    }
  }

  private TestPki(Path dir) throws Exception {
    this.dir = dir;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?> ca = pool.submit(() -> ca("ca", "CN=SHCR Test Region CA"));
      Future<?> impostor = pool.submit(() -> ca("impostor-ca", "CN=Impostor CA"));
      ca.get();
      impostor.get();
      caPem = dir.resolve("ca.crt");
      impostorCaPem = dir.resolve("impostor-ca.crt");
      String local = "san=dns:localhost,ip:127.0.0.1";
      Future<Issued> s = pool.submit(() -> issue("server", "ca", "EC", "CN=localhost", local, "eku=serverAuth", "+0d", 365, false));
      Future<Issued> is = pool.submit(() -> issue("impostor-server", "impostor-ca", "EC", "CN=localhost", local, "eku=serverAuth",
          "+0d", 365, false));
      Future<Issued> wn = pool.submit(() -> issue("wrong-name-server", "ca", "EC", "CN=elsewhere.example", "san=dns:elsewhere.example",
          "eku=serverAuth", "+0d", 365, false));
      Future<Issued> c = pool.submit(() -> issue("client", "ca", "EC", "CN=shcr-test-client", null, "eku=clientAuth", "+0d", 365, false));
      Future<Issued> sc = pool.submit(() -> issue("stranger-client", "impostor-ca", "EC", "CN=shcr-test-client", null, "eku=clientAuth",
          "+0d", 365, false));
      Future<Issued> ec = pool.submit(() -> issue("expired-client", "ca", "EC", "CN=shcr-expired-client", null, "eku=clientAuth",
          "-20d", 10, false));
      Future<Issued> so = pool.submit(() -> issue("server-only-client", "ca", "EC", "CN=shcr-server-only", null, "eku=serverAuth",
          "+0d", 365, false));
      Future<Issued> rsa = pool.submit(() -> issue("rsa-client", "ca", "RSA", "CN=shcr-rsa-client", null, "eku=clientAuth", "+0d", 365,
          true));
      server = s.get();
      impostorServer = is.get();
      wrongNameServer = wn.get();
      client = c.get();
      strangerClient = sc.get();
      expiredClient = ec.get();
      serverOnlyClient = so.get();
      rsaClient = rsa.get();
      caTrustStore = dir.resolve("ca-trust.p12");
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("region-ca", certificates(caPem).get(0));
      try (OutputStream out = Files.newOutputStream(caTrustStore)) {
        trust.store(out, PASSWORD.toCharArray());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private Void ca(String name, String dname) throws Exception {
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-ext", "bc:c",
        "-validity", "400", "-keystore", dir.resolve(name + ".p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", name, "-keystore", dir.resolve(name + ".p12").toString(), "-storepass", PASSWORD,
        "-file", dir.resolve(name + ".crt").toString());
    return null;
  }

  private Issued issue(String name, String ca, String algorithm, String dname, String san, String eku, String start, int days,
      boolean pkcs1) throws Exception {
    Path store = dir.resolve(name + "-self.p12");
    List<String> keyAlg = algorithm.equals("EC") ? List.of("-keyalg", "EC", "-groupname", "secp256r1") : List.of("-keyalg", "RSA",
        "-keysize", "2048");
    List<String> gen = new ArrayList<>(List.of("-genkeypair", "-alias", name));
    gen.addAll(keyAlg);
    gen.addAll(List.of("-dname", dname, "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
    keytool(gen.toArray(String[]::new));
    Path csr = dir.resolve(name + ".csr");
    keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD, "-file", csr.toString());
    Path crt = dir.resolve(name + "-leaf.crt");
    List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", ca, "-keystore", dir.resolve(ca + ".p12").toString(),
        "-storepass", PASSWORD, "-infile", csr.toString(), "-outfile", crt.toString(), "-startdate", start, "-validity",
        String.valueOf(days), "-ext", eku));
    if (san != null) {
      sign.addAll(List.of("-ext", san));
    }
    keytool(sign.toArray(String[]::new));

    KeyStore self = KeyStore.getInstance(store.toFile(), PASSWORD.toCharArray());
    PrivateKey key = (PrivateKey) self.getKey(name, PASSWORD.toCharArray());
    X509Certificate leaf = certificates(crt).get(0);
    X509Certificate caCert = certificates(dir.resolve(ca + ".crt")).get(0);
    Path chain = dir.resolve(name + ".crt");
    Files.writeString(chain, pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", caCert.getEncoded()));
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(keyFile, pkcs1 ? pem("RSA PRIVATE KEY", pkcs1Of(key.getEncoded())) : pem("PRIVATE KEY", key.getEncoded()));
    Path p12 = dir.resolve(name + ".p12");
    KeyStore out = KeyStore.getInstance("PKCS12");
    out.load(null, null);
    out.setKeyEntry(name, key, PASSWORD.toCharArray(), new X509Certificate[] {leaf, caCert});
    try (OutputStream stream = Files.newOutputStream(p12)) {
      out.store(stream, PASSWORD.toCharArray());
    }
    return new Issued(chain, keyFile, p12, leaf);
  }

  public static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** The PKCS#1 RSAPrivateKey inside a PKCS#8 encoding: the content of its last OCTET STRING. */
  private static byte[] pkcs1Of(byte[] pkcs8) {
    int at = 0;
    at = skipHeader(pkcs8, at); // outer SEQUENCE
    at = skipWhole(pkcs8, at); // version
    at = skipWhole(pkcs8, at); // algorithm
    int content = skipHeader(pkcs8, at); // OCTET STRING
    return java.util.Arrays.copyOfRange(pkcs8, content, pkcs8.length);
  }

  private static int skipHeader(byte[] der, int at) {
    int length = der[at + 1] & 0xff;
    return at + 2 + (length < 0x80 ? 0 : length & 0x7f);
  }

  private static int skipWhole(byte[] der, int at) {
    int length = der[at + 1] & 0xff;
    if (length < 0x80) {
      return at + 2 + length;
    }
    int n = length & 0x7f;
    int value = 0;
    for (int i = 0; i < n; i++) {
      value = (value << 8) | (der[at + 2 + i] & 0xff);
    }
    return at + 2 + n + value;
  }

  public static List<X509Certificate> certificates(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      List<X509Certificate> out = new ArrayList<>();
      CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
      return out;
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of("-J-Xshare:auto", "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + new String(output, StandardCharsets.UTF_8));
    }
  }
}
