package io.shcr.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version (from the filtered {@code shcr.properties}), and the User-Agent sources see. */
public final class ShcrVersion {

  private static final String VERSION = load();

  private ShcrVersion() {}

  public static String version() {
    return VERSION;
  }

  /** {@code shcr/<version>}: what every call to a source says it comes from. */
  public static String userAgent() {
    return "shcr/" + VERSION;
  }

  private static String load() {
    try (InputStream in = ShcrVersion.class.getClassLoader().getResourceAsStream("shcr.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
