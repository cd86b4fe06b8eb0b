package io.shcr.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One link of the audit hash chain, as stored: a gapless sequence number, the time, the record type
 * ({@code access}, {@code outcome}, {@code alert-ack}), a severity ({@code high} for privacy-officer
 * alerts), the request it belongs to, the facts ({@link AuditRecords} builds them; never clinical
 * content), the previous record's hash and this record's hash.
 *
 * <p>The hash is HMAC-SHA256 under the {@link AuditKey} over the canonical serialisation: the record
 * as JSON without its {@code hash} field, keys sorted at every level, no whitespace. Keyed, so that
 * write access to the trail is not enough to recompute the chain after an edit. Both stores keep
 * exactly the line {@link #toLine()} produces, so one verifier serves both.
 */
public record AuditEntry(
    long sequence, Instant time, String type, String severity, String requestId, JsonObject data, String prevHash, String hash) {

  public static final String GENESIS = "0".repeat(64);
  public static final String ACCESS = "access";
  public static final String OUTCOME = "outcome";
  public static final String ALERT_ACK = "alert-ack";
  public static final String HIGH = "high";
  public static final String NORMAL = "normal";

  /** Links an unsealed record after {@code prevHash}: computes its hash. */
  public static AuditEntry seal(long sequence, Instant time, String type, String severity, String requestId, JsonObject data,
      String prevHash, AuditKey key) {
    AuditEntry unsealed = new AuditEntry(sequence, time, type, severity, requestId, data, prevHash, null);
    return new AuditEntry(sequence, time, type, severity, requestId, data, prevHash, key.mac(canonical(unsealed.toJson(false))));
  }

  /** The stored form: one JSON line (without the newline). */
  public String toLine() {
    return canonical(toJson(true));
  }

  /** Parses a stored line; throws IllegalArgumentException when it is not a well-formed record. */
  public static AuditEntry parse(String line) {
    try {
      JsonObject json = new JsonObject(line);
      return new AuditEntry(
          json.getLong("seq"),
          Instant.parse(json.getString("time")),
          require(json.getString("type"), "type"),
          require(json.getString("severity"), "severity"),
          json.getString("requestId"),
          json.getJsonObject("data", new JsonObject()),
          require(json.getString("prev"), "prev"),
          require(json.getString("hash"), "hash"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an audit record: " + e.getMessage(), e);
    }
  }

  /** The hash this record should carry given its content; differs from {@link #hash()} when edited. */
  public String computedHash(AuditKey key) {
    return key.mac(canonical(toJson(false)));
  }

  /** Whether the stored hash is this content's HMAC under the key (false when edited or keyed otherwise). */
  public boolean sealedBy(AuditKey key) {
    return MessageDigest.isEqual(computedHash(key).getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
  }

  public JsonObject toJson(boolean withHash) {
    JsonObject json = new JsonObject()
        .put("seq", sequence)
        .put("time", time.toString())
        .put("type", type)
        .put("severity", severity)
        .put("requestId", requestId)
        .put("data", data)
        .put("prev", prevHash);
    return withHash ? json.put("hash", hash) : json;
  }

  /** The patient's NHS number an access record is about, or null. */
  public String patient() {
    return data.getString("nhsNumber");
  }

  public String userId() {
    JsonObject principal = data.getJsonObject("principal");
    return principal == null ? null : principal.getString("userId");
  }

  public String organisation() {
    JsonObject principal = data.getJsonObject("principal");
    return principal == null ? null : principal.getString("organisation");
  }

  /** The access record an outcome or an alert acknowledgement refers to, or null. */
  public Long refersTo() {
    Long access = data.getLong("accessSequence");
    return access != null ? access : data.getLong("alertSequence");
  }

  static String canonical(JsonObject json) {
    return new JsonObject(sorted(json.getMap())).encode();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> sorted(Map<String, Object> map) {
    Map<String, Object> out = new TreeMap<>();
    map.forEach((key, value) -> out.put(key, sortedValue(value)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object sortedValue(Object value) {
    if (value instanceof JsonObject o) {
      return sorted(o.getMap());
    }
    if (value instanceof Map<?, ?> m) {
      return sorted((Map<String, Object>) m);
    }
    if (value instanceof JsonArray a) {
      return a.getList().stream().map(AuditEntry::sortedValue).toList();
    }
    return value;
  }

  private static String require(String value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return value;
  }
}
