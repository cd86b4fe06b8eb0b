package io.shcr.api;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The hand-kept OpenAPI description ({@code openapi.json} on the classpath), read once when the class loads. */
final class OpenApiDocument {

  static final Buffer BODY = load();

  private OpenApiDocument() {}

  private static Buffer load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
