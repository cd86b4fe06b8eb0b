package io.shcr.api;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code admission} caps of {@code service.yaml} ({@link ViewAdmission}). The node's cap also sizes
 * the queues in front of Spine and each source (see {@code SpineClient.create}, {@code SourceClient}), so
 * that an admitted view is never failed by our own queue being full.
 *
 * @param maxViews views open at once on this node
 * @param maxViewsPerUser views open at once for one user (a user id) on this node
 * @param retryAfterSeconds what {@code Retry-After} says
 */
public record AdmissionLimits(int maxViews, int maxViewsPerUser, int retryAfterSeconds) {
  public static final AdmissionLimits DEFAULT = new AdmissionLimits(2_000, 100, 1);

  /** The {@code admission} settings of {@code service.yaml} in this directory (defaults when absent). */
  public static AdmissionLimits load(Path configDir) {
    List<String> problems = new ArrayList<>();
    Fields admission = new Fields(YamlFiles.readOptional(configDir.resolve("service.yaml")), "service", problems)
        .nested("admission");
    AdmissionLimits limits = new AdmissionLimits(
        (int) admission.number("maxViews", (long) DEFAULT.maxViews(), 1, 1_000_000),
        (int) admission.number("maxViewsPerUser", (long) DEFAULT.maxViewsPerUser(), 1, 1_000_000),
        (int) admission.number("retryAfterSeconds", (long) DEFAULT.retryAfterSeconds(), 1, 3_600));
    if (!problems.isEmpty()) {
      throw ConfigException.of(configDir.resolve("service.yaml").toString(), problems);
    }
    return limits;
  }
}
