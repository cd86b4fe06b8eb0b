package io.shcr.api;

import io.shcr.nhs.NhsNumber;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A seeded generator of HTTP requests aimed at every route, most of them wrong in one or two ways so
 * they get past the first checks: methods, request targets (percent escapes, dot segments, absolute
 * form, over-long lines), query strings, HTTP versions, headers (missing Host, oversized, folded,
 * without colon, control bytes), tokens (valid, tampered, truncated, huge, wrong scheme), Accept and
 * Content-Type values, bodies (valid and invalid JSON, deep nesting, over the limit, bad UTF-8,
 * forms, multipart) and their framing (chunked, bad chunks, Content-Length and Transfer-Encoding
 * together, a body shorter than declared). The same seed gives the same requests.
 */
final class MalformedRequests {

  /**
   * One generated request.
   *
   * @param description what it is, for a failure report
   * @param bytes exactly what is sent
   * @param head whether it is a HEAD request (no body in the answer)
   * @param sentRequestId the X-Request-Id the request itself carried (must not be echoed), or null
   * @param answerRequired false when the request never ends (a body shorter than declared): an answer
   *     may not come, but if one does it must keep the contract
   */
  record Request(String description, byte[] bytes, boolean head, String sentRequestId, boolean answerRequired) {}

  private static final String[] DEMO_PATIENTS = {"9990000018", "9990000026", "9990000034", "9990000042"};
  private static final String[] BAD_NHS = {"9990000019", "999000001", "99900000180", "abcdefghij", "", "999%2000%200018",
      "%ZZ", "%", "%2", "%00", "%C0%AF", "..", "%2e%2e", "%2F", "9990000018%00", "%E2%80%AE", "999 000 0018", "-1",
      "9990000018;x", "%u0039", "9".repeat(300)};
  private static final String[] REASONS = {"emergency-treatment", "patient-unable-to-consent", "safeguarding",
      "urgent-clinical-need", "curiosity", "", "EMERGENCY-TREATMENT"};
  private static final String[] JUSTIFICATIONS = {
      "Unconscious patient brought in by ambulance, no history available",
      "Patient arrived in ED, no recorded relationship yet; needs medication history",
      "because", "   ", "a".repeat(2500), "Line one\nline two\r\n\tand a tab, with \u202Eoverride\u202C and \u200Bzero width",
      "\u0000\u0001\u0002\u0007 bells and nulls in a justification long enough", "Ünïcödé jüstïfïcätïön für den Notfall, bitte",
      "\uD83D\uDE91 ambulance emoji justification that is long enough", "\uD800 lone surrogate in a justification text"};
  private static final String[] ACCEPTS = {"*/*", "application/json", "text/event-stream", "application/fhir+json",
      "application/xml", "text/html", "junk;;;", "application/json;q=0", "*/*;q=abc", "text/*", "application/*;q=0.1",
      ",,,", "application/json, text/event-stream;q=0.5", "x".repeat(3000), "text/event-stream;q=0, application/xml"};
  private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8", "text/plain",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data", ";;",
      "application/json; charset=ebcdic", "application/fhir+json", "APPLICATION/JSON", "application/json;;;q=\""};
  private static final String[] VERSIONS = {"HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/3", "", "HTTPS/1.1", "http/1.1",
      "HTTP/11", "HTTP/1.1 extra", "HTTP/9.9", "HTTP/1.10"};
  private static final String[] JUNK_METHODS = {"get", "PROPFIND", "G E T", "G\u00c9T", "", "X".repeat(300), "GET\u0000",
      "FOO-BAR", "M-SEARCH", "BREW", "PRI"};

  private final Random random;
  private final Map<String, String> tokens;
  private final int port;

  MalformedRequests(long seed, Map<String, String> tokens, int port) {
    this.random = new Random(seed);
    this.tokens = tokens;
    this.port = port;
  }

  Request next() {
    String method = method();
    boolean head = "HEAD".equals(method);
    String target = target();
    String version = chance(0.88) ? "HTTP/1.1" : pick(VERSIONS);
    String eol = chance(0.96) ? "\r\n" : "\n";
    List<String> headers = new ArrayList<>();
    StringBuilder about = new StringBuilder(method.length() > 20 ? method.substring(0, 20) + "..." : method).append(' ')
        .append(target.length() > 120 ? target.substring(0, 120) + "...(" + target.length() + ")" : target).append(' ').append(version);
    host(headers);
    String token = authorization(headers, about);
    if (chance(0.55)) {
      headers.add("Accept: " + pick(ACCEPTS));
    }
    String sentId = extraHeaders(headers, about);
    boolean wantsBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH") ? chance(0.85) : chance(0.08);
    byte[] body = wantsBody ? body(target, about) : null;
    boolean answerRequired = true;
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    if (body != null) {
      if (chance(0.8)) {
        headers.add("Content-Type: " + (chance(0.75) ? "application/json" : pick(CONTENT_TYPES)));
      }
      double framing = random.nextDouble();
      if (framing < 0.78) {
        headers.add("Content-Length: " + body.length);
        framed.writeBytes(body);
      } else if (framing < 0.86) {
        headers.add("Transfer-Encoding: chunked");
        framed.writeBytes(chunked(body, eol));
        about.append(" [chunked]");
      } else if (framing < 0.9) {
        headers.add("Transfer-Encoding: chunked");
        framed.writeBytes(("zz" + eol + "garbage" + eol + "0" + eol + eol).getBytes(StandardCharsets.ISO_8859_1));
        // Vert.x closes a connection whose body framing is broken: the request never ended, so no answer is owed.
        answerRequired = false;
        about.append(" [bad chunk]");
      } else if (framing < 0.94) {
        headers.add("Content-Length: " + Math.max(0, body.length / 2));
        framed.writeBytes(body);
        about.append(" [body longer than Content-Length]");
      } else if (framing < 0.97) {
        headers.add("Content-Length: " + body.length);
        headers.add("Transfer-Encoding: chunked");
        framed.writeBytes(chunked(body, eol));
        about.append(" [Content-Length and chunked]");
      } else {
        headers.add("Content-Length: " + (body.length + 100));
        framed.writeBytes(body);
        answerRequired = false;
        about.append(" [body shorter than Content-Length]");
      }
    } else if (chance(0.05)) {
      headers.add("Content-Type: " + pick(CONTENT_TYPES));
    }
    if (chance(0.93)) {
      headers.add("Connection: close");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(latin1(method + " " + target + (version.isEmpty() ? "" : " " + version) + eol));
    for (String header : headers) {
      out.writeBytes(latin1(header + eol));
    }
    out.writeBytes(latin1(eol));
    out.writeBytes(framed.toByteArray());
    if (token != null) {
      about.append(" token: ").append(token);
    }
    return new Request(about.toString(), out.toByteArray(), head, sentId, answerRequired);
  }

  private String method() {
    double m = random.nextDouble();
    if (m < 0.45) {
      return "GET";
    }
    if (m < 0.7) {
      return "POST";
    }
    if (m < 0.9) {
      return pick(new String[] {"HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"});
    }
    return pick(JUNK_METHODS);
  }

  private String target() {
    String path;
    String query = "";
    double t = random.nextDouble();
    if (t < 0.08) {
      // The FHIR face of the record: the same refusals, audited the same way.
      path = pick(new String[] {"/fhir/Patient/" + nhs() + "/$everything", "/fhir/Patient/" + nhs() + "/%24everything",
          "/fhir/Condition", "/fhir/Patient", "/fhir/Observation", "/fhir/Procedure", "/fhir/metadata", "/fhir/Patient/" + nhs(),
          "/fhir/Patient/" + nhs() + "/$nope"});
      query = query(pick(new String[] {"patient.identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhs(),
          "patient:identifier=https://fhir.nhs.uk/Id/nhs-number%7C" + nhs(), "identifier=" + nhs(), "patient=" + nhs(),
          "patient.identifier=urn:x|" + nhs()}), pick(new String[] {"_count=2", "_count=0", "_count=-1", "_count=99999999999",
          "_offset=3", "_summary=count", "_summary=true", "_format=xml", "_format=json", "_sort=date", "_count=1&_count=2"}));
    } else if (t < 0.28) {
      path = "/api/v1/patients/" + nhs() + "/record";
      query = query("sections=" + pick(new String[] {"problems", "demographics,alerts", "results", "nope", ""}),
          "sources=" + pick(new String[] {"RXN", "P81001", "NOPE", "RXN,NOPE"}));
    } else if (t < 0.46) {
      path = "/api/v1/patients/" + nhs() + "/break-glass";
    } else if (t < 0.54) {
      path = "/api/v1/audit/events";
      query = auditQuery();
    } else if (t < 0.59) {
      path = "/api/v1/audit/AuditEvent";
      query = auditQuery();
    } else if (t < 0.64) {
      path = "/api/v1/audit/alerts";
      query = auditQuery();
    } else if (t < 0.70) {
      path = "/api/v1/audit/alerts/" + pick(new String[] {"1", "0", "-1", "99999999999999999999", "abc", "%ZZ", "1.5", "",
          "1e3", "2", "3"}) + "/acknowledge";
    } else if (t < 0.76) {
      path = "/api/v1/sources";
      query = query("x=1");
    } else if (t < 0.81) {
      path = pick(new String[] {"/health/live", "/health/ready", "/cluster/members", "/openapi.json"});
      query = query("probe=1");
    } else if (t < 0.90) {
      path = pick(new String[] {"/", "/api", "/api/v1", "/api/v1/patients", "/api/v2/sources", "/favicon.ico", "/admin",
          "/api/v1/patients/9990000018", "/api/v1/audit", "/.env", "/api/v1/patients/9990000018/record/extra",
          "/viewer/api/session", "/viewer/api/patients/9990000018/record", "/viewer/api/patients/9990000018/break-glass",
          "/viewer/api/patients/123/record", "/viewer/auth/logout", "/viewer/auth/callback", "/viewer/auth/login",
          "/viewer/assets/js/app.js", "/viewer/assets/nothing.js", "/viewer", "/index.html"});
    } else {
      path = pick(new String[] {"*", "", "api/v1/sources", "//api//v1//sources", "/api/v1/../v1/sources",
          "/api/v1/%2e%2e/sources", "/%ZZ", "/api/v1/sources%", "/api\\v1\\sources", "/api/v1/sources#frag"});
    }
    if (chance(0.25)) {
      path = mutate(path);
    }
    if (chance(0.1) && !query.isEmpty()) {
      query = query + "&" + junkQuery();
    }
    if (chance(0.2) && query.isEmpty()) {
      query = junkQuery();
    }
    return query.isEmpty() ? path : path + "?" + query;
  }

  private String nhs() {
    double n = random.nextDouble();
    if (n < 0.55) {
      return pick(DEMO_PATIENTS);
    }
    if (n < 0.65) {
      String nine = String.format("999%06d", random.nextInt(1_000_000));
      Integer check = NhsNumber.checkDigit(nine);
      return check == null ? nine + "0" : nine + check;
    }
    return pick(BAD_NHS);
  }

  private String mutate(String path) {
    return switch (random.nextInt(16)) {
      case 0 -> path + "/";
      case 1 -> path.replaceFirst("/", "//");
      case 2 -> path.replaceFirst("/api/", "/api/./");
      case 3 -> path.replaceFirst("/v1/", "/v1/../v1/");
      case 4 -> path.replace("a", "%61");
      case 5 -> path.toUpperCase();
      case 6 -> path + ";jsessionid=x";
      case 7 -> path + "%";
      case 8 -> "http://127.0.0.1:" + port + path;
      case 9 -> path.length() > 1 ? path.substring(1) : "x";
      case 10 -> path + "\u00e9\u00ff";
      case 11 -> path.replace("/", "\\");
      case 12 -> path + "/x".repeat(2600);
      case 13 -> path + "/" + "y".repeat(1000);
      case 14 -> path + "%00";
      default -> path + "\t";
    };
  }

  private String auditQuery() {
    if (chance(0.3)) {
      return "";
    }
    List<String> params = new ArrayList<>();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      params.add(pick(new String[] {"patient=9990000018", "patient=https://fhir.nhs.uk/Id/nhs-number|9990000018", "patient=|",
          "patient=abc|", "patient=1234567890", "user=555000000001", "organisation=RXN", "from=2025-01-01", "to=2030-12-31",
          "from=yesterday", "from=+999999999-01-01T00:00:00Z", "to=-999999999-01-01T00:00:00Z", "from=2025-13-45",
          "page=1", "page=-1", "page=99999999999999", "page=2147483647", "pageSize=0", "pageSize=500", "pageSize=100000",
          "_count=1e9", "_format=fhir", "_format=xml", "_format=json+fhir", "from=0000-01-01", "to=9999-12-31T23:59:59Z"}));
    }
    return String.join("&", params);
  }

  private String query(String... valid) {
    if (chance(0.55)) {
      return "";
    }
    return pick(valid);
  }

  private String junkQuery() {
    return pick(new String[] {"%ZZ", "a=%ZZ", "%=1", "a=%", "a=%2", "&&&", "=", ";", "a=%FF", "a=%E2%82", "a=%C0%AF",
        "sections=%E2%80%AE", "a=b=c", "a[]=1&a[]=2", "x=" + "y".repeat(3000), "p=1&".repeat(300), "%00=%00",
        "sections=problems&sections=problems&sections=problems", "a=\u00e9", "a=1%0d%0aSet-Cookie:%20x=y"});
  }

  private void host(List<String> headers) {
    double h = random.nextDouble();
    if (h < 0.93) {
      headers.add("Host: 127.0.0.1:" + port);
    } else if (h < 0.95) {
      headers.add("Host: a");
      headers.add("Host: b");
    } else if (h < 0.97) {
      headers.add("Host: ");
    } else if (h < 0.98) {
      headers.add("Host: bad host name with spaces");
    }
    // else: no Host at all
  }

  private String authorization(List<String> headers, StringBuilder about) {
    double a = random.nextDouble();
    if (a < 0.15) {
      return null;
    }
    List<String> personas = new ArrayList<>(tokens.keySet());
    String persona = personas.get(random.nextInt(personas.size()));
    String valid = tokens.get(persona);
    if (a < 0.55) {
      headers.add("Authorization: Bearer " + valid);
      return persona;
    }
    String junk = switch (random.nextInt(12)) {
      case 0 -> "Bearer " + tamper(valid);
      case 1 -> "Bearer " + valid.substring(0, valid.length() / 2);
      case 2 -> "Bearer " + "a".repeat(6000);
      case 3 -> "Bearer";
      case 4 -> "Basic Zm9vOmJhcg==";
      case 5 -> "bearer " + valid;
      case 6 -> "Bearer " + valid + "\u0001";
      case 7 -> "Bearer a.b.c";
      case 8 -> "Bearer ..";
      case 9 -> "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";
      case 10 -> "Bearer " + valid + " " + valid;
      default -> "Bearer \u00ff\u00fe";
    };
    headers.add("Authorization: " + junk);
    if (chance(0.1)) {
      headers.add("Authorization: Bearer " + valid);
    }
    return persona + " (mangled)";
  }

  private String tamper(String token) {
    char[] chars = token.toCharArray();
    int i = chars.length - 1 - random.nextInt(Math.min(20, chars.length - 1));
    chars[i] = chars[i] == 'A' ? 'B' : 'A';
    return new String(chars);
  }

  private String extraHeaders(List<String> headers, StringBuilder about) {
    String sentId = null;
    if (chance(0.3)) {
      sentId = "client-" + UUID.randomUUID();
      headers.add("X-Request-Id: " + sentId);
    }
    if (!chance(0.3)) {
      return sentId;
    }
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(18)) {
        case 0 -> headers.add("Expect: 100-continue");
        case 1 -> {
          headers.add("Upgrade: h2c");
          headers.add("HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA");
          headers.add("Connection: Upgrade, HTTP2-Settings");
        }
        case 2 -> {
          headers.add("Upgrade: websocket");
          headers.add("Connection: Upgrade");
          headers.add("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
          headers.add("Sec-WebSocket-Version: 13");
        }
        case 3 -> headers.add("User-Agent: " + "z".repeat(3000));
        case 4 -> headers.add("User-Agent: evil\u0001\u0007\u00ff agent");
        case 5 -> {
          for (int h = 0; h < 150; h++) {
            headers.add("X-Filler-" + h + ": " + "f".repeat(60));
          }
          about.append(" [150 headers]");
        }
        case 6 -> {
          headers.add("X-Huge: " + "h".repeat(9000));
          about.append(" [9 KB header]");
        }
        case 7 -> headers.add(" folded continuation line");
        case 8 -> headers.add("NoColonHeader");
        case 9 -> headers.add("Bad Header: x");
        case 10 -> headers.add("X-Nul: a\u0000b");
        case 11 -> headers.add("Content-Encoding: gzip");
        case 12 -> headers.add("Transfer-Encoding: gzip");
        case 13 -> headers.add("Accept-Encoding: gzip, deflate, br");
        case 14 -> headers.add("X-Forwarded-For: 1.2.3.4, <script>");
        case 15 -> headers.add("Range: bytes=0-10");
        case 16 -> headers.add("Accept: " + pick(ACCEPTS));
        default -> headers.add("Cookie: a=\u00e9; b");
      }
    }
    return sentId;
  }

  private byte[] body(String target, StringBuilder about) {
    double b = random.nextDouble();
    String json;
    if (b < 0.45) {
      json = "{\"reasonCode\":\"" + pick(REASONS) + "\",\"justification\":" + quote(pick(JUSTIFICATIONS)) + "}";
      about.append(" [break-glass body]");
    } else if (b < 0.52) {
      json = pick(new String[] {"{\"reasonCode\":5,\"justification\":[]}", "{\"justification\":\"Unconscious patient, no history\"}",
          "{\"reasonCode\":\"emergency-treatment\"}", "{\"reasonCode\":null,\"justification\":null}",
          "{\"reasonCode\":\"emergency-treatment\",\"reasonCode\":\"safeguarding\",\"justification\":\"duplicate members in this body\"}"});
      about.append(" [odd body]");
    } else if (b < 0.6) {
      json = pick(new String[] {"{\"note\":\"reviewed with the clinician\"}", "{\"note\":5}", "{\"note\":\"" + "n".repeat(3000) + "\"}",
          "{\"note\":\"bidi \u202E and bell \u0007\"}", "{}"});
      about.append(" [note body]");
    } else if (b < 0.72) {
      json = pick(new String[] {"{", "[]", "null", "\"x\"", "{\"reasonCode\":", "}", "{\"a\":1e999999}", "{\"a\":" + "9".repeat(5000) + "}",
          "\ufeff{}", "{'single':'quotes'}"});
      about.append(" [invalid json]");
    } else if (b < 0.77) {
      json = "[".repeat(5000) + "]".repeat(5000);
      about.append(" [deep nesting]");
    } else if (b < 0.83) {
      json = "{\"justification\":\"" + "x".repeat(20_000) + "\"}";
      about.append(" [20 KB body]");
    } else if (b < 0.88) {
      about.append(" [bad UTF-8]");
      return new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xFF, (byte) 0xFE, '"', '}'};
    } else if (b < 0.94) {
      json = "a=b&c=%ZZ&reasonCode=emergency-treatment";
      about.append(" [form body]");
    } else {
      json = "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nhello\r\n--xyz";
      about.append(" [multipart junk]");
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static byte[] chunked(byte[] body, String eol) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int half = body.length / 2;
    out.writeBytes(latin1(Integer.toHexString(half) + eol));
    out.write(body, 0, half);
    out.writeBytes(latin1(eol + Integer.toHexString(body.length - half) + eol));
    out.write(body, half, body.length - half);
    out.writeBytes(latin1(eol + "0" + eol + eol));
    return out.toByteArray();
  }

  /** Characters 0-255 as single bytes: how a request line or header goes on the wire here. */
  private static byte[] latin1(String text) {
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < text.length(); i++) {
      bytes[i] = (byte) text.charAt(i);
    }
    return bytes;
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private <T> T pick(T[] options) {
    return options[random.nextInt(options.length)];
  }
}
