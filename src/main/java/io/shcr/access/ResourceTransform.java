package io.shcr.access;

import io.vertx.core.json.JsonObject;

/** A change applied to every resource released to one viewer (for example, masking a restricted patient). */
@FunctionalInterface
public interface ResourceTransform {

  ResourceTransform IDENTITY = resource -> resource;

  /** Returns the resource to release (possibly the same object, possibly a changed copy). */
  JsonObject apply(JsonObject resource);
}
