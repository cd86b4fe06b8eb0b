package io.shcr.sources;

import io.shcr.core.Section;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One section's items from one source, complete (every search of it, every page, and the source's
 * Patient are in), as the {@link SourceRequester} hands them to the view. Not yet checked: the view's
 * patient guard, privacy filter and transform decide what of it is released.
 */
public record SectionBatch(Section section, List<JsonObject> resources) {}
