package io.shcr.tls;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * What went wrong in a TLS connection, in our own fixed words for an operator and a clinician's status
 * line: never the exception's message (which can name hosts, certificate fields or internal classes).
 */
public final class HandshakeFailures {

  private HandshakeFailures() {}

  /**
   * A fixed description of the TLS failure in {@code failure}'s causes, or null when it was not a TLS
   * failure; {@code farEnd} names who was called ("the source").
   */
  public static String describe(Throwable failure, String farEnd) {
    boolean tls = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
        return "TLS: " + farEnd + "'s certificate is out of its validity period";
      }
      if (t instanceof CertPathValidatorException || has(t, "PKIX path", "unable to find valid certification path")) {
        return "TLS: " + farEnd + "'s certificate is not issued by a trusted authority";
      }
      if (has(t, "No subject alternative", "No name matching")) {
        return "TLS: " + farEnd + "'s certificate does not name the host called";
      }
      if (has(t, "bad_certificate", "certificate_required", "unknown_ca", "certificate_unknown", "certificate_expired",
          "certificate_revoked", "access_denied", "unsupported_certificate")) {
        return "TLS: " + farEnd + " refused our client certificate (or none was sent)";
      }
      if (has(t, "protocol_version", "No appropriate protocol", "handshake_failure", "insufficient_security",
          "no cipher suites in common")) {
        return "TLS: no TLS version or cipher suite in common with " + farEnd;
      }
      tls |= t instanceof SSLException;
    }
    if (failure instanceof SSLHandshakeException || tls) {
      return "TLS: the handshake with " + farEnd + " failed";
    }
    return null;
  }

  private static boolean has(Throwable t, String... words) {
    String message = t.getMessage();
    if (message == null) {
      return false;
    }
    for (String word : words) {
      if (message.contains(word)) {
        return true;
      }
    }
    return false;
  }
}
