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

  /** What may be released (copies, narrative dropped or rebuilt) and how many were withheld (for audit only). */
  record FilterResult(List<JsonObject> released, int withheld) {}
}
