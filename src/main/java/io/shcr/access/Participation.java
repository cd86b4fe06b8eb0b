package io.shcr.access;

import io.shcr.config.ConfigException;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which organisations are live under the information sharing agreement: every source in
 * {@code sources.yaml} (its {@code live} flag), plus the participants {@code access-policy.yaml} lists
 * that hold no data (an ambulance trust, say). One organisation is declared in one place only.
 */
public final class Participation {

  private final SourceRegistry sources;
  private final Map<String, AccessPolicy.Participant> others;

  public Participation(SourceRegistry sources, List<AccessPolicy.Participant> participants) {
    this.sources = sources;
    Map<String, AccessPolicy.Participant> byOds = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (AccessPolicy.Participant p : participants) {
      if (sources.find(p.ods()).isPresent()) {
        problems.add("participants (" + p.ods() + "): already a source in sources.yaml; set 'live' there only");
      } else if (byOds.put(p.ods(), p) != null) {
        problems.add("participants (" + p.ods() + "): listed twice");
      }
    }
    if (!problems.isEmpty()) {
      throw ConfigException.of(AccessPolicyLoader.FILE, problems);
    }
    this.others = Map.copyOf(byOds);
  }

  /** Whether users of this organisation may use the service at all. */
  public boolean isLive(String ods) {
    return liveSource(ods).isPresent() || Optional.ofNullable(others.get(ods)).map(AccessPolicy.Participant::live).orElse(false);
  }

  /** The organisation's own source, when it is live: it can establish a relationship with a patient. */
  public Optional<SourceConfig> liveSource(String ods) {
    return sources.find(ods).filter(SourceConfig::live);
  }

  /** The name sources.yaml gives a participating organisation that holds records, by ODS code (public). */
  public Optional<String> registeredName(String ods) {
    return sources.find(ods).map(SourceConfig::name);
  }

  /** The name our register gives a participating organisation: its source's, else its participant entry's. */
  public Optional<String> organisationName(String ods) {
    return registeredName(ods).or(() -> Optional.ofNullable(others.get(ods)).map(AccessPolicy.Participant::name));
  }

  /** Whether the organisation is known to the agreement at all (live or not yet). */
  public boolean isKnown(String ods) {
    return sources.find(ods).isPresent() || others.containsKey(ods);
  }
}
