package io.shcr.cli;

import io.shcr.access.AccessPolicy;
import io.shcr.access.DemoTokens;
import io.shcr.nhs.NhsNumber;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code token}: mints a CIS2-shaped ID token signed with the DEMO key (conf/demo-keys), for trying the
 * API. Start from a persona or from scratch; every option overrides. Demo only: the key is public.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Mint a demo CIS2 ID token (signed with the public DEMO key: demo and tests only).")
public final class TokenCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @picocli.CommandLine.Mixin
  ConfigOption configOption = new ConfigOption();

  @Option(names = "--persona", description = "Start from a demo persona in access-policy.yaml (ed-doctor, social-worker, ...).")
  String persona;

  @Option(names = "--list", description = "List the demo personas and exit.")
  boolean list;

  @Option(names = "--role", description = "Job role code, e.g. R8000 (default R8000 without a persona).")
  String role;

  @Option(names = "--org", description = "ODS code of the role's organisation (default RXN without a persona).")
  String org;

  @Option(names = "--user", description = "SDS user id ('sub').")
  String user;

  @Option(names = "--name", description = "The user's display name.")
  String name;

  @Option(names = "--role-profile", description = "person_roleid of the role (and selected_roleid).")
  String roleProfile;

  @Option(names = "--activity", split = ",", description = "Activity codes, comma separated, e.g. B0370,B0360.")
  List<String> activities;

  @Option(names = "--patient", description = "NHS number as SMART launch context ('patient' claim).")
  String patient;

  @Option(names = "--lifetime", description = "How long the token is valid, e.g. 30m, 8h, 90s (default from access-policy.yaml).")
  String lifetime;

  @Override
  public Integer call() {
    DemoTokens tokens = DemoTokens.load(configOption.dir());
    if (list) {
      tokens.policy().demo().personas().forEach(p -> System.out.println(p.id() + "\t" + p.description()));
      return 0;
    }
    DemoTokens.Spec base = persona == null
        ? new DemoTokens.Spec("555000999999", "Demo User", "555000999999-01", "S8000:G8000:R8000", "RXN", List.of("B0370", "B0360"),
            null, tokens.defaultLifetime())
        : DemoTokens.Spec.of(personaNamed(tokens.policy()), tokens.defaultLifetime());
    String patientContext = patient == null ? base.patient() : NhsNumber.parse(patient)
        .map(NhsNumber::value).orElseThrow(() -> new ParameterException(spec.commandLine(), "--patient: not a valid NHS number"));
    String roleCode = role == null ? base.roleCode() : "S0000:G0000:" + role;
    DemoTokens.Spec chosen = new DemoTokens.Spec(
        or(user, base.user()), or(name, base.name()), or(roleProfile, user == null ? base.roleProfileId() : user + "-01"),
        roleCode, or(org, base.org()), activities == null ? base.activityCodes() : activities, patientContext,
        lifetime == null ? base.lifetime() : duration(lifetime));
    long maxMinutes = tokens.policy().auth().maxLifetimeMinutes();
    if (chosen.lifetime().compareTo(Duration.ofMinutes(maxMinutes)) > 0) {
      throw new ParameterException(spec.commandLine(), "--lifetime: at most " + maxMinutes
          + " minutes, the longest the service accepts (authentication.maxLifetimeMinutes)");
    }
    System.out.println(tokens.mint(chosen));
    return 0;
  }

  private AccessPolicy.Persona personaNamed(AccessPolicy policy) {
    return policy.demo().persona(persona).orElseThrow(() -> new ParameterException(spec.commandLine(),
        "--persona: no persona '" + persona + "'; try --list"));
  }

  private Duration duration(String text) {
    try {
      long amount = Long.parseLong(text.substring(0, text.length() - 1));
      Duration d = switch (text.charAt(text.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new NumberFormatException();
      };
      if (d.isNegative() || d.isZero()) {
        throw new NumberFormatException();
      }
      return d;
    } catch (RuntimeException e) {
      throw new ParameterException(spec.commandLine(), "--lifetime: expected a positive amount with s, m, h or d, e.g. 30m");
    }
  }

  private static String or(String given, String fallback) {
    return given == null ? fallback : given;
  }
}
