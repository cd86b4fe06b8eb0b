package io.shcr.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the configuration is read from: {@code --config DIR}, else {@code SHCR_CONFIG}, else the
 * configuration the jar carries (the repository's {@code conf/} at build time, packaged as the resource
 * folder {@code shcr-conf/}). The packaged one is copied once into a private temporary directory, so every
 * loader reads files as it always did, and removed when the process exits. Never the working directory.
 */
public final class ConfigDirectory {

  /** The resource folder holding the packaged configuration and its file list. */
  static final String RESOURCE = "shcr-conf/";
  static final String MARKER = RESOURCE + "service.yaml";

  private static Path extracted;

  private ConfigDirectory() {}

  /** The directory to use: the one given, else SHCR_CONFIG, else the packaged configuration. */
  public static Path resolve(Path given, Map<String, String> env) {
    if (given != null) {
      return YamlFiles.requireDirectory(given);
    }
    String fromEnv = env.get("SHCR_CONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return YamlFiles.requireDirectory(Path.of(fromEnv.trim()));
    }
    return packaged();
  }

  /** A private copy of the packaged configuration (made on first use, deleted at exit). */
  public static synchronized Path packaged() {
    if (extracted != null) {
      return extracted;
    }
    URL marker = ConfigDirectory.class.getClassLoader().getResource(MARKER);
    if (marker == null) {
      throw new ConfigException("This build carries no packaged configuration (" + MARKER + "): pass --config DIR or set SHCR_CONFIG.");
    }
    try {
      Path dir = Files.createTempDirectory("shcr-conf-");
      URI uri = marker.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          copyTree(jar.getPath("/" + RESOURCE), dir);
        }
      } else {
        copyTree(Path.of(uri).getParent(), dir);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "shcr-conf-cleanup"));
      extracted = dir;
      return dir;
    } catch (IOException | URISyntaxException e) {
      throw new ConfigException("could not unpack the packaged configuration: " + e.getMessage());
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind holds no secrets beyond the packaged demo configuration
    }
  }
}
