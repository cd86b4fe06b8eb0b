package io.shcr.support;

import io.shcr.audit.AuditEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads an embedded audit trail's records straight from its files, oldest first (tests only). */
public final class AuditTrailFiles {

  private AuditTrailFiles() {}

  public static List<AuditEntry> read(Path dir) {
    List<AuditEntry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().matches("audit-\\d+\\.log")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            entries.add(AuditEntry.parse(line));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  /** Access records only. */
  public static List<AuditEntry> accesses(Path dir) {
    return read(dir).stream().filter(e -> AuditEntry.ACCESS.equals(e.type())).toList();
  }
}
