package io.shcr.api;

import io.shcr.config.ConfigException;
import io.shcr.config.Fields;
import io.shcr.config.YamlFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code admission} caps of {@code service.yaml} ({@link ViewAdmission}). The node's cap also sizes
 * the queues in front of Spine and each source (see {@code SpineClient.create}, {@code SourceClient}), so
 * that an admitted view is never failed by our own queue being full. Views waiting for a place
 * ({@code admission.queue}) have asked nothing upstream, so they do not count there.
 *
 * @param maxViews views open at once on this node
 * @param maxViewsPerUser views open at once for one user (a user id) on this node
 * @param retryAfterSeconds what {@code Retry-After} says
 * @param maxWaiting views that may wait for one of the node's places when all are taken (0: none wait,
 *     a view past the cap is refused at once)
 * @param maxWaitMs how long a view may wait for a place before it is refused
 */
public record AdmissionLimits(int maxViews, int maxViewsPerUser, int retryAfterSeconds, int maxWaiting, long maxWaitMs) {
  /**
   * By default as many views may wait as the node serves at once, each for at most 5 s. With places handed
   * over in order, the last of {@code maxViews} waiters gets its place once {@code maxViews} views have
   * ended, that is after about one view's length (a second or two, at most {@code record.deadlineMs}); a
   * longer queue would mostly hold connections only to refuse them at {@code maxWaitMs}. 5 s is half the
   * record deadline: a clinician waits at most that before being told to try again.
   */
  public static final long DEFAULT_MAX_WAIT_MS = 5_000;
  public static final AdmissionLimits DEFAULT = new AdmissionLimits(2_000, 100, 1, 2_000, DEFAULT_MAX_WAIT_MS);

  /** The {@code admission} settings of {@code service.yaml} in this directory (defaults when absent). */
  public static AdmissionLimits load(Path configDir) {
    return from(YamlFiles.readOptional(configDir.resolve("service.yaml")), configDir.resolve("service.yaml").toString());
  }

  /** The {@code admission} settings of this {@code service.yaml} content (after its environment overrides). */
  static AdmissionLimits from(JsonObject service, String file) {
    List<String> problems = new ArrayList<>();
    Fields admission = new Fields(service, "service", problems).nested("admission");
    int maxViews = (int) admission.number("maxViews", (long) DEFAULT.maxViews(), 1, 1_000_000);
    Fields queue = admission.nested("queue");
    AdmissionLimits limits = new AdmissionLimits(
        maxViews,
        (int) admission.number("maxViewsPerUser", (long) DEFAULT.maxViewsPerUser(), 1, 1_000_000),
        (int) admission.number("retryAfterSeconds", (long) DEFAULT.retryAfterSeconds(), 1, 3_600),
        // Defaults to the node's cap (see DEFAULT_MAX_WAIT_MS for why).
        (int) queue.number("maxWaiting", (long) maxViews, 0, 1_000_000),
        queue.number("maxWaitMs", DEFAULT_MAX_WAIT_MS, 1, 60_000));
    if (!problems.isEmpty()) {
      throw ConfigException.of(file, problems);
    }
    return limits;
  }
}
