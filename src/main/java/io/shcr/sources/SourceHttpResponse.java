package io.shcr.sources;

import io.vertx.core.buffer.Buffer;

/** One HTTP response from a source, read in full within the deadline and the size cap. */
public record SourceHttpResponse(int status, String contentType, Buffer body) {}
