package io.shcr.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What start-up tells operators about service codings: the fields governed, the systems known there,
 * and the systems treated as unknown (those declared {@code notKnown}, the configured code systems that are
 * not known in service codings, and any other). Field names and URIs only, never clinical data.
 */
final class ServiceCodingSummary {

  private ServiceCodingSummary() {}

  static List<String> lines(SensitiveDataConfig config, CodeRules rules) {
    ServiceCodings services = config.serviceCodings();
    List<String> lines = new ArrayList<>();
    lines.add("Privacy filter: service codings are judged in " + String.join(", ", services.fieldNames())
        + (services.extensions().isEmpty() ? "" : " and in extensions " + String.join(", ", services.extensions())));
    List<String> known = services.knownSystems().stream()
        .map(name -> name + " " + config.codeSystems().get(name).uris()).toList();
    lines.add(known.isEmpty()
        ? "Privacy filter: NO code system is known in service codings (serviceCodings.knownSystems): every resource with a"
            + " service, clinic or specialty coding is withheld"
        : "Privacy filter: code systems known in service codings (and their aliases, " + rules.serviceSystemUris().size()
            + " URIs in all): " + String.join(", ", known));
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String> entry : services.notKnown().entrySet()) {
      unknown.add(entry.getKey() + " (" + entry.getValue() + ")");
    }
    config.codeSystems().values().stream()
        .filter(system -> !services.knownSystems().contains(system.name()))
        .flatMap(system -> system.uris().stream())
        .filter(uri -> services.notKnown().keySet().stream().noneMatch(u -> SensitiveDataConfig.normalizeUri(u)
            .equals(SensitiveDataConfig.normalizeUri(uri))))
        .forEach(unknown::add);
    lines.add("Privacy filter: treated as UNKNOWN in service codings, so a resource coded with them there is withheld: "
        + (unknown.isEmpty() ? "" : String.join(", ", unknown) + ", and ") + "every system not listed as known");
    return List.copyOf(lines);
  }
}
