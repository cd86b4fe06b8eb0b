package io.shcr.resume;

import io.shcr.core.Section;
import io.shcr.sources.SourceStatus;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;

/**
 * Signs and reads resume tokens: the SSE event ids of a record stream. A token is base64url of
 * {@code version, expiry, view request id, binding, per source (index, flags, alias | status+latency | sections)}
 * followed by a 128-bit truncated HMAC-SHA256 under the {@link ResumeKey}. Nothing is kept on the server:
 * any node holding the key can read any node's token. Reading checks, in order, size and form, signature,
 * expiry; the binding (user, role, patient, view) is checked by the caller once the new access decision is made.
 */
public final class ResumeTokens {

  /** Longer than any token this service issues for 255 sources; anything longer is refused unread. */
  public static final int MAX_CHARS = 4096;

  private static final byte VERSION = 1;
  private static final int MAC_BYTES = 16;
  private static final int BINDING_BYTES = 12;
  private static final int ALIAS_BYTES = 3;
  private static final int FINISHED = 1;
  private static final int ALIASED = 2;
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final List<SourceStatus> STATUSES = List.of(SourceStatus.values());

  private final ResumeKey key;
  private final long ttlSeconds;
  private final Clock clock;

  public ResumeTokens(ResumeKey key, long ttlSeconds, Clock clock) {
    this.key = key;
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
  }

  /**
   * The binding of a view: a keyed hash of who asked (user, role profile), for whom (patient), under what
   * (purpose, sections) and from where (the configured source list and the view's sources). A resume whose new
   * access decision gives another binding is refused, so a changed role, a lapsed break-glass or another
   * patient cannot ride on an old token.
   */
  public byte[] binding(String userId, String roleProfileId, String nhsNumber, String viewRequestId, String purpose,
      Collection<Section> sections, List<String> configuredSources, List<String> viewSources) {
    Mac mac = key.mac();
    for (String part : List.of("binding", nullSafe(userId), nullSafe(roleProfileId), nhsNumber, viewRequestId, nullSafe(purpose),
        String.join(",", sections.stream().map(Section::wireName).sorted().toList()), String.join(",", configuredSources),
        String.join(",", viewSources))) {
      mac.update(part.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
    }
    return Arrays.copyOf(mac.doFinal(), BINDING_BYTES);
  }

  /** Whether the binding a token carries is this one (constant time). */
  public static boolean sameBinding(byte[] carried, byte[] expected) {
    return MessageDigest.isEqual(carried, expected);
  }

  /** The token of this point, expiring {@code ttlSeconds} from now (the point's own expiry is ignored). */
  public String issue(String viewRequestId, byte[] binding, SortedMap<Integer, ResumePoint.Had> sources) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + sources.size() * 6);
    out.write(VERSION);
    long expires = clock.instant().getEpochSecond() + ttlSeconds;
    writeInt(out, (int) expires);
    byte[] id = viewRequestId.getBytes(StandardCharsets.US_ASCII);
    out.write(id.length);
    out.writeBytes(id);
    out.writeBytes(binding);
    out.write(sources.size());
    for (Map.Entry<Integer, ResumePoint.Had> entry : sources.entrySet()) {
      ResumePoint.Had had = entry.getValue();
      out.write(entry.getKey());
      out.write((had.finished() ? FINISHED : 0) | (had.alias() != null ? ALIASED : 0));
      if (had.alias() != null) {
        out.writeBytes(had.alias());
      }
      if (had.finished()) {
        out.write(statusIndex(had.status()));
        writeVarint(out, Math.max(0, Math.min(had.latencyMs(), 0x1FFFFF)));
      } else {
        out.write(had.sectionMask() >>> 8);
        out.write(had.sectionMask());
      }
    }
    byte[] body = out.toByteArray();
    byte[] mac = Arrays.copyOf(key.mac().doFinal(body), MAC_BYTES);
    byte[] token = Arrays.copyOf(body, body.length + MAC_BYTES);
    System.arraycopy(mac, 0, token, body.length, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /** The point a token names, if it is well formed, signed under this key and not expired. */
  public ResumePoint read(String token) throws InvalidResumeToken {
    if (token == null || token.isEmpty() || token.length() > MAX_CHARS) {
      throw new InvalidResumeToken("the resume token is not one this service issued");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidResumeToken("the resume token is not one this service issued");
    }
    if (bytes.length < 1 + 4 + 1 + BINDING_BYTES + 1 + MAC_BYTES) {
      throw new InvalidResumeToken("the resume token is not one this service issued");
    }
    byte[] body = Arrays.copyOf(bytes, bytes.length - MAC_BYTES);
    byte[] mac = Arrays.copyOfRange(bytes, bytes.length - MAC_BYTES, bytes.length);
    if (!MessageDigest.isEqual(mac, Arrays.copyOf(key.mac().doFinal(body), MAC_BYTES))) {
      throw new InvalidResumeToken("the resume token has been altered or was not issued by this service");
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(body);
      if (in.get() != VERSION) {
        throw new InvalidResumeToken("the resume token is of a version this service does not read");
      }
      long expires = Integer.toUnsignedLong(in.getInt());
      if (clock.instant().getEpochSecond() >= expires) {
        throw new InvalidResumeToken("the resume token has expired");
      }
      byte[] id = new byte[Byte.toUnsignedInt(in.get())];
      in.get(id);
      String viewRequestId = new String(id, StandardCharsets.US_ASCII);
      byte[] binding = new byte[BINDING_BYTES];
      in.get(binding);
      int count = Byte.toUnsignedInt(in.get());
      SortedMap<Integer, ResumePoint.Had> sources = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        int index = Byte.toUnsignedInt(in.get());
        int flags = Byte.toUnsignedInt(in.get());
        byte[] alias = null;
        if ((flags & ALIASED) != 0) {
          alias = new byte[ALIAS_BYTES];
          in.get(alias);
        }
        ResumePoint.Had had;
        if ((flags & FINISHED) != 0) {
          int status = Byte.toUnsignedInt(in.get());
          if (status >= STATUSES.size()) {
            throw new InvalidResumeToken("the resume token is not one this service issued");
          }
          had = new ResumePoint.Had(true, STATUSES.get(status).wireName(), readVarint(in), 0, alias);
        } else {
          had = new ResumePoint.Had(false, null, 0, (Byte.toUnsignedInt(in.get()) << 8) | Byte.toUnsignedInt(in.get()), alias);
        }
        if (sources.put(index, had) != null) {
          throw new InvalidResumeToken("the resume token is not one this service issued");
        }
      }
      if (in.hasRemaining() || !REQUEST_ID.matcher(viewRequestId).matches()) {
        throw new InvalidResumeToken("the resume token is not one this service issued");
      }
      return new ResumePoint(viewRequestId, binding, expires, sources);
    } catch (BufferUnderflowException e) {
      throw new InvalidResumeToken("the resume token is not one this service issued");
    }
  }

  /** A status by its wire name; an unknown one (never issued) is carried as {@code error}. */
  private static int statusIndex(String wireName) {
    for (int i = 0; i < STATUSES.size(); i++) {
      if (STATUSES.get(i).wireName().equals(wireName)) {
        return i;
      }
    }
    return STATUSES.indexOf(SourceStatus.ERROR);
  }

  private static String nullSafe(String text) {
    return text == null ? "" : text;
  }

  private static void writeInt(ByteArrayOutputStream out, int value) {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while (value >= 0x80) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static long readVarint(ByteBuffer in) throws InvalidResumeToken {
    long value = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      int b = Byte.toUnsignedInt(in.get());
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new InvalidResumeToken("the resume token is not one this service issued");
  }
}
