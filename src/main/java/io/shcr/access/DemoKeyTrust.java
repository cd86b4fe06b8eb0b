package io.shcr.access;

import io.shcr.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this process may trust the demo conveniences of {@code access-policy.yaml}: public keys marked
 * {@code demoOnly} (their private half is in the repository, so anyone can mint tokens they accept) and
 * the inline keyed-hash secret. Only {@code demo} and {@code serve --trust-demo-key} trust them; any other
 * start-up drops demo keys and, if nothing trustworthy is left, refuses to start with what to do.
 */
public final class DemoKeyTrust {

  public static final String FLAG = "--trust-demo-key";

  private DemoKeyTrust() {}

  /** The policy this process may use: unchanged when demo keys are trusted, else without them. */
  public static AccessPolicy apply(AccessPolicy policy, boolean trustDemoKeys) {
    if (trustDemoKeys) {
      return policy;
    }
    List<String> problems = new ArrayList<>();
    AccessPolicy.Auth auth = policy.auth();
    List<AccessPolicy.KeyFile> trusted = auth.publicKeys().stream().filter(k -> !k.demoOnly()).toList();
    if (auth.jwksUrl() == null && trusted.isEmpty()) {
      problems.add("authentication: only demo keys (demoOnly: true) are configured, and their private half is public. "
          + "Configure your identity provider: set authentication.jwksUrl to its JWKS URL, or list its public keys "
          + "under authentication.publicKeys; or, for a trial only, pass " + FLAG + ".");
    }
    if (policy.hashSecretInline()) {
      problems.add("keyedHash: the inline secret is a demo fallback. Set the environment variable named by "
          + "keyedHash.secretEnv (default SHCR_ACCESS_HASH_SECRET) to a secret of at least 16 characters, the same on "
          + "every node; or, for a trial only, pass " + FLAG + ".");
    }
    if (!problems.isEmpty()) {
      throw ConfigException.of(AccessPolicyLoader.FILE, problems);
    }
    AccessPolicy.Auth withoutDemoKeys = auth.withPublicKeys(trusted);
    return new AccessPolicy(withoutDemoKeys, policy.participants(), policy.roleViews(), policy.breakGlass(), policy.spine(),
        policy.throttle(), policy.hashSecret(), policy.hashSecretInline(), policy.demo());
  }
}
