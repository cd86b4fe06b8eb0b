package io.shcr.api;

import io.vertx.ext.web.Router;

/** A capability's own routes (break-glass, privacy officer audit, ...), mounted beside the record API. */
@FunctionalInterface
public interface ApiRoutes {

  void mount(Router router);
}
