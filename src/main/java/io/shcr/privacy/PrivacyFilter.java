package io.shcr.privacy;

import io.shcr.fhir.ResourceIndex;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * The one filter every resource from every source passes before any output. It withholds sensitive
 * and source-confidential items, and anything that would reveal them through a link. It fails
 * closed: a resource it cannot read is withheld, and it never throws.
 */
public interface PrivacyFilter {

  /** The wording every record response carries, the same for every patient. */
  String STANDING_STATEMENT =
      "Certain sensitive information (such as sexual health, gender reassignment, assisted conception and "
          + "termination of pregnancy) is never shared through this record, and neither is information a "
          + "source has marked confidential. The absence of information here does not mean it does not exist.";

  /**
   * A source's {@code detail} when an ordinary item was held back because a link it needs could not be
   * followed (see {@link FilterResult#unjudged()}): a fixed sentence, never a count.
   */
  String UNJUDGED_DETAIL = "some items could not be checked and are not shown";

  /**
   * References in these resources that point at resources not yet known and that must be fetched
   * before the filter can judge them (a medicine's reason, a result's encounter, ...). The adapter
   * fetches them into the context; an unresolved one makes its resource withheld.
   */
  Set<String> referencesToResolve(List<JsonObject> resources, ResourceIndex known);

  /**
   * Decides one batch (one source's section).
   *
   * @param resources the section's resources, as the source sent them
   * @param context every resource known for this source in this request, for following links
   */
  FilterResult filter(List<JsonObject> resources, ResourceIndex context);

  /**
   * What may be released (copies, narrative dropped or rebuilt), and what was not.
   *
   * @param withheld how many were held back, for every reason (for audit only: never told, not even as a count)
   * @param unjudged how many of those were held back because a link they need was never looked up, so
   *     they could not be checked; the viewer is told that some items could not be checked
   *     ({@link #UNJUDGED_DETAIL}), never how many, and never anything about items withheld as sensitive
   *     or confidential
   */
  record FilterResult(List<JsonObject> released, int withheld, int unjudged) {

    public FilterResult(List<JsonObject> released, int withheld) {
      this(released, withheld, 0);
    }
  }
}
