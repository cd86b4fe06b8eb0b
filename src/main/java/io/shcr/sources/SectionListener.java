package io.shcr.sources;

import io.shcr.core.Section;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Receives each section of a source the moment it is complete. The returned Future completes when
 * the section has been checked and released, so a source is only reported finished after its last
 * section has gone out.
 */
@FunctionalInterface
public interface SectionListener {

  Future<Void> onSection(Section section, List<JsonObject> resources);
}
