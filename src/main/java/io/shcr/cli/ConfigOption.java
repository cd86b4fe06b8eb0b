package io.shcr.cli;

import io.shcr.config.ConfigDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config DIR}, shared by every command: the directory given, else {@code SHCR_CONFIG}, else
 * the configuration packaged in the jar (see {@link ConfigDirectory}).
 */
public final class ConfigOption {

  @Option(names = "--config", paramLabel = "DIR",
      description = "Configuration directory (default: $SHCR_CONFIG, else the configuration packaged in the jar).")
  Path given;

  private Path resolved;

  /** The configuration directory, resolved once. */
  public Path dir() {
    if (resolved == null) {
      resolved = ConfigDirectory.resolve(given, System.getenv());
    }
    return resolved;
  }
}
