package io.shcr.access.token;

/**
 * How a token's registered claims are judged.
 *
 * @param issuer the expected {@code iss}
 * @param audience our client id: {@code aud} must name it, and {@code azp}, when present, must be it
 * @param clockSkewSeconds tolerance on {@code exp}, {@code nbf} and {@code iat}
 * @param maxLifetimeSeconds the longest {@code exp - iat} accepted
 * @param maxTokenLength the longest compact token accepted, in characters
 */
public record TokenRules(String issuer, String audience, long clockSkewSeconds, long maxLifetimeSeconds, int maxTokenLength) {}
