package io.shcr.api;

import io.shcr.audit.AuditQuery;
import io.shcr.core.AccessRefusedException;
import io.shcr.core.ApiError;
import io.shcr.core.ErrorCode;
import io.shcr.nhs.NhsNumber;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads a privacy officer's search from query parameters: {@code patient} (NHS number), {@code user}
 * (SDS user id), {@code organisation} (ODS code), {@code from}/{@code to} (an instant, or a date:
 * {@code to} a date includes that whole day), {@code page}, {@code pageSize} (or FHIR's {@code _count}).
 * A bad value is a 400 naming the parameter.
 */
final class AuditQueryParams {

  static final int DEFAULT_PAGE_SIZE = 50;

  private AuditQueryParams() {}

  static AuditQuery parse(MultiMap params, boolean alertsOnly) {
    String patient = params.get("patient");
    if (patient != null) {
      patient = NhsNumber.parse(patient.substring(patient.indexOf('|') + 1))
          .orElseThrow(() -> invalid(ErrorCode.INVALID_NHS_NUMBER, "patient is not a valid NHS number"))
          .value();
    }
    String pageSize = params.get("pageSize") != null ? params.get("pageSize") : params.get("_count");
    return new AuditQuery(
        patient,
        blankToNull(params.get("user")),
        blankToNull(params.get("organisation")),
        time(params.get("from"), "from", false),
        time(params.get("to"), "to", true),
        alertsOnly,
        null,
        number(params.get("page"), "page", 1),
        number(pageSize, "pageSize", DEFAULT_PAGE_SIZE));
  }

  static long sequence(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalid(ErrorCode.INVALID_PARAMETER, "the alert sequence must be a whole number");
    }
  }

  private static Instant time(String value, String name, boolean endOfDay) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Instant instant;
    try {
      if (value.length() == 10) {
        LocalDate day = LocalDate.parse(value);
        instant = (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
      } else {
        instant = Instant.parse(value);
      }
    } catch (DateTimeParseException e) {
      instant = null;
    }
    // Years 1 to 9999 only: beyond them a store's timestamp type overflows, which must not be a 500.
    if (instant == null || instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      throw invalid(ErrorCode.INVALID_PARAMETER, name + " must be a date (2025-01-31) or an instant (2025-01-31T09:00:00Z)"
          + " between the years 1 and 9999");
    }
    return instant;
  }

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z").plusSeconds(1);

  private static int number(String value, String name, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(ErrorCode.INVALID_PARAMETER, name + " must be a whole number from 1");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static AccessRefusedException invalid(ErrorCode code, String message) {
    return new AccessRefusedException(code.error(400, message));
  }
}
