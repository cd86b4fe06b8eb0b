package io.shcr.simulator;

import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;

/**
 * One simulated organisation, as sources.yaml names it.
 *
 * @param ods its ODS code (the path prefix it is served under)
 * @param name its name
 * @param kind the kind of organisation, which decides what it holds
 * @param gpConnect whether it answers GP Connect (GP practices) rather than FHIR search
 */
public record Organisation(String ods, String name, SourceKind kind, boolean gpConnect) {

  public static Organisation of(SourceConfig source) {
    return new Organisation(source.id(), source.name(), source.kind(), "gp-connect".equals(source.adapter()));
  }

  /** Each organisation's ids differ for the same person, as real systems' do. */
  int idSalt() {
    return Math.floorMod(ods.hashCode() * 31 + 7, 1 << 20);
  }
}
