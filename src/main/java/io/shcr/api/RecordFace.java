package io.shcr.api;

import io.vertx.ext.web.Router;

/**
 * Another face of the record pipeline (the FHIR API): routes that run record views through the same
 * access decision, audit, privacy filter and deadline. Mounted with the pipeline of the router they join,
 * so that {@code api} does not need to know the packages that build on it.
 */
@FunctionalInterface
public interface RecordFace {

  void mount(Router router, RecordPipeline records);
}
