package io.shcr.fhir;

import io.shcr.nhs.NhsNumber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Small readers for FHIR R4 JSON resources. */
public final class Resources {

  private Resources() {}

  public static String type(JsonObject resource) {
    return resource == null ? null : resource.getString("resourceType");
  }

  /** {@code Type/id}, or null when the resource has no id. */
  public static String localReference(JsonObject resource) {
    Object type = resource.getValue("resourceType");
    Object id = resource.getValue("id");
    if (!(type instanceof String) || !(id instanceof String)) {
      return null;
    }
    return type + "/" + id;
  }

  /** The NHS numbers a Patient (or any resource with identifiers) carries. */
  public static List<String> nhsNumbers(JsonObject resource) {
    List<String> numbers = new ArrayList<>();
    Object identifiers = resource.getValue("identifier");
    if (identifiers instanceof JsonArray array) {
      for (Object item : array) {
        addNhsNumber(item, numbers);
      }
    } else {
      addNhsNumber(identifiers, numbers);
    }
    return numbers;
  }

  /**
   * An NHS number's value as text; one sent as a JSON number is the digits it stands for, and any other
   * value (an object, a list, true) is kept as a value no NHS number equals, so it can never be ignored.
   */
  private static void addNhsNumber(Object identifier, List<String> sink) {
    if (!(identifier instanceof JsonObject id) || !NhsNumber.isSystem(id.getValue("system")) || id.getValue("value") == null) {
      return;
    }
    Object value = id.getValue("value");
    if (value instanceof String text) {
      sink.add(NhsNumber.compact(text));
    } else if (value instanceof Number number) {
      sink.add(new java.math.BigDecimal(number.toString()).toPlainString());
    } else {
      sink.add("(not text)");
    }
  }

  /** A FHIR Identifier JSON for an NHS number. */
  public static JsonObject nhsIdentifier(NhsNumber nhsNumber) {
    return new JsonObject().put("system", NhsNumber.SYSTEM).put("value", nhsNumber.value());
  }
}
