package io.shcr.api;

import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.nhs.NhsNumber;
import io.shcr.core.RecordRequest;
import io.shcr.core.Section;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a record request from the URL: the NHS number (checked before anything else), and the
 * optional {@code sections=} and {@code sources=} narrowing. Bad input becomes an {@link ApiError}.
 */
final class RecordRequestParser {

  private final SourceRegistry registry;

  RecordRequestParser(SourceRegistry registry) {
    this.registry = registry;
  }

  /** Either a request or the error to send; never both. */
  record Parsed(RecordRequest request, ApiError error) {}

  Parsed parse(RoutingContext ctx, String requestId) {
    Optional<NhsNumber> nhsNumber = NhsNumber.parse(ctx.pathParam("nhsNumber"));
    if (nhsNumber.isEmpty()) {
      return new Parsed(null, ErrorCode.INVALID_NHS_NUMBER.error(
          "The NHS number must be 10 digits with a valid Modulus 11 check digit (spaces are ignored)."));
    }
    Set<Section> sections = EnumSet.noneOf(Section.class);
    for (String name : listParam(ctx, "sections")) {
      Optional<Section> section = Section.fromWireName(name);
      if (section.isEmpty()) {
        return new Parsed(null, ErrorCode.INVALID_PARAMETER.error(422, "Unknown section '" + printable(name)
            + "'. Known sections: " + Arrays.stream(Section.values()).map(Section::wireName).toList()));
      }
      sections.add(section.get());
    }
    if (sections.isEmpty()) {
      sections = EnumSet.allOf(Section.class);
    }
    Set<String> sources = new LinkedHashSet<>();
    for (String id : listParam(ctx, "sources")) {
      if (registry.find(id).isEmpty()) {
        return new Parsed(null, ErrorCode.INVALID_PARAMETER.error(422, "Unknown source '" + printable(id)
            + "'. GET /api/v1/sources lists them."));
      }
      sources.add(id);
    }
    String client = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    return new Parsed(new RecordRequest(requestId, nhsNumber.get(), Set.copyOf(sections), Set.copyOf(sources),
        client, ctx.request().getHeader(HttpHeaders.USER_AGENT), RequestIntake.trace(ctx)), null);
  }

  private static Set<String> listParam(RoutingContext ctx, String name) {
    Set<String> values = new LinkedHashSet<>();
    for (String value : ctx.queryParam(name)) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          values.add(part.trim());
        }
      }
    }
    return values;
  }

  /** Echoes user input safely in a message: short, printable characters only. */
  private static String printable(String input) {
    String cleaned = input.replaceAll("[^A-Za-z0-9_.\\-]", "?");
    return cleaned.length() > 40 ? cleaned.substring(0, 40) + "..." : cleaned;
  }
}
