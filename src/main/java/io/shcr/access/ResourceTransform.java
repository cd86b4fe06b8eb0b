package io.shcr.access;

import io.vertx.core.json.JsonObject;

/** A change applied to every resource released to one viewer (for example, masking a restricted patient). */
@FunctionalInterface
public interface ResourceTransform {

  ResourceTransform IDENTITY = resource -> resource;

  /** Returns the resource to release (possibly the same object, possibly a changed copy). */
  JsonObject apply(JsonObject resource);

  /**
   * True when the view must not say where the patient can be found (a restricted, S-flagged
   * patient): the stream then does not name the GP practice, care home, hospice or council that
   * holds their record.
   */
  default boolean hidesWhereThePatientIs() {
    return false;
  }
}
