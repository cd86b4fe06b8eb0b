package io.shcr.access;

import io.shcr.access.token.TokenProblem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bearer-token variants an attacker, a broken client or a misconfigured identity provider could send, each
 * with the {@link TokenProblem} it must be refused for (or none: it must be accepted). Each variant is made
 * from a persona's genuine claims, so it differs from an accepted token in exactly one way. Tokens are signed
 * with the demo key unless the variant is about another key.
 */
final class TokenVariants {

  static final String KID = "shcr-demo-es256";
  private static final String ES256_JCA = "SHA256withECDSAinP1363Format";

  /**
   * @param refusal the problem it is refused for, or null when it must be accepted
   * @param authorization the {@code Authorization} header values it sends, from the persona's claims
   */
  record Variant(String name, TokenProblem refusal, Function<JsonObject, List<String>> authorization) {
    @Override
    public String toString() {
      return name + (refusal == null ? " (accepted)" : " (" + refusal + ")");
    }
  }

  private final PrivateKey demo;
  private final PublicKey demoPublic;
  private final byte[] demoPublicPem;
  private final KeyPair attackerEc;
  private final KeyPair attackerRsa;
  TokenVariants(Path configDir) throws Exception {
    this.demo = Pem.privateKey(configDir.resolve("demo-keys/demo-es256-private.pem"));
    this.demoPublic = Pem.publicKey(configDir.resolve("demo-keys/demo-es256-public.pem"));
    this.demoPublicPem = Files.readAllBytes(configDir.resolve("demo-keys/demo-es256-public.pem"));
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    this.attackerEc = ec.generateKeyPair();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    this.attackerRsa = rsa.generateKeyPair();
  }

  /** The claims of a compact token, decoded without any check. */
  static JsonObject claimsOf(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  List<Variant> all() {
    List<Variant> v = new ArrayList<>();
    transport(v);
    structure(v);
    duplicates(v);
    algorithms(v);
    headerParameters(v);
    keys(v);
    signatures(v);
    issuerAndAudience(v);
    dates(v);
    subjectAndAssurance(v);
    roles(v);
    organisations(v);
    return List.copyOf(v);
  }

  private void transport(List<Variant> v) {
    v.add(claims("the persona's own token", null, c -> { }));
    v.add(raw("no Authorization header", TokenProblem.MISSING, c -> List.of()));
    v.add(raw("Basic credentials instead of a bearer token", TokenProblem.MISSING, c -> List.of("Basic dXNlcjpwYXNzd29yZA==")));
    v.add(raw("the Bearer scheme with no token", TokenProblem.MISSING, c -> List.of("Bearer ")));
    v.add(raw("two Authorization headers", TokenProblem.MALFORMED, c -> List.of("Bearer " + good(c), "Bearer " + good(c))));
    v.add(raw("the scheme in lower case", null, c -> List.of("bearer " + good(c))));
    v.add(raw("a space inside the token", TokenProblem.MALFORMED, c -> {
      String t = good(c);
      return bearer(t.substring(0, 20) + " " + t.substring(20));
    }));
  }

  private void structure(List<Variant> v) {
    v.add(raw("one part", TokenProblem.MALFORMED, c -> bearer(part(good(c), 1))));
    v.add(raw("two parts", TokenProblem.MALFORMED, c -> bearer(part(good(c), 0) + "." + part(good(c), 1))));
    v.add(raw("an extra fourth part", TokenProblem.MALFORMED, c -> bearer(good(c) + ".e30")));
    v.add(raw("five parts, shaped like a JWE", TokenProblem.MALFORMED, c -> bearer(good(c) + ".e30.e30")));
    v.add(raw("base64 padding", TokenProblem.MALFORMED, c -> bearer(part(good(c), 0) + "=." + part(good(c), 1) + "." + part(good(c), 2))));
    v.add(raw("a character outside base64url", TokenProblem.MALFORMED, c -> bearer(good(c).replaceFirst("\\.", ".+"))));
    v.add(raw("header of impossible base64 length", TokenProblem.MALFORMED,
        c -> bearer(part(good(c), 0) + "A." + part(good(c), 1) + "." + part(good(c), 2))));
    v.add(raw("signature of impossible base64 length", TokenProblem.MALFORMED, c -> bearer(good(c) + "AAA")));
    v.add(raw("an empty header", TokenProblem.MALFORMED, c -> bearer("." + part(good(c), 1) + "." + part(good(c), 2))));
    v.add(raw("a header that is not JSON", TokenProblem.MALFORMED, c -> bearer(signRaw("alg ES256", c.encode(), demo, ES256_JCA))));
    v.add(raw("a header that is a JSON array", TokenProblem.MALFORMED, c -> bearer(signRaw("[\"ES256\"]", c.encode(), demo, ES256_JCA))));
    v.add(raw("a header that is not UTF-8", TokenProblem.MALFORMED, c -> bearer(b64(new byte[] {0x7b, (byte) 0xff, 0x7d}) + "."
        + part(good(c), 1) + "." + part(good(c), 2))));
    v.add(raw("a payload that is not JSON", TokenProblem.MALFORMED, c -> bearer(signRaw(header().encode(), "sub=555000100001", demo, ES256_JCA))));
    v.add(raw("a payload that is a JSON string", TokenProblem.MALFORMED, c -> bearer(signRaw(header().encode(), "\"claims\"", demo, ES256_JCA))));
    v.add(raw("data after the payload's JSON", TokenProblem.MALFORMED, c -> bearer(signRaw(header().encode(), c.encode() + "{}", demo, ES256_JCA))));
    v.add(claims("a payload nested 40 deep", TokenProblem.MALFORMED, c -> {
      JsonObject deep = new JsonObject();
      JsonObject at = deep;
      for (int i = 0; i < 40; i++) {
        JsonObject next = new JsonObject();
        at.put("d", next);
        at = next;
      }
      c.put("deep", deep);
    }));
    v.add(claims("an oversized token", TokenProblem.TOO_LARGE, c -> c.put("padding", "x".repeat(5_000))));
  }

  private void duplicates(List<Variant> v) {
    v.add(raw("header alg none then ES256", TokenProblem.DUPLICATE_MEMBER,
        c -> bearer(signRaw("{\"alg\":\"none\",\"alg\":\"ES256\",\"kid\":\"" + KID + "\"}", c.encode(), demo, ES256_JCA))));
    v.add(raw("header alg ES256 then none", TokenProblem.DUPLICATE_MEMBER,
        c -> bearer(signRaw("{\"alg\":\"ES256\",\"kid\":\"" + KID + "\",\"alg\":\"none\"}", c.encode(), demo, ES256_JCA))));
    v.add(raw("header alg ES256 twice", TokenProblem.DUPLICATE_MEMBER,
        c -> bearer(signRaw("{\"alg\":\"ES256\",\"alg\":\"ES256\",\"kid\":\"" + KID + "\"}", c.encode(), demo, ES256_JCA))));
    v.add(raw("header kid twice", TokenProblem.DUPLICATE_MEMBER,
        c -> bearer(signRaw("{\"alg\":\"ES256\",\"kid\":\"other\",\"kid\":\"" + KID + "\"}", c.encode(), demo, ES256_JCA))));
    v.add(raw("payload sub twice", TokenProblem.DUPLICATE_MEMBER,
        c -> bearer(signRaw(header().encode(), "{\"sub\":\"555000999999\"," + c.encode().substring(1), demo, ES256_JCA))));
    v.add(raw("payload iss twice", TokenProblem.DUPLICATE_MEMBER,
        c -> bearer(signRaw(header().encode(), "{\"iss\":\"https://evil.example\"," + c.encode().substring(1), demo, ES256_JCA))));
    v.add(raw("payload selected_roleid twice", TokenProblem.DUPLICATE_MEMBER,
        c -> bearer(signRaw(header().encode(), "{\"selected_roleid\":\"x\"," + c.encode().substring(1), demo, ES256_JCA))));
    v.add(raw("org_code twice inside the role", TokenProblem.DUPLICATE_MEMBER, c -> {
      String org = role(c).getString("org_code");
      String once = "\"org_code\":\"" + org + "\"";
      String text = c.encode();
      int at = text.indexOf(once);
      return bearer(signRaw(header().encode(), text.substring(0, at) + "\"org_code\":\"X99\"," + text.substring(at), demo, ES256_JCA));
    }));
  }

  private void algorithms(List<Variant> v) {
    v.add(raw("alg none without a signature", TokenProblem.UNSIGNED, c -> bearer(unsigned("none", c) + ".")));
    v.add(raw("alg none with the genuine signature", TokenProblem.UNSIGNED, c -> bearer(unsigned("none", c) + "." + part(good(c), 2))));
    v.add(raw("alg NONE", TokenProblem.UNSIGNED, c -> bearer(unsigned("NONE", c) + ".")));
    v.add(raw("alg nOnE", TokenProblem.UNSIGNED, c -> bearer(unsigned("nOnE", c) + ".")));
    v.add(header("alg missing", TokenProblem.MALFORMED, h -> h.remove("alg")));
    v.add(header("alg null", TokenProblem.MALFORMED, h -> h.putNull("alg")));
    v.add(header("alg a number", TokenProblem.MALFORMED, h -> h.put("alg", 256)));
    v.add(raw("HS256 keyed with the public key's PEM", TokenProblem.ALGORITHM_NOT_ALLOWED, c -> bearer(hmac("HS256", "HmacSHA256", demoPublicPem, c))));
    v.add(raw("HS256 keyed with the public key's DER", TokenProblem.ALGORITHM_NOT_ALLOWED,
        c -> bearer(hmac("HS256", "HmacSHA256", demoPublic.getEncoded(), c))));
    v.add(raw("HS384 keyed with the public key's PEM", TokenProblem.ALGORITHM_NOT_ALLOWED, c -> bearer(hmac("HS384", "HmacSHA384", demoPublicPem, c))));
    v.add(raw("HS512 keyed with the public key's PEM", TokenProblem.ALGORITHM_NOT_ALLOWED, c -> bearer(hmac("HS512", "HmacSHA512", demoPublicPem, c))));
    for (String alg : List.of("ES384", "ES512", "RS512", "PS256", "EdDSA", "ES256K", "es256", "A256KW")) {
      v.add(header("alg " + alg, TokenProblem.ALGORITHM_NOT_ALLOWED, h -> h.put("alg", alg)));
    }
    v.add(raw("RS256 named over an ES256 signature", TokenProblem.UNKNOWN_KEY,
        c -> bearer(signRaw(header().put("alg", "RS256").encode(), c.encode(), demo, ES256_JCA))));
    v.add(raw("RS256 signed by an attacker's RSA key under the demo kid", TokenProblem.UNKNOWN_KEY,
        c -> bearer(signRaw(header().put("alg", "RS256").encode(), c.encode(), attackerRsa.getPrivate(), "SHA256withRSA"))));
  }

  private void headerParameters(List<Variant> v) {
    v.add(header("crit naming exp", TokenProblem.HEADER_NOT_ALLOWED, h -> h.put("crit", new JsonArray().add("exp")).put("exp", 1)));
    v.add(header("b64 false", TokenProblem.HEADER_NOT_ALLOWED, h -> h.put("b64", false)));
    v.add(header("cty JWT (a nested token)", TokenProblem.HEADER_NOT_ALLOWED, h -> h.put("cty", "JWT")));
    v.add(raw("jku to an attacker's JWKS, signed by the attacker", TokenProblem.HEADER_NOT_ALLOWED,
        c -> bearer(signRaw(header().put("jku", "https://attacker.example/jwks.json").put("kid", "attacker").encode(), c.encode(),
            attackerEc.getPrivate(), ES256_JCA))));
    v.add(header("jku with a genuine signature", TokenProblem.HEADER_NOT_ALLOWED, h -> h.put("jku", "https://attacker.example/jwks.json")));
    v.add(header("x5u", TokenProblem.HEADER_NOT_ALLOWED, h -> h.put("x5u", "https://attacker.example/cert.pem")));
    v.add(raw("jwk: the attacker's own key embedded", TokenProblem.HEADER_NOT_ALLOWED,
        c -> bearer(signRaw(header().put("jwk", attackerJwk()).encode(), c.encode(), attackerEc.getPrivate(), ES256_JCA))));
    v.add(header("x5c", TokenProblem.HEADER_NOT_ALLOWED, h -> h.put("x5c", new JsonArray().add("MIIBszCCAVmgAwIBAgIU"))));
    v.add(header("typ at+jwt", TokenProblem.WRONG_TYPE, h -> h.put("typ", "at+jwt")));
    v.add(header("typ JWE", TokenProblem.WRONG_TYPE, h -> h.put("typ", "JWE")));
    v.add(header("typ a number", TokenProblem.WRONG_TYPE, h -> h.put("typ", 1)));
    v.add(header("typ in lower case", null, h -> h.put("typ", "jwt")));
    v.add(header("no typ", null, h -> h.remove("typ")));
    v.add(header("an unknown header parameter", null, h -> h.put("x-trace", "abc")));
  }

  private void keys(List<Variant> v) {
    v.add(header("an unknown kid", TokenProblem.UNKNOWN_KEY, h -> h.put("kid", "shcr-other-key")));
    v.add(header("kid path traversal", TokenProblem.UNKNOWN_KEY, h -> h.put("kid", "../../../../../../dev/null")));
    v.add(header("kid SQL injection", TokenProblem.UNKNOWN_KEY, h -> h.put("kid", "x' UNION SELECT 'secret' --")));
    v.add(header("kid with a line break", TokenProblem.MALFORMED, h -> h.put("kid", KID + "\r\nX-Injected: 1")));
    v.add(header("kid a number", TokenProblem.MALFORMED, h -> h.put("kid", 1)));
    v.add(header("kid an object", TokenProblem.MALFORMED, h -> h.put("kid", new JsonObject().put("$ne", ""))));
    v.add(header("kid of 500 characters", TokenProblem.MALFORMED, h -> h.put("kid", "k".repeat(500))));
    v.add(header("kid empty", TokenProblem.MALFORMED, h -> h.put("kid", "")));
    v.add(header("no kid", null, h -> h.remove("kid")));
    v.add(raw("the demo kid, signed by an attacker's EC key", TokenProblem.BAD_SIGNATURE,
        c -> bearer(signRaw(header().encode(), c.encode(), attackerEc.getPrivate(), ES256_JCA))));
    v.add(raw("no kid, signed by an attacker's EC key", TokenProblem.BAD_SIGNATURE,
        c -> {
          JsonObject h = header();
          h.remove("kid");
          return bearer(signRaw(h.encode(), c.encode(), attackerEc.getPrivate(), ES256_JCA));
        }));
  }

  private void signatures(List<Variant> v) {
    v.add(raw("the payload altered after signing", TokenProblem.BAD_SIGNATURE, c -> {
      JsonObject altered = c.copy();
      role(altered).put("role_code", "S8000:G8000:R8000").put("activity_codes", new JsonArray().add("B0168"));
      return bearer(part(good(c), 0) + "." + b64(altered.encode()) + "." + part(good(c), 2));
    }));
    v.add(raw("the header altered after signing", TokenProblem.BAD_SIGNATURE,
        c -> bearer(b64(header().put("x-note", "1").encode()) + "." + part(good(c), 1) + "." + part(good(c), 2))));
    v.add(raw("an empty signature", TokenProblem.BAD_SIGNATURE, c -> bearer(part(good(c), 0) + "." + part(good(c), 1) + ".")));
    v.add(raw("a truncated signature", TokenProblem.BAD_SIGNATURE,
        c -> bearer(part(good(c), 0) + "." + part(good(c), 1) + "." + part(good(c), 2).substring(0, 43))));
    v.add(raw("another token's signature", TokenProblem.BAD_SIGNATURE,
        c -> bearer(part(good(c), 0) + "." + part(good(c), 1) + "." + part(good(c.copy().put("sub", "555000999999")), 2))));
    v.add(raw("an ES256 signature in DER form", TokenProblem.BAD_SIGNATURE, c -> bearer(signRaw(header().encode(), c.encode(), demo, "SHA256withECDSA"))));
    v.add(raw("an all-zero ECDSA signature (CVE-2022-21449)", TokenProblem.BAD_SIGNATURE,
        c -> bearer(part(good(c), 0) + "." + part(good(c), 1) + "." + b64(new byte[64]))));
    v.add(raw("one signature bit flipped", TokenProblem.BAD_SIGNATURE, c -> {
      byte[] sig = Base64.getUrlDecoder().decode(part(good(c), 2));
      sig[10] ^= 0x01;
      return bearer(part(good(c), 0) + "." + part(good(c), 1) + "." + b64(sig));
    }));
  }

  private void issuerAndAudience(List<Variant> v) {
    v.add(claims("the wrong issuer", TokenProblem.WRONG_ISSUER, c -> c.put("iss", "https://evil.example/oauth2")));
    v.add(claims("the issuer with a trailing slash", TokenProblem.WRONG_ISSUER, c -> c.put("iss", c.getString("iss") + "/")));
    v.add(claims("no issuer", TokenProblem.WRONG_ISSUER, c -> c.remove("iss")));
    v.add(claims("the issuer in an array", TokenProblem.WRONG_ISSUER, c -> c.put("iss", new JsonArray().add(c.getString("iss")))));
    v.add(claims("the wrong audience", TokenProblem.WRONG_AUDIENCE, c -> c.put("aud", "another-service")));
    v.add(claims("no audience", TokenProblem.WRONG_AUDIENCE, c -> c.remove("aud")));
    v.add(claims("an audience array without us", TokenProblem.WRONG_AUDIENCE, c -> c.put("aud", new JsonArray().add("a").add("b"))));
    v.add(claims("an empty audience array", TokenProblem.WRONG_AUDIENCE, c -> c.put("aud", new JsonArray())));
    v.add(claims("an audience that is a number", TokenProblem.WRONG_AUDIENCE, c -> c.put("aud", 1)));
    v.add(claims("an audience array with a non-string", TokenProblem.WRONG_AUDIENCE, c -> c.put("aud", new JsonArray().add(c.getString("aud")).add(1))));
    v.add(claims("an audience array of just us", null, c -> c.put("aud", new JsonArray().add(c.getString("aud")))));
    v.add(claims("several audiences and no azp", TokenProblem.WRONG_AUTHORISED_PARTY,
        c -> c.put("aud", new JsonArray().add(c.getString("aud")).add("other-client"))));
    v.add(claims("several audiences and azp us", null,
        c -> c.put("azp", c.getString("aud")).put("aud", new JsonArray().add(c.getString("aud")).add("other-client"))));
    v.add(claims("several audiences and azp another client", TokenProblem.WRONG_AUTHORISED_PARTY,
        c -> c.put("aud", new JsonArray().add(c.getString("aud")).add("other-client")).put("azp", "other-client")));
    v.add(claims("our audience and azp another client", TokenProblem.WRONG_AUTHORISED_PARTY, c -> c.put("azp", "other-client")));
    v.add(claims("azp a number", TokenProblem.WRONG_AUTHORISED_PARTY, c -> c.put("azp", 7)));
  }

  /** Now, read when a variant is made, so it is as valid or invalid as it says however long the test runs. */
  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private void dates(List<Variant> v) {
    v.add(claims("expired an hour ago", TokenProblem.EXPIRED, c -> c.put("iat", now() - 7200).put("nbf", now() - 7200).put("exp", now() - 3600)));
    v.add(claims("expired within the clock skew", null, c -> c.put("iat", now() - 3600).put("nbf", now() - 3600).put("exp", now() - 30)));
    v.add(claims("no exp", TokenProblem.MISSING_CLAIM, c -> c.remove("exp")));
    v.add(claims("exp null", TokenProblem.INVALID_DATE, c -> c.putNull("exp")));
    v.add(claims("exp 1e300", TokenProblem.INVALID_DATE, c -> c.put("exp", 1e300)));
    v.add(claims("exp negative", TokenProblem.INVALID_DATE, c -> c.put("exp", -1)));
    v.add(claims("exp a string", TokenProblem.INVALID_DATE, c -> c.put("exp", String.valueOf(now() + 600))));
    v.add(claims("exp true", TokenProblem.INVALID_DATE, c -> c.put("exp", true)));
    v.add(claims("exp 2^70", TokenProblem.INVALID_DATE, c -> c.put("exp", java.math.BigInteger.TWO.pow(70))));
    v.add(claims("exp with a fraction", null, c -> c.put("exp", now() + 600.5)));
    v.add(claims("nbf in the future", TokenProblem.NOT_YET_VALID, c -> c.put("nbf", now() + 600)));
    v.add(claims("nbf within the clock skew", null, c -> c.put("nbf", now() + 30)));
    v.add(claims("nbf a string", TokenProblem.INVALID_DATE, c -> c.put("nbf", String.valueOf(now()))));
    v.add(claims("nbf 1e300", TokenProblem.INVALID_DATE, c -> c.put("nbf", 1e300)));
    v.add(claims("iat in the future", TokenProblem.ISSUED_IN_FUTURE, c -> c.put("iat", now() + 600).put("nbf", now()).put("exp", now() + 1200)));
    v.add(claims("iat within the clock skew", null, c -> c.put("iat", now() + 30)));
    v.add(claims("no iat", TokenProblem.MISSING_CLAIM, c -> c.remove("iat")));
    v.add(claims("iat a string", TokenProblem.INVALID_DATE, c -> c.put("iat", String.valueOf(now()))));
    v.add(claims("iat negative", TokenProblem.INVALID_DATE, c -> c.put("iat", -86_400)));
    v.add(claims("iat 1e300", TokenProblem.INVALID_DATE, c -> c.put("iat", 1e300)));
    v.add(claims("exp before iat", TokenProblem.INVALID_DATE, c -> c.put("iat", now()).put("nbf", now()).put("exp", now() - 10)));
    v.add(claims("a lifetime of 13 hours", TokenProblem.LIFETIME_TOO_LONG, c -> c.put("iat", now()).put("exp", now() + 13 * 3600)));
    v.add(claims("exp 100 years ahead", TokenProblem.LIFETIME_TOO_LONG, c -> c.put("iat", now()).put("exp", now() + 100L * 365 * 86_400)));
    v.add(claims("a lifetime of exactly 12 hours", null, c -> c.put("iat", now()).put("exp", now() + 12 * 3600)));
  }

  private void subjectAndAssurance(List<Variant> v) {
    v.add(claims("no sub", TokenProblem.MISSING_CLAIM, c -> c.remove("sub")));
    v.add(claims("sub empty", TokenProblem.MALFORMED_CLAIM, c -> c.put("sub", " ")));
    v.add(claims("sub a number", TokenProblem.MALFORMED_CLAIM, c -> c.put("sub", 555000100001L)));
    v.add(claims("no idassurancelevel", TokenProblem.ASSURANCE_TOO_LOW, c -> c.remove("idassurancelevel")));
    v.add(claims("idassurancelevel 1", TokenProblem.ASSURANCE_TOO_LOW, c -> c.put("idassurancelevel", "1")));
    v.add(claims("idassurancelevel 2", TokenProblem.ASSURANCE_TOO_LOW, c -> c.put("idassurancelevel", "2")));
    v.add(claims("idassurancelevel 0 as a number", TokenProblem.ASSURANCE_TOO_LOW, c -> c.put("idassurancelevel", 0)));
    v.add(claims("idassurancelevel 'high'", TokenProblem.MALFORMED_CLAIM, c -> c.put("idassurancelevel", "high")));
    v.add(claims("idassurancelevel 3.5", TokenProblem.MALFORMED_CLAIM, c -> c.put("idassurancelevel", 3.5)));
    v.add(claims("idassurancelevel true", TokenProblem.MALFORMED_CLAIM, c -> c.put("idassurancelevel", true)));
    v.add(claims("idassurancelevel 3 as a number", null, c -> c.put("idassurancelevel", 3)));
    v.add(claims("idassurancelevel 4", null, c -> c.put("idassurancelevel", "4")));
  }

  private void roles(List<Variant> v) {
    v.add(claims("no selected_roleid", TokenProblem.NO_ACTIVE_ROLE, c -> c.remove("selected_roleid")));
    v.add(claims("selected_roleid among none of the roles", TokenProblem.NO_ACTIVE_ROLE, c -> c.put("selected_roleid", "999999999999-99")));
    v.add(claims("selected_roleid a number", TokenProblem.NO_ACTIVE_ROLE, c -> c.put("selected_roleid", 1)));
    v.add(claims("no nhsid_nrbac_roles", TokenProblem.NO_ACTIVE_ROLE, c -> c.remove("nhsid_nrbac_roles")));
    v.add(claims("nhsid_nrbac_roles empty", TokenProblem.NO_ACTIVE_ROLE, c -> c.put("nhsid_nrbac_roles", new JsonArray())));
    v.add(claims("nhsid_nrbac_roles an object", TokenProblem.NO_ACTIVE_ROLE, c -> c.put("nhsid_nrbac_roles", role(c).copy())));
    v.add(claims("nhsid_nrbac_roles with a string entry", TokenProblem.ROLE_MALFORMED,
        c -> c.getJsonArray("nhsid_nrbac_roles").add("S8000:G8000:R8000")));
    v.add(claims("the selected role listed twice", TokenProblem.ROLE_MALFORMED,
        c -> c.getJsonArray("nhsid_nrbac_roles").add(role(c).copy().put("role_code", "S8000:G8000:R8000"))));
    v.add(claims("role_code ':'", TokenProblem.ROLE_MALFORMED, c -> role(c).put("role_code", ":")));
    v.add(claims("role_code without colons", TokenProblem.ROLE_MALFORMED, c -> role(c).put("role_code", "R8000")));
    v.add(claims("role_code with an empty job role", TokenProblem.ROLE_MALFORMED, c -> role(c).put("role_code", "S8000:G8000:")));
    v.add(claims("role_code of four parts", TokenProblem.ROLE_MALFORMED, c -> role(c).put("role_code", "S8000:G8000:R8000:R0001")));
    v.add(claims("role_code a number", TokenProblem.ROLE_MALFORMED, c -> role(c).put("role_code", 8000)));
    v.add(claims("no role_code", TokenProblem.ROLE_MALFORMED, c -> role(c).remove("role_code")));
    v.add(claims("role_code with a line break", TokenProblem.ROLE_MALFORMED, c -> role(c).put("role_code", "S8000:G8000:R8000\n")));
    v.add(claims("no org_code in the role", TokenProblem.ROLE_MALFORMED, c -> role(c).remove("org_code")));
    v.add(claims("org_code a number", TokenProblem.ROLE_MALFORMED, c -> role(c).put("org_code", 888)));
    v.add(claims("activity_codes a string", TokenProblem.ROLE_MALFORMED, c -> role(c).put("activity_codes", "B0168")));
    v.add(claims("another role besides the selected one", null, c -> c.getJsonArray("nhsid_nrbac_roles")
        .add(new JsonObject().put("person_roleid", "555000999999-09").put("org_code", "RXN").put("role_code", "S8000:G8000:R8009"))));
    v.add(claims("an unknown extra claim", null, c -> c.put("x-extra", new JsonObject().put("a", 1))));
  }

  private void organisations(List<Variant> v) {
    v.add(claims("the role's organisation not among the user's", TokenProblem.ORGANISATION_NOT_USERS,
        c -> c.put("nhsid_user_orgs", new JsonArray().add(new JsonObject().put("org_code", "X99").put("org_name", "Elsewhere")))));
    v.add(claims("no nhsid_user_orgs", TokenProblem.MISSING_CLAIM, c -> c.remove("nhsid_user_orgs")));
    v.add(claims("nhsid_user_orgs empty", TokenProblem.ORGANISATION_NOT_USERS, c -> c.put("nhsid_user_orgs", new JsonArray())));
    v.add(claims("nhsid_user_orgs of strings", TokenProblem.MALFORMED_CLAIM,
        c -> c.put("nhsid_user_orgs", new JsonArray().add(role(c).getString("org_code")))));
    v.add(claims("the user's organisation in another case", TokenProblem.ORGANISATION_NOT_USERS, c -> c.put("nhsid_user_orgs",
        new JsonArray().add(new JsonObject().put("org_code", role(c).getString("org_code").toLowerCase())))));
    v.add(claims("the role's organisation among several of the user's", null, c -> c.getJsonArray("nhsid_user_orgs")
        .add(new JsonObject().put("org_code", "X99"))));
  }

  // ---- building blocks

  private Variant claims(String name, TokenProblem refusal, Consumer<JsonObject> change) {
    return new Variant(name, refusal, base -> {
      JsonObject c = base.copy();
      change.accept(c);
      return bearer(good(c));
    });
  }

  private Variant header(String name, TokenProblem refusal, Consumer<JsonObject> change) {
    return new Variant(name, refusal, base -> {
      JsonObject h = header();
      change.accept(h);
      return bearer(signRaw(h.encode(), base.encode(), demo, ES256_JCA));
    });
  }

  private static Variant raw(String name, TokenProblem refusal, Function<JsonObject, List<String>> authorization) {
    return new Variant(name, refusal, base -> authorization.apply(base.copy()));
  }

  static JsonObject header() {
    return new JsonObject().put("alg", "ES256").put("typ", "JWT").put("kid", KID);
  }

  private String good(JsonObject claims) {
    return signRaw(header().encode(), claims.encode(), demo, ES256_JCA);
  }

  private static JsonObject role(JsonObject claims) {
    String selected = claims.getString("selected_roleid");
    JsonArray roles = claims.getJsonArray("nhsid_nrbac_roles");
    for (Object r : roles) {
      if (r instanceof JsonObject role && selected.equals(role.getString("person_roleid"))) {
        return role;
      }
    }
    return roles.getJsonObject(0);
  }

  private static String unsigned(String alg, JsonObject claims) {
    return b64(new JsonObject().put("alg", alg).put("typ", "JWT").encode()) + "." + b64(claims.encode());
  }

  private String hmac(String alg, String jca, byte[] secret, JsonObject claims) {
    String input = b64(header().put("alg", alg).encode()) + "." + b64(claims.encode());
    try {
      Mac mac = Mac.getInstance(jca);
      mac.init(new SecretKeySpec(secret, jca));
      return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject attackerJwk() {
    ECPublicKey key = (ECPublicKey) attackerEc.getPublic();
    return new JsonObject().put("kty", "EC").put("crv", "P-256")
        .put("x", b64(unsigned32(key.getW().getAffineX().toByteArray())))
        .put("y", b64(unsigned32(key.getW().getAffineY().toByteArray())));
  }

  private static byte[] unsigned32(byte[] bytes) {
    byte[] out = new byte[32];
    int copy = Math.min(32, bytes.length);
    System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
    return out;
  }

  static String signRaw(String headerJson, String payloadJson, PrivateKey key, String jcaAlgorithm) {
    String input = b64(headerJson) + "." + b64(payloadJson);
    try {
      Signature signer = Signature.getInstance(jcaAlgorithm);
      signer.initSign(key);
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String part(String token, int index) {
    return token.split("\\.", -1)[index];
  }

  static List<String> bearer(String token) {
    return List.of("Bearer " + token);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
