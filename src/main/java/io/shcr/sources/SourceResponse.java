package io.shcr.sources;

import io.vertx.core.buffer.Buffer;

/** A source's complete HTTP answer, read within the deadline and the size cap. */
public record SourceResponse(int status, String contentType, Buffer body) {}
