package io.shcr.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Gives back the name of an organisation a released resource refers to by ODS code, for a patient who
 * is not restricted. The privacy filter drops every display a source wrote into a reference to an
 * organisation (a clinic's name can say what no code says), which leaves bare codes; this puts in the
 * name our own register ({@code sources.yaml}, public) gives a participating organisation, so the name
 * shown is ours, never the source's text. References to organisations we do not register stay bare.
 * Works on a copy when it changes anything.
 */
final class OrganisationNames implements ResourceTransform {

  private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";

  private final Function<String, Optional<String>> registeredName;

  OrganisationNames(Function<String, Optional<String>> registeredName) {
    this.registeredName = registeredName;
  }

  @Override
  public JsonObject apply(JsonObject resource) {
    if (resource == null || !name(resource, false)) {
      return resource;
    }
    JsonObject copy = resource.copy();
    name(copy, true);
    return copy;
  }

  /** Names what can be named; with {@code apply} false only says whether anything would be. */
  private boolean name(Object node, boolean apply) {
    boolean found = false;
    if (node instanceof JsonObject object) {
      if (!object.containsKey("resourceType") && !object.containsKey("display")
          && object.getValue("identifier") instanceof JsonObject identifier && ODS.equals(identifier.getValue("system"))
          && identifier.getValue("value") instanceof String ods) {
        Optional<String> name = registeredName.apply(ods);
        if (name.isPresent()) {
          if (!apply) {
            return true;
          }
          object.put("display", name.get());
          found = true;
        }
      }
      for (Map.Entry<String, Object> field : object) {
        found |= name(field.getValue(), apply);
        if (found && !apply) {
          return true;
        }
      }
    } else if (node instanceof JsonArray array) {
      for (Object item : array) {
        found |= name(item, apply);
        if (found && !apply) {
          return true;
        }
      }
    }
    return found;
  }
}
