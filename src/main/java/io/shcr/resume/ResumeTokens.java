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
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;

/**
 * Seals and reads resume tokens: the SSE event ids of a record stream. A token is base64url of
 * {@code version, nonce (12 bytes), AES-256-GCM(expiry, view request id, binding, per source (index,
 * flags, alias | status+latency | sections))} under the {@link ResumeKey}'s sealing key, the version as
 * associated data. Sealed, not only signed: a token names sources by their place in the configured list and
 * carries a restricted patient's aliases, which the public source list would otherwise decode; and with a
 * fresh nonce each, two tokens of one stream cannot be compared. Nothing is kept on the server: any node
 * holding the key can read any node's token. Reading checks, in order, size and form, seal, expiry; the
 * binding (user, role, patient, view) is checked by the caller once the new access decision is made.
 */
public final class ResumeTokens {

  /** Longer than any token this service issues for some 400 sources; anything longer is refused unread. */
  public static final int MAX_CHARS = 4096;

  private static final byte VERSION = 2;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom NONCES = new SecureRandom();
  private static final int BINDING_BYTES = 12;
  private static final int ALIAS_BYTES = 3;
  private static final int FINISHED = 1;
  private static final int ALIASED = 2;
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final List<SourceStatus> STATUSES = List.of(SourceStatus.values());
  /** A status's place in {@link #STATUSES} by its wire name: looked up for every finished source of every token. */
  private static final Map<String, Integer> STATUS_INDEX = java.util.stream.IntStream.range(0, STATUSES.size()).boxed()
      .collect(java.util.stream.Collectors.toUnmodifiableMap(i -> STATUSES.get(i).wireName(), i -> i));

  private static final byte[] AAD = {VERSION};

  private final ResumeKey key;
  /** Each thread's cipher under this instance's key (see {@link #cipher}). */
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(ResumeTokens::newCipher);
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
      Collection<Section> sections, List<String> configuredSources, List<String> viewSources, boolean restricted) {
    Mac mac = key.mac();
    // Restricted (S-flagged) or not is bound too: a view that began unmasked, naming its sources, must not be
    // continued under aliases (they could be matched to the names already sent), nor the other way round.
    for (String part : List.of("binding", nullSafe(userId), nullSafe(roleProfileId), nhsNumber, viewRequestId, nullSafe(purpose),
        restricted ? "restricted" : "open",
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + sources.size() * 7);
    long expires = clock.instant().getEpochSecond() + ttlSeconds;
    writeInt(out, (int) expires);
    byte[] id = viewRequestId.getBytes(StandardCharsets.US_ASCII);
    out.write(id.length);
    out.writeBytes(id);
    out.writeBytes(binding);
    writeShort(out, sources.size());
    for (Map.Entry<Integer, ResumePoint.Had> entry : sources.entrySet()) {
      ResumePoint.Had had = entry.getValue();
      writeShort(out, entry.getKey());
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
    byte[] nonce = new byte[NONCE_BYTES];
    NONCES.nextBytes(nonce);
    byte[] sealed;
    try {
      sealed = cipher(Cipher.ENCRYPT_MODE, nonce).doFinal(out.toByteArray());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to seal", e);
    }
    byte[] token = new byte[1 + NONCE_BYTES + sealed.length];
    token[0] = VERSION;
    System.arraycopy(nonce, 0, token, 1, NONCE_BYTES);
    System.arraycopy(sealed, 0, token, 1 + NONCE_BYTES, sealed.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /**
   * This thread's AES-GCM cipher, initialised under the sealing key with this nonce and the version as
   * associated data. One {@link Cipher} per thread and instance, re-initialised for every token: looking a
   * cipher up and expanding the key for each event's token was most of what a token cost. Safe to reuse:
   * every init takes a fresh random nonce (GCM itself refuses to encrypt twice under the last one), an
   * init resets whatever a failed decryption left, and a thread uses it for one token at a time.
   */
  private Cipher cipher(int mode, byte[] nonce) {
    try {
      Cipher cipher = ciphers.get();
      cipher.init(mode, key.sealingKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(AAD);
      return cipher;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
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
    if (bytes.length < 1 + NONCE_BYTES + 4 + 1 + BINDING_BYTES + 2 + TAG_BITS / 8) {
      throw new InvalidResumeToken("the resume token is not one this service issued");
    }
    if (bytes[0] != VERSION) {
      throw new InvalidResumeToken("the resume token is of a version this service does not read");
    }
    byte[] body;
    try {
      body = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(bytes, 1, 1 + NONCE_BYTES))
          .doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new InvalidResumeToken("the resume token has been altered or was not issued by this service");
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(body);
      long expires = Integer.toUnsignedLong(in.getInt());
      if (clock.instant().getEpochSecond() >= expires) {
        throw new InvalidResumeToken("the resume token has expired");
      }
      byte[] id = new byte[Byte.toUnsignedInt(in.get())];
      in.get(id);
      String viewRequestId = new String(id, StandardCharsets.US_ASCII);
      byte[] binding = new byte[BINDING_BYTES];
      in.get(binding);
      int count = Short.toUnsignedInt(in.getShort());
      SortedMap<Integer, ResumePoint.Had> sources = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        int index = Short.toUnsignedInt(in.getShort());
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
    Integer index = wireName == null ? null : STATUS_INDEX.get(wireName);
    return index != null ? index : SourceStatus.ERROR.ordinal();
  }

  private static String nullSafe(String text) {
    return text == null ? "" : text;
  }

  private static void writeShort(ByteArrayOutputStream out, int value) {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException("a resume token names at most 65,535 sources");
    }
    out.write(value >>> 8);
    out.write(value);
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
