package io.shcr.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads a YAML configuration file into a JsonObject, once, at start-up. */
public final class YamlFiles {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private YamlFiles() {}

  /** Stops start-up early, and clearly, when the configuration directory itself is missing. */
  public static Path requireDirectory(Path configDir) {
    if (!Files.isDirectory(configDir)) {
      throw new ConfigException("Configuration directory not found: " + configDir.toAbsolutePath()
          + " (pass --config DIR or set SHCR_CONFIG; without either, the configuration packaged in the jar is used)");
    }
    return configDir;
  }

  /** A file's settings, with the environment's overrides for it applied ({@link EnvOverrides}). */
  public static JsonObject read(Path file) {
    return EnvOverrides.apply(readFile(file), file.getFileName().toString(), System.getenv());
  }

  @SuppressWarnings("unchecked")
  private static JsonObject readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Configuration file not found: " + file);
    }
    try {
      Object tree = YAML.readValue(file.toFile(), Object.class);
      if (!(tree instanceof Map<?, ?> map)) {
        throw new ConfigException(file + ": expected a mapping at the top level");
      }
      return new JsonObject((Map<String, Object>) map);
    } catch (IOException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
    }
  }

  /** Reads an optional file: empty (overrides aside) when it does not exist. */
  public static JsonObject readOptional(Path file) {
    return Files.isRegularFile(file) ? read(file)
        : EnvOverrides.apply(new JsonObject(), file.getFileName().toString(), System.getenv());
  }
}
