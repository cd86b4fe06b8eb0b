package io.shcr.record;

import io.shcr.fhir.GpRegistration;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * The {@code gpRecord} of a view's {@code meta}: how the GP record was sought, so a client knows why
 * no practice (or only one) is listed. Only the registered practice PDS names is asked; the others are
 * not in the view at all. The practice's ODS code is named only when it is not a source the view lists
 * and the patient is not restricted (a restricted patient's practice is never known here).
 */
final class GpRecordNote {

  private GpRecordNote() {}

  static JsonObject of(GpRegistration gp, Collection<String> inView, SourceRegistry registry) {
    JsonObject note = new JsonObject();
    switch (gp.kind()) {
      case REGISTERED -> {
        boolean here = registry.find(gp.practice()).map(SourceConfig::adapter).filter("gp-connect"::equals).isPresent();
        if (here && inView.contains(gp.practice())) {
          return note.put("status", "asked").put("source", gp.practice());
        }
        note.put("status", here ? "not-requested" : "not-in-region").put("practice", gp.practice());
        return note.put("detail", here
            ? "the patient's registered practice holds none of the sections asked for, or was not named in the request"
            : "the patient's registered practice is not connected to this shared care record");
      }
      case UNCHECKED -> {
        return note.put("status", "unchecked");
      }
      default -> {
        return note.put("status", gp.kind().wireName()).put("detail", gp.notAskedDetail());
      }
    }
  }
}
