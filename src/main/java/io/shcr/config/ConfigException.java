package io.shcr.config;

import java.util.List;

/** A configuration file that cannot be used; the message names the file, the entry and the field. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public static ConfigException of(String file, List<String> problems) {
    return new ConfigException("Invalid configuration in " + file + ":\n  - " + String.join("\n  - ", problems));
  }
}
