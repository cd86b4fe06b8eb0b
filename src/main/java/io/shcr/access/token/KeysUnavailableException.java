package io.shcr.access.token;

/** The identity provider's signing keys cannot be had right now (JWKS unreachable, and nothing usable cached). */
public final class KeysUnavailableException extends RuntimeException {

  public KeysUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
