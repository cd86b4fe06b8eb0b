package io.shcr.reconcile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * dm+d's AMP to VMP relation (each Actual Medicinal Product's {@code VPID}), so a brand and its generic
 * are one medicine. Read from {@code dmd-amp-vmp.tsv} beside this class: one {@code AMP<TAB>VMP} a
 * line, {@code #} comments. A deployment replaces it with the relation from the NHSBSA dm+d release
 * (f_amp, column VPID); the shipped file holds the AMPs the simulated network uses. A code not in the
 * map is taken as it is (a VMP, or an AMP whose relation is unknown, which then groups only with itself).
 */
public final class MedicineConcepts {

  public static final MedicineConcepts SHIPPED = load("dmd-amp-vmp.tsv");

  private final Map<String, String> vmpOfAmp;

  MedicineConcepts(Map<String, String> vmpOfAmp) {
    this.vmpOfAmp = Map.copyOf(vmpOfAmp);
  }

  /** The VMP an AMP belongs to, or the code itself. */
  public String vmp(String code) {
    return vmpOfAmp.getOrDefault(code, code);
  }

  static MedicineConcepts load(String resource) {
    Map<String, String> map = new HashMap<>();
    try (InputStream in = MedicineConcepts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] parts = trimmed.split("\t");
        if (parts.length < 2 || !parts[0].matches("\\d{6,18}") || !parts[1].matches("\\d{6,18}")) {
          throw new IllegalStateException(resource + ": not an AMP<TAB>VMP line: " + trimmed);
        }
        map.put(parts[0], parts[1]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new MedicineConcepts(map);
  }
}
