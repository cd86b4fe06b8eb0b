package io.shcr.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the service keeps what it must keep (the embedded audit trail): {@code SHCR_DATA}, else
 * {@code ~/.shcr}. A relative path in a configuration file is taken under it, never under the working
 * directory, so a node started from another directory does not start a second, empty trail there.
 */
public final class DataDirectory {

  private DataDirectory() {}

  public static Path root(Map<String, String> env) {
    String fromEnv = env.get("SHCR_DATA");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv.trim()).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".shcr").toAbsolutePath();
  }

  /** An absolute path as it is; a relative one under {@link #root}. */
  public static Path resolve(String configured, Map<String, String> env) {
    Path path = Path.of(configured);
    return path.isAbsolute() ? path : root(env).resolve(path);
  }
}
